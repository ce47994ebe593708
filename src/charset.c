/* charset.c: UTF-8 inside, the terminal's charset outside; see charset.h. */
#include "charset.h"

#include <errno.h>
#include <iconv.h>
#include <langinfo.h>
#include <limits.h>
#include <stdlib.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <wctype.h>

#include "text.h"
#include "util.h"

static char codeset[64] = "UTF-8";
static bool utf8 = true;
static iconv_t to_term = (iconv_t)-1;
/* Transliteration and UTF-8 decoding need a UTF-8 LC_CTYPE; the process
 * locale may be C. This one is used per call through uselocale(). */
static locale_t utf8_locale = (locale_t)0;

static locale_t
utf8_loc(void)
{
	if (utf8_locale == (locale_t)0)
		utf8_locale = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
	if (utf8_locale == (locale_t)0)
		utf8_locale = newlocale(LC_CTYPE_MASK, "C.utf8", (locale_t)0);
	if (utf8_locale == (locale_t)0)
		die("the C.UTF-8 locale is missing (package libc-bin)");
	return utf8_locale;
}

void
charset_init(void)
{
	const char *cs = nl_langinfo(CODESET);

	snprintf(codeset, sizeof codeset, "%s", cs != NULL && *cs ? cs : "ANSI_X3.4-1968");
	utf8 = str_eq(codeset, "UTF-8");
	if (!utf8) {
		char *to = xasprintf("%s//TRANSLIT", codeset);
		locale_t old = uselocale(utf8_loc());

		to_term = iconv_open(to, "UTF-8");
		uselocale(old);
		free(to);
		if (to_term == (iconv_t)-1)
			to_term = iconv_open("ASCII//TRANSLIT", "UTF-8");
	}
}

void
charset_done(void)
{
	if (to_term != (iconv_t)-1)
		iconv_close(to_term);
	to_term = (iconv_t)-1;
	if (utf8_locale != (locale_t)0)
		freelocale(utf8_locale);
	utf8_locale = (locale_t)0;
}

bool
charset_is_utf8(void)
{
	return utf8;
}

const char *
charset_name(void)
{
	return codeset;
}

bool
charset_shows(const char *text)
{
	size_t n, had = 0, got = 0;
	wchar_t *w;

	if (utf8 || to_term == (iconv_t)-1)
		return true;
	for (const char *p = text; *p; p++)
		had += *p == '?';
	w = charset_display(text, &n);
	for (size_t i = 0; i < n; i++)
		got += w[i] == L'?';
	free(w);
	return got == had;
}

/* What a terminal shows for a character it must not get: U+FFFD, or '?'. */
static wchar_t
placeholder(void)
{
	return utf8 ? 0xFFFD : L'?';
}

/* Decode UTF-8 (when in_utf8) or the terminal's charset into wide chars.
 * For display, invisible characters (text_kind) become the placeholder:
 * bidi controls would reorder what staff read, zero-width ones hide text. */
static wchar_t *
decode(const char *s, size_t n, bool in_utf8, bool display, size_t *len)
{
	wchar_t *out = xcalloc(n + 1, sizeof *out);
	mbstate_t st;
	size_t i = 0, k = 0;
	locale_t old = in_utf8 ? uselocale(utf8_loc()) : (locale_t)0;

	memset(&st, 0, sizeof st);
	while (i < n) {
		wchar_t wc;
		size_t r = mbrtowc(&wc, s + i, n - i, &st);

		if (r == (size_t)-1 || r == (size_t)-2 || r == 0) {
			out[k++] = placeholder();
			memset(&st, 0, sizeof st);
			i++;
			continue;
		}
		/* Control characters would move the cursor: show them as '?'. */
		if (wc != L'\n' && text_kind(wc) == TEXT_CONTROL)
			wc = L'?';
		else if (display && text_kind(wc) == TEXT_INVISIBLE)
			wc = placeholder();
		out[k++] = wc;
		i += r;
	}
	if (old != (locale_t)0)
		uselocale(old);
	out[k] = 0;
	*len = k;
	return out;
}

wchar_t *
charset_decode_utf8(const char *s, size_t *len)
{
	return decode(s, strlen(s), true, false, len);
}

