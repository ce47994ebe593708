/* i18n.c: language switching at run time; see i18n.h. */
#include "i18n.h"

#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* gettext caches translations; bumping this counter makes it look again
 * after LANGUAGE changed (documented in the gettext manual). */
extern int _nl_msg_cat_cntr;

static enum lang current = LANG_NL;

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
i18n_set(enum lang lang)
{
	current = lang;
	/* English is the msgid language; "en" simply finds no catalogue. */
	setenv("LANGUAGE", i18n_code(lang), 1);
	++_nl_msg_cat_cntr;
}

enum lang
i18n_lang(void)
{
	return current;
}

const char *
i18n_code(enum lang lang)
{
	return lang == LANG_EN ? "en" : "nl";
}

const char *
i18n_language_name(const char *code)
{
	/* Each language by its own name, as the kiosk's language key shows it. */
	static const char *const names[LANG_COUNT] = { [LANG_NL] = "Nederlands", [LANG_EN] = "English" };
	enum lang l;

	return i18n_parse(code, &l) ? names[l] : code;
}

bool
i18n_parse(const char *code, enum lang *lang)
{
	if (str_eq(code, "nl"))
		*lang = LANG_NL;
	else if (str_eq(code, "en"))
		*lang = LANG_EN;
	else
		return false;
	return true;
}

/* The language named by one locale or LANGUAGE entry ("en_GB.UTF-8",
 * "nl", "en_US@euro"): its letters before '_', '.' or '@'. */
static bool
parse_locale_name(const char *name, size_t len, enum lang *lang)
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
i18n_from_env(enum lang *lang)
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
	const char *s = t->s[current];

	return s != NULL ? s : "";
}

char *
i18n_in(enum lang lang, const char *msgid)
{
	/* Switching makes gettext look everything up anew: the few strings
	 * asked for here (msgids are literals) are kept once looked up. */
	static struct {
		enum lang lang;
		const char *msgid;
		char *text;
	} seen[16];
	static size_t nseen;
	enum lang was = current;
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

enum lang
i18n_other(void)
{
	return current == LANG_NL ? LANG_EN : LANG_NL;
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
