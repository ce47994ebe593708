/* util.h: allocation that never returns NULL, small string helpers, die(). */
#ifndef ZK_UTIL_H
#define ZK_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Allocate n bytes (n > 0); exits through die() when memory runs out. */
void *xmalloc(size_t n);
/* Allocate a zeroed array of n elements of size sz. */
void *xcalloc(size_t n, size_t sz);
/* Resize p to n elements of size sz, checking for overflow; a block that
 * must move is wiped before it is freed. */
void *xreallocarray(void *p, size_t n, size_t sz);
/* Overwrite the whole block p (may be NULL) with zeros, then free it: for
 * anything that held what a visitor typed, so no copy outlives its use. */
void wipe_free(void *p);
/* Overwrite the stack below the caller (256 KiB): functions keep short
 * texts in stack buffers, and a process that lives on must not keep the
 * last visitor's answers there. */
void wipe_stack(void);
/* Copy of s. Caller frees. */
char *xstrdup(const char *s);
/* Copy of the first n bytes of s, NUL-terminated. Caller frees. */
char *xstrndup(const char *s, size_t n);
/* printf into a new string. Caller frees. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

/* True when a and b are equal strings (both may be NULL). */
bool str_eq(const char *a, const char *b);

/* Whether s is a date that exists, written YYYY-MM-DD. */
bool date_valid(const char *s);

/* Write all n bytes of buf to fd, again after EINTR and short writes;
 * false on an error (errno says which). */
bool write_all(int fd, const void *buf, size_t n);
/* Milliseconds on a clock that only goes forward (for timeouts). */
long long now_ms(void);

/* Hook that restores the terminal before die() prints; set by the UI. */
extern void (*die_hook)(void);
/* Print "zorgkiosk: message" to stderr and exit with status 1. */
void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

#endif
