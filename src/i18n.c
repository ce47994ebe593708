/* i18n.c: language switching at run time; see i18n.h. */
#include "i18n.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "charset.h"
#include "util.h"

/* gettext caches translations; bumping this counter makes it look again
 * after LANGUAGE changed (documented in the gettext manual). */
extern int _nl_msg_cat_cntr;

struct language {
	char code[4];
	const char *name; /* allocated, but in the built-in table */
	bool rtl, checked, enabled, hidden;
};

/* Until forms/languages.conf is read (and for a forms folder without one):
 * the two languages every forms folder has. */
static struct language table[LANG_MAX] = {
	{ "nl", "Nederlands", false, true, true, false },
	{ "en", "English", false, true, true, false },
};
static int ntable = 2;
static bool builtin = true;
static lang_id current;

/* The site's `languages`, until the table is read. */
static char **wanted;
static size_t nwanted;
static bool want_list;

static bool
is_wanted(const char *code)
{
	if (!want_list)
		return false;
	for (size_t i = 0; i < nwanted; i++)
		if (str_eq(wanted[i], code))
			return true;
	return false;
}

/* The current language's code while the table is read anew: it stays
 * current if the new table has it. */
static char reloading[4];

void
i18n_clear(void)
{
	snprintf(reloading, sizeof reloading, "%s", i18n_code(current));
	for (lang_id l = 0; !builtin && l < ntable; l++)
		free((char *)table[l].name);
	ntable = 0;
	builtin = false;
	current = 0;
}

lang_id
i18n_add(const char *code, const char *name, bool rtl, bool checked)
{
	lang_id l;

	if (ntable == LANG_MAX || strlen(code) != 2 || strspn(code, "abcdefghijklmnopqrstuvwxyz") != 2 ||
	    i18n_parse(code, &l))
		return -1;
	memcpy(table[ntable].code, code, 3);
	if (str_eq(code, reloading))
		current = ntable;
	table[ntable].name = xstrdup(name);
	table[ntable].rtl = rtl;
	table[ntable].checked = checked;
	table[ntable].enabled = want_list ? is_wanted(code) : checked;
	/* A terminal that cannot show its script does not offer it. */
	table[ntable].hidden = !charset_shows(name);
	return ntable++;
}

int
i18n_count(void)
{
	return ntable;
}

void
i18n_want(char *const *codes, size_t n)
{
	for (size_t i = 0; i < nwanted; i++)
		free(wanted[i]);
	free(wanted);
	wanted = NULL;
	nwanted = 0;
	want_list = codes != NULL;
	if (codes != NULL) {
		wanted = xcalloc(n + 1, sizeof *wanted);
		for (size_t i = 0; i < n; i++)
			wanted[nwanted++] = xstrdup(codes[i]);
	}
	for (lang_id l = 0; l < ntable; l++)
		table[l].enabled = want_list ? is_wanted(table[l].code) : table[l].checked;
}

const char *
i18n_wanted_unknown(void)
{
	lang_id l;

	for (size_t i = 0; i < nwanted; i++)
		if (!i18n_parse(wanted[i], &l))
			return wanted[i];
	return NULL;
}

bool
i18n_enabled(lang_id lang)
{
	return lang >= 0 && lang < ntable && table[lang].enabled;
}

bool
i18n_offered(lang_id lang)
{
	return i18n_enabled(lang) && !table[lang].hidden;
}

lang_id
i18n_first(void)
{
	for (lang_id l = 0; l < ntable; l++)
		if (i18n_offered(l))
			return l;
	return 0;
}

int
i18n_noffered(void)
{
	int n = 0;

	for (lang_id l = 0; l < ntable; l++)
		n += i18n_offered(l);
	return n;
}

bool
i18n_rtl(lang_id lang)
{
	return lang >= 0 && lang < ntable && table[lang].rtl;
}

const char *
i18n_name(lang_id lang)
{
	return lang >= 0 && lang < ntable ? table[lang].name : "?";
}

void
i18n_init(const char *localedir)
{
	const char *msgs = setlocale(LC_MESSAGES, NULL);

	/* In the C locale gettext ignores LANGUAGE and returns the msgid.
	 * Messages are delivered as UTF-8 anyway, so C.UTF-8 is safe here. */
	if (msgs == NULL || str_eq(msgs, "C") || str_eq(msgs, "POSIX")) {
		if (setlocale(LC_MESSAGES, "C.UTF-8") == NULL)
			setlocale(LC_MESSAGES, "C.utf8");
	}
	bindtextdomain("zorgkiosk", localedir);
	bind_textdomain_codeset("zorgkiosk", "UTF-8");
	textdomain("zorgkiosk");
}

