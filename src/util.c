/* util.c: allocation wrappers and die(); see util.h. */
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

void (*die_hook)(void);

void
die(const char *fmt, ...)
{
	va_list ap;

	if (die_hook != NULL)
		die_hook();
	fputs("zorgkiosk: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

void *
xmalloc(size_t n)
{
	void *p;

	if (n == 0)
		die("internal error: zero-size allocation");
	if ((p = malloc(n)) == NULL)
		die("out of memory");
	return p;
}

void *
xcalloc(size_t n, size_t sz)
{
	void *p;

	if (n == 0 || sz == 0)
		die("internal error: zero-size allocation");
	if ((p = calloc(n, sz)) == NULL)
		die("out of memory");
	return p;
}

void *
xreallocarray(void *p, size_t n, size_t sz)
{
	size_t had;
	void *q;

	if (n == 0 || sz == 0)
		die("internal error: zero-size allocation");
	if (n > SIZE_MAX / sz)
		die("internal error: allocation too large");
	/* Never realloc(): a block it moves is freed with its text still in. */
	had = p != NULL ? malloc_usable_size(p) : 0;
	if (n * sz <= had)
		return p;
	/* Grow by half at least, so that adding one at a time stays linear. */
	q = xmalloc(n * sz > had + had / 2 || had > SIZE_MAX / 2 ? n * sz : had + had / 2);
	if (p != NULL)
		memcpy(q, p, had);
	wipe_free(p);
	return q;
}

void
wipe_free(void *p)
{
	if (p != NULL) {
		explicit_bzero(p, malloc_usable_size(p));
		free(p);
	}
}

void __attribute__((noinline))
wipe_stack(void)
{
	char pad[256 * 1024];

	explicit_bzero(pad, sizeof pad);
	/* The compiler must not drop the array as unused. */
	__asm__ volatile("" : : "r"(pad) : "memory");
}

char *
xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *
xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
xvasprintf(const char *fmt, va_list ap)
{
	va_list ap2;
	int n;
	char *p;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		die("internal error: bad format");
	p = xmalloc((size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

char *
xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	p = xvasprintf(fmt, ap);
	va_end(ap);
	return p;
}

bool
date_valid(const char *s)
{
	static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y, m, d;
	char extra;

	if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-' ||
	    sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &extra) != 3 || m < 1 || m > 12 || d < 1)
		return false;
	if (m == 2 && (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
		return d <= 29;
	return d <= days[m - 1];
}

long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

bool
str_eq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

bool
write_all(int fd, const void *buf, size_t n)
{
	const char *p = buf;

	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		p += w;
		n -= (size_t)w;
	}
	return true;
}