wchar_t *
charset_display(const char *text, size_t *len)
{
	size_t n;
	char *buf, *ip, *op, *s;
	size_t il, ol, cap;
	wchar_t *out;
	locale_t old = (locale_t)0;

	if (utf8 || to_term == (iconv_t)-1)
		return decode(text, strlen(text), true, true, len);
	/* Invisible characters become U+FFFD first, which iconv turns into
	 * '?': transliteration would drop some of them without a trace. */
	s = charset_filter(text, true, true);
	n = strlen(s);

	cap = n * 4 + 16; /* "€" -> "EUR": transliterations can grow */
	buf = xmalloc(cap);
	ip = (char *)s;
	il = n;
	op = buf;
	ol = cap - 1;
	old = uselocale(utf8_loc());
	iconv(to_term, NULL, NULL, NULL, NULL);
	while (il > 0) {
		if (iconv(to_term, &ip, &il, &op, &ol) != (size_t)-1)
			break;
		if (errno == E2BIG)
			break;
		/* Unconvertible or invalid: one '?' for the whole character. */
		if (ol > 0) {
			*op++ = '?';
			ol--;
		}
		ip++;
		il--;
		while (il > 0 && ((unsigned char)*ip & 0xC0) == 0x80) {
			ip++;
			il--;
		}
	}
	uselocale(old);
	*op = '\0';
	out = decode(buf, (size_t)(op - buf), false, true, len);
	wipe_free(buf);
	wipe_free(s);
	return out;
}

void
charset_fold(wchar_t *w, size_t n)
{
	locale_t loc = utf8_loc();

	for (size_t i = 0; i < n; i++)
		w[i] = (wchar_t)towlower_l((wint_t)w[i], loc);
}

bool
charset_is_word(wchar_t c)
{
	return iswalnum_l((wint_t)c, utf8_loc());
}

char *
charset_from_term(const char *bytes, size_t n)
{
	char *out, *ip = (char *)bytes, *op;
	size_t il = n, ol = n * 4 + 1;
	iconv_t cd;

	if (memchr(bytes, '\0', n) != NULL)
		return NULL;
	if (utf8) {
		out = xstrndup(bytes, n);
	} else {
		if ((cd = iconv_open("UTF-8", codeset)) == (iconv_t)-1)
			return NULL;
		out = op = xmalloc(ol);
		if (iconv(cd, &ip, &il, &op, &ol) == (size_t)-1) {
			iconv_close(cd);
			wipe_free(out);
			return NULL;
		}
		iconv_close(cd);
		*op = '\0';
	}
	charset_drop_invisible(out);
	if (!charset_valid_utf8(out, false)) {
		wipe_free(out);
		return NULL;
	}
	return out;
}

char *
charset_utf8(const wchar_t *ws, size_t n)
{
	char *out = xmalloc(n * MB_LEN_MAX + 1);
	size_t k = 0;
	mbstate_t st;
	locale_t old = uselocale(utf8_loc());

	/* glibc's wchar_t holds Unicode code points in every locale, so
	 * encoding under C.UTF-8 gives UTF-8 whatever the terminal uses. */
	memset(&st, 0, sizeof st);
	for (size_t i = 0; i < n; i++) {
		size_t r = wcrtomb(out + k, ws[i], &st);

		if (r == (size_t)-1) {
			memset(&st, 0, sizeof st);
			r = wcrtomb(out + k, 0xFFFD, &st);
		}
		if (r != (size_t)-1)
			k += r;
	}
	uselocale(old);
	out[k] = '\0';
	return out;
}

bool
charset_valid_utf8(const char *s, bool allow_newline)
{
	size_t n = strlen(s), i = 0;
	mbstate_t st;
	locale_t old = uselocale(utf8_loc());
	bool ok = true;

	memset(&st, 0, sizeof st);
	while (i < n) {
		wchar_t wc;
		size_t r;

		/* Printable ASCII is valid as it is (most of a form is). */
		if ((unsigned char)s[i] >= 0x20 && (unsigned char)s[i] < 0x7f) {
			i++;
			continue;
		}
		r = mbrtowc(&wc, s + i, n - i, &st);

		/* glibc accepts more than Unicode: refuse what UTF-8 excludes
		 * (beyond U+10FFFF, surrogates) and C0 and C1 controls. */
		if (r == (size_t)-1 || r == (size_t)-2 || r == 0 || r > 4 ||
		    (wc < 32 && !(allow_newline && wc == L'\n')) || (wc >= 0x7f && wc < 0xa0) ||
		    wc > 0x10FFFF || (wc >= 0xD800 && wc <= 0xDFFF)) {
			ok = false;
			break;
		}
		i += r;
	}
	uselocale(old);
	return ok;
}

size_t
charset_utf8_len(const char *s)
{
	size_t k = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			k++;
	return k;
}

