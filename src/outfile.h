/* outfile.h: the only ways zorgkiosk writes an export. An export never
 * overwrites anything: it is always a new file, mode 0600, never through a
 * symlink, and never in the database's folder. */
#ifndef ZK_OUTFILE_H
#define ZK_OUTFILE_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/stat.h>

/* Create path as a new file for an export of the database at db. NULL with
 * *why set (caller frees) when path exists, is a symlink, or lies in the
 * database's folder. */
FILE *outfile_create(const char *path, const char *db, char **why);

/* Create a new file named after the time and ext ("csv", "json") in the
 * staff export folder: folder under home (or folder itself when absolute),
 * made 0700 when missing, owned by the caller and writable by no one else.
 * Sets *path (caller frees). NULL with *why set (caller frees). */
FILE *outfile_in_folder(const char *home, const char *folder, const char *ext, char **path, char **why);

/* A new file at path (O_EXCL, mode 0600, never through a link), made in
 * the folder it checked is not db's: -1 with errno set, or with
 * *db_folder true when it is. */
int outfile_new(const char *path, const char *db, bool *db_folder);

/* Whether the folders of files a and b are the same folder. */
bool outfile_same_folder(const char *a, const char *b);

/* The staff export folder: folder under home, or folder when absolute.
 * Caller frees. */
char *outfile_folder_path(const char *home, const char *folder);

/* Open the export folder (made 0700 first when make and missing) as a
 * directory descriptor, not through a symlink; it must belong to the
 * real user and be closed to others. -1 with *why set (caller frees). */
int outfile_folder(const char *home, const char *folder, bool make, char **why);

/* Whether name has the shape of a name outfile_in_folder gives. */
bool outfile_is_export_name(const char *name);

/* Whether a folder entry (st from fstatat without following links) is an
 * export this program made for owner: such a name, a regular file of
 * owner's with mode 0600 (as outfile_in_folder makes it) and one link. */
bool outfile_is_export(const struct stat *st, const char *name, uid_t owner);

#endif
