/* text.c: column widths and wrapping; see text.h. */
#include "text.h"

#include "util.h"

int
text_cwidth(wchar_t c)
{
	int w = wcwidth(c);

	return w < 0 ? 1 : w;
}

int
text_width(const wchar_t *s, size_t n)
{
	int w = 0;

	for (size_t i = 0; i < n; i++)
		w += text_cwidth(s[i]);
	return w;
}

size_t
text_fit(const wchar_t *s, size_t n, int cols)
{
	size_t i;
	int w = 0;

	for (i = 0; i < n; i++) {
		int cw = text_cwidth(s[i]);

		if (w + cw > cols)
			break;
		w += cw;
	}
	return i;
}

static void
push(struct span **out, size_t *count, size_t *cap, size_t start, size_t len)
{
	if (*count == *cap) {
		*cap = *cap ? *cap * 2 : 8;
		*out = xreallocarray(*out, *cap, sizeof **out);
	}
	(*out)[*count].start = start;
	(*out)[*count].len = len;
	(*count)++;
}

size_t
text_wrap(const wchar_t *s, size_t n, int cols, struct span **out)
{
	size_t count = 0, cap = 0, i = 0;

	*out = NULL;
	if (cols < 1)
		cols = 1;
	while (i <= n) {
		size_t start = i, end = i, brk = 0;
		int w = 0;

		/* Extend the line while it fits; remember the last space. */
		while (end < n && s[end] != L'\n') {
			int cw = text_cwidth(s[end]);

			if (w + cw > cols)
				break;
			if (s[end] == L' ')
				brk = end;
			w += cw;
			end++;
		}
		if (end < n && s[end] == L' ') {
			/* The line is full up to a space: break right there. */
			size_t len = end - start;

			while (len > 0 && s[start + len - 1] == L' ')
				len--;
			push(out, &count, &cap, start, len);
			i = end + 1;
		} else if (end < n && s[end] != L'\n' && brk > start) {
			/* Break at the last space; the space itself is dropped. */
			push(out, &count, &cap, start, brk - start);
			i = brk + 1;
		} else {
			if (end == start && end < n && s[end] != L'\n')
				end++; /* a character wider than the line */
			push(out, &count, &cap, start, end - start);
			i = end;
			if (i < n && s[i] == L'\n')
				i++;
			else if (i >= n)
				break;
		}
		while (i < n && s[i] == L' ' && i > start && s[i - 1] != L'\n')
			i++; /* spaces at a soft break do not start the next line */
	}
	return count;
}