/* The character at s (n bytes left) into *wc; returns its length, or 0 when
 * the bytes there are no valid UTF-8 (*wc is then U+FFFD). Call with the
 * UTF-8 locale in use. */
static size_t
next_char(const char *s, size_t n, wchar_t *wc)
{
	mbstate_t st;
	size_t r;

	/* ASCII is itself (most text is): mbrtowc costs more than the rest
	 * of an export's work on a character. */
	if (n > 0 && (unsigned char)*s - 1u < 0x7Fu) {
		*wc = (wchar_t)*s;
		return 1;
	}
	memset(&st, 0, sizeof st);
	r = mbrtowc(wc, s, n, &st);
	if (r == (size_t)-1 || r == (size_t)-2 || r == 0 || r > 4 || *wc > 0x10FFFF ||
	    (*wc >= 0xD800 && *wc <= 0xDFFF)) {
		*wc = 0xFFFD;
		return 0;
	}
	return r;
}

void
charset_drop_invisible(char *s)
{
	size_t n = strlen(s), i = 0, k = 0;
	locale_t old = uselocale(utf8_loc());

	while (i < n) {
		wchar_t wc;
		size_t r = next_char(s + i, n - i, &wc);

		if (r == 0) {
			s[k++] = s[i++]; /* left for the validation to refuse */
			continue;
		}
		if (text_kind(wc) != TEXT_INVISIBLE) {
			memmove(s + k, s + i, r);
			k += r;
		}
		i += r;
	}
	uselocale(old);
	explicit_bzero(s + k, n - k);
	s[k] = '\0';
}

bool
charset_has_invisible(const char *s)
{
	size_t n = strlen(s), i = 0;
	locale_t old = uselocale(utf8_loc());
	bool found = false;

	while (i < n && !found) {
		wchar_t wc;
		size_t r = next_char(s + i, n - i, &wc);

		found = r > 0 && text_kind(wc) == TEXT_INVISIBLE;
		i += r > 0 ? r : 1;
	}
	uselocale(old);
	return found;
}

char *
charset_filter(const char *s, bool mark, bool keep_layout)
{
	size_t n = strlen(s), i = 0, k = 0;
	/* A placeholder (3 bytes) may stand for a single invalid byte. */
	char *out = xmalloc(n * 3 + 1);
	locale_t old = (locale_t)0;

	while (i < n) {
		wchar_t wc;
		size_t r;

		/* Printable ASCII (most stored text) is visible as it is: an
		 * export calls this for every cell. */
		if ((unsigned char)s[i] >= 0x20 && (unsigned char)s[i] < 0x7F) {
			out[k++] = s[i++];
			continue;
		}
		if (old == (locale_t)0)
			old = uselocale(utf8_loc());
		r = next_char(s + i, n - i, &wc);

		bool layout = wc == L'\n' || wc == L'\r' || wc == L'\t';

		if (r == 0 || (text_kind(wc) != TEXT_VISIBLE && !(keep_layout && layout))) {
			if (r == 0 || mark) {
				memcpy(out + k, "\xEF\xBF\xBD", 3); /* U+FFFD */
				k += 3;
			}
			i += r > 0 ? r : 1;
			continue;
		}
		memcpy(out + k, s + i, r);
		k += r;
		i += r;
	}
	if (old != (locale_t)0)
		uselocale(old);
	out[k] = '\0';
	return out;
}

char *
charset_json_visible(const char *json)
{
	size_t n = strlen(json), i = 0, k = 0;
	/* The longest escape for its bytes: DEL (1 byte) becomes 6. */
	char *out = xmalloc(n * 6 + 1);
	locale_t old = uselocale(utf8_loc());

	while (i < n) {
		wchar_t wc;
		size_t r = next_char(json + i, n - i, &wc);

		if (r == 0) {
			r = 1; /* jansson writes valid UTF-8 only; keep the byte */
		} else if (text_kind(wc) != TEXT_VISIBLE) {
			unsigned long c = (unsigned long)wc;

			if (c > 0xFFFF)
				k += (size_t)sprintf(out + k, "\\u%04lx\\u%04lx", 0xD800 + ((c - 0x10000) >> 10),
				    0xDC00 + ((c - 0x10000) & 0x3FF));
			else
				k += (size_t)sprintf(out + k, "\\u%04lx", c);
			i += r;
			continue;
		}
		memcpy(out + k, json + i, r);
		k += r;
		i += r;
	}
	uselocale(old);
	out[k] = '\0';
	return out;
}
