/* paths.h: where the forms, translations and database are by default.
 * paths.c is compiled twice: for the source tree, and for `make install`. */
#ifndef ZK_PATHS_H
#define ZK_PATHS_H

extern const char zk_forms_dir[];
extern const char zk_locale_dir[];
extern const char zk_db_path[];
extern const char zk_conf_path[];
extern const char zk_version[];

#endif
