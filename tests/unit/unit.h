/* unit.h: helpers shared by the cmocka unit tests of the curses-free core.
 * Every test file includes this once; the helpers are static inline so an
 * unused one costs nothing and draws no warning. */
#ifndef ZK_UNIT_H
#define ZK_UNIT_H

/* cmocka needs these before its own header. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "form.h"
#include "util.h"

/* Number of elements of a fixed array. */
#define UNIT_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* A fresh, empty folder under $TMPDIR (or /tmp). Caller frees, and removes
 * it with unit_rmtree(). */
static inline char *
unit_tmpdir(void)
{
	const char *base = getenv("TMPDIR");
	char *dir = xasprintf("%s/zk-unit-XXXXXX", base != NULL && *base ? base : "/tmp");

	if (mkdtemp(dir) == NULL)
		fail_msg("mkdtemp %s: %s", dir, strerror(errno));
	return dir;
}

static inline int
unit_rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	/* A test may have made a folder read-only; make it writable again. */
	chmod(path, 0700);
	return remove(path);
}

/* Remove dir and everything in it (NULL is fine). */
static inline void
unit_rmtree(const char *dir)
{
	if (dir != NULL) {
		chmod(dir, 0700);
		nftw(dir, unit_rm_one, 16, FTW_DEPTH | FTW_PHYS);
	}
}

/* Write len bytes of data to path, replacing it. Fails the test on error. */
static inline void
unit_write(const char *path, const void *data, size_t len)
{
	FILE *fp = fopen(path, "wb");

	if (fp == NULL)
		fail_msg("cannot write %s: %s", path, strerror(errno));
	if (len > 0 && fwrite(data, 1, len, fp) != len)
		fail_msg("cannot write %s", path);
	if (fclose(fp) != 0)
		fail_msg("cannot close %s: %s", path, strerror(errno));
}

/* Write the string s to path. */
static inline void
unit_write_str(const char *path, const char *s)
{
	unit_write(path, s, strlen(s));
}

/* The whole file, NUL-terminated; *len (may be NULL) gets its size. NULL when
 * the file cannot be read. Caller frees. */
static inline char *
unit_read(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *buf = NULL;
	size_t n = 0, cap = 0, r;

	if (fp == NULL)
		return NULL;
	do {
		if (cap - n < 4096) {
			cap = cap ? cap * 2 : 8192;
			buf = xreallocarray(buf, cap, 1);
		}
		r = fread(buf + n, 1, cap - n - 1, fp);
		n += r;
	} while (r > 0);
	fclose(fp);
	buf[n] = '\0';
	if (len != NULL)
		*len = n;
	return buf;
}

/* Copy the file src to dst. */
static inline void
unit_copy(const char *src, const char *dst)
{
	size_t n;
	char *data = unit_read(src, &n);

	if (data == NULL)
		fail_msg("cannot read %s: %s", src, strerror(errno));
	unit_write(dst, data, n);
	free(data);
}

/* Whether path exists. */
static inline bool
unit_exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

/* $ZK_TESTDATA/rel (tests/unit/data). Caller frees. */
static inline char *
unit_data(const char *rel)
{
	const char *dir = getenv("ZK_TESTDATA");

	if (dir == NULL || *dir == '\0')
		fail_msg("ZK_TESTDATA is not set (run the tests with `make unit`)");
	return xasprintf("%s/%s", dir, rel);
}

/* The valid test forms' welcome.conf into dir, beside a guide and intake
 * that a test writes there. */
static inline void
unit_copy_welcome(const char *dir)
{
	char *from = unit_data("valid/welcome.conf"), *to = xasprintf("%s/welcome.conf", dir);

	unit_copy(from, to);
	free(from);
	free(to);
}

/* $ZK_FORMS, the real forms folder. */
static inline const char *
unit_forms_dir(void)
{
	const char *dir = getenv("ZK_FORMS");

	if (dir == NULL || *dir == '\0')
		fail_msg("ZK_FORMS is not set (run the tests with `make unit`)");
	return dir;
}

/* Load the forms in dir. Returns them, or NULL with the error text in
 * *errors (caller frees *errors; it is NULL on success). */
static inline struct forms *
unit_load(const char *dir, char **errors)
{
	*errors = NULL;
	return forms_load(dir, errors);
}

/* Load the forms in dir and fail the test, showing the messages, when they
 * do not load. */
static inline struct forms *
unit_load_ok(const char *dir)
{
	char *errors = NULL;
	struct forms *f = forms_load(dir, &errors);

	if (f == NULL) {
		print_error("forms in %s do not load:\n%s", dir, errors ? errors : "(no message)\n");
		free(errors);
		fail_msg("forms_load(%s) failed", dir);
	}
	if (errors != NULL) {
		print_error("forms in %s loaded with messages:\n%s", dir, errors);
		free(errors);
		fail_msg("forms_load(%s) returned messages on success", dir);
	}
	return f;
}

/* The small valid forms of tests/unit/data/valid. Free with forms_free(). */
static inline struct forms *
unit_load_valid(void)
{
	char *dir = unit_data("valid");
	struct forms *f = unit_load_ok(dir);

	free(dir);
	return f;
}

/* Whether s is valid UTF-8 by RFC 3629 (no overlong forms, surrogates or
 * code points past U+10FFFF), written here independently of charset.c. */
static inline bool
unit_strict_utf8(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	while (*s) {
		unsigned c = *s, n, cp, min;

		if (c < 0x80) {
			s++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF)
			n = 1, cp = c & 0x1F, min = 0x80;
		else if (c >= 0xE0 && c <= 0xEF)
			n = 2, cp = c & 0x0F, min = 0x800;
		else if (c >= 0xF0 && c <= 0xF4)
			n = 3, cp = c & 0x07, min = 0x10000;
		else
			return false;
		for (unsigned k = 1; k <= n; k++) {
			if ((s[k] & 0xC0) != 0x80)
				return false;
			cp = cp << 6 | (s[k] & 0x3F);
		}
		if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return false;
		s += n + 1;
	}
	return true;
}

/* s written so that it can be printed: control bytes, and every byte
 * >= 0x80 when s is not strict UTF-8 or holds a C1 control, become \xNN.
 * Caller frees. */
static inline char *
unit_escape(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	bool raw = unit_strict_utf8(str);
	char *out = xmalloc(strlen(str) * 4 + 1), *o = out;

	for (const unsigned char *p = s; raw && *p; p++)
		if (p[0] == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F)
			raw = false;
	for (; *s; s++) {
		if (*s == '\n')
			o += sprintf(o, "\\n");
		else if (*s < 0x20 || *s == 0x7F || (*s >= 0x80 && !raw))
			o += sprintf(o, "\\x%02x", *s);
		else
			*o++ = (char)*s;
	}
	*o = '\0';
	return out;
}

/* Number of lines in s (each ending in '\n'; a last unterminated line counts). */
static inline size_t
unit_count_lines(const char *s)
{
	size_t n = 0;

	if (s == NULL)
		return 0;
	for (; *s; s++)
		if (*s == '\n' || s[1] == '\0')
			n++;
	return n;
}

/* The 1-based number of the first line of file that contains needle, or 0. */
static inline int
unit_line_of(const char *path, const char *needle)
{
	char *text = unit_read(path, NULL), *p, *hit;
	int line = 1;

	if (text == NULL)
		fail_msg("cannot read %s: %s", path, strerror(errno));
	if ((hit = strstr(text, needle)) == NULL) {
		free(text);
		return 0;
	}
	for (p = text; p < hit; p++)
		line += *p == '\n';
	free(text);
	return line;
}

#endif
