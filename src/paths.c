/* paths.c: default paths, set by the Makefile; see paths.h. */
#include "paths.h"

const char zk_forms_dir[] = ZK_FORMS_DIR;
const char zk_locale_dir[] = ZK_LOCALE_DIR;
const char zk_db_path[] = ZK_DB_PATH;
const char zk_conf_path[] = ZK_CONF_PATH;
const char zk_version[] = ZK_VERSION;