void
i18n_set(lang_id lang)
{
	current = lang;
	/* English is the msgid language; "en" simply finds no catalogue. */
	setenv("LANGUAGE", i18n_code(lang), 1);
	++_nl_msg_cat_cntr;
}

lang_id
i18n_lang(void)
{
	return current;
}

const char *
i18n_code(lang_id lang)
{
	return lang >= 0 && lang < ntable ? table[lang].code : "";
}

const char *
i18n_language_name(const char *code)
{
	lang_id l;

	return i18n_parse(code, &l) ? table[l].name : code;
}

bool
i18n_parse(const char *code, lang_id *lang)
{
	for (lang_id l = 0; l < ntable; l++)
		if (str_eq(code, table[l].code)) {
			*lang = l;
			return true;
		}
	return false;
}

/* The language named by one locale or LANGUAGE entry ("en_GB.UTF-8",
 * "nl", "en_US@euro"): its letters before '_', '.' or '@'. */
static bool
parse_locale_name(const char *name, size_t len, lang_id *lang)
{
	char code[8];
	size_t n = strcspn(name, "_.@:");

	if (n > len)
		n = len;
	if (n == 0 || n >= sizeof code)
		return false;
	memcpy(code, name, n);
	code[n] = '\0';
	return i18n_parse(code, lang);
}

bool
i18n_from_env(lang_id *lang)
{
	static const char *const vars[] = { "LC_ALL", "LC_MESSAGES", "LANG" };
	const char *v;

	/* LANGUAGE is a priority list ("fr:en:nl"): its first known entry. */
	for (const char *p = getenv("LANGUAGE"); p != NULL && *p != '\0';) {
		size_t n = strcspn(p, ":");

		if (parse_locale_name(p, n, lang))
			return true;
		p += n + (p[n] == ':');
	}
	/* Then the first of these that is set decides, as in POSIX. */
	for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
		v = getenv(vars[i]);
		if (v != NULL && *v != '\0')
			return parse_locale_name(v, strlen(v), lang);
	}
	return false;
}

const char *
tr(const struct text *t)
{
	const char *s = current < LANG_MAX ? t->s[current] : NULL;

	return s != NULL ? s : "";
}

char *
i18n_in(lang_id lang, const char *msgid)
{
	/* Switching makes gettext look everything up anew: the few strings
	 * asked for here (msgids are literals) are kept once looked up. */
	static struct {
		lang_id lang;
		const char *msgid;
		char *text;
	} seen[16];
	static size_t nseen;
	lang_id was = current;
	char *t;

	if (lang == current)
		return xstrdup(gettext(msgid));
	for (size_t i = 0; i < nseen; i++)
		if (seen[i].lang == lang && seen[i].msgid == msgid)
			return xstrdup(seen[i].text);
	i18n_set(lang);
	t = xstrdup(gettext(msgid));
	i18n_set(was);
	if (nseen < sizeof seen / sizeof seen[0]) {
		seen[nseen].lang = lang;
		seen[nseen].msgid = msgid;
		seen[nseen++].text = xstrdup(t);
	}
	return t;
}

char *
i18n_both(const char *msgid, const char *sep)
{
	char *other = i18n_in(i18n_other(), msgid), *both;

	both = xasprintf("%s%s%s", gettext(msgid), sep, other);
	free(other);
	return both;
}

bool
i18n_in_pair(lang_id lang)
{
	int n = 0;

	for (lang_id l = 0; l < ntable && n < 2; l++)
		if (i18n_offered(l)) {
			if (l == lang)
				return true;
			n++;
		}
	return false;
}

lang_id
i18n_other(void)
{
	lang_id pair[2] = { 0, 0 };
	int n = 0;

	for (lang_id l = 0; l < ntable && n < 2; l++)
		if (i18n_offered(l))
			pair[n++] = l;
	if (n < 2)
		return pair[0];
	return current == pair[0] ? pair[1] : pair[0];
}

char *
i18n_date(int year, int month, int day)
{
	static const char *const months[12] = {
		N_("January"), N_("February"), N_("March"), N_("April"),
		N_("May"), N_("June"), N_("July"), N_("August"),
		N_("September"), N_("October"), N_("November"), N_("December"),
	};

	if (month < 1 || month > 12)
		month = 1;
	/* L10N: a date such as "1 April 2026": day, month name, year. */
	return xasprintf(_("%d %s %d"), day, _(months[month - 1]), year);
}
