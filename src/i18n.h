/* i18n.h: the languages of the kiosk (a table read from the forms, see
 * forms/languages.conf), gettext for interface strings, and the texts of
 * forms/ in each language. */
#ifndef ZK_I18N_H
#define ZK_I18N_H

#include <libintl.h>
#include <stdbool.h>
#include <stddef.h>

#define _(s) gettext(s)
#define N_(s) (s)

/* A language: its index in the table (0 is the office's language, the
 * first in forms/languages.conf). */
typedef int lang_id;

/* At most this many languages in forms/languages.conf. */
#define LANG_MAX 16

/* A text from forms/: one UTF-8 string per language (NULL: none). */
struct text {
	char *s[LANG_MAX];
};

/* Empty the table, which starts with Dutch and English (what a forms folder
 * from before forms/languages.conf holds). */
void i18n_clear(void);
/* Add a language to the table: its ISO 639-1 code, its name in itself,
 * whether it reads right to left, whether a native speaker checked its
 * texts. Returns its id, or -1 when the code is taken, malformed or the
 * table is full. */
lang_id i18n_add(const char *code, const char *name, bool rtl, bool checked);
/* How many languages the table holds. */
int i18n_count(void);
/* Enable the languages of codes (the site's `languages`), now and as they
 * are added; NULL enables those a native speaker checked. */
void i18n_want(char *const *codes, size_t n);
/* A code i18n_want named that the table does not hold, or NULL. */
const char *i18n_wanted_unknown(void);
/* Whether lang is enabled at this site; whether its texts are required. */
bool i18n_enabled(lang_id lang);
/* Whether the kiosk offers lang: enabled, and the terminal shows its
 * script (charset_shows: its name has no letter the terminal lacks). */
bool i18n_offered(lang_id lang);
/* The first offered language (the kiosk starts in it). */
lang_id i18n_first(void);
/* How many languages are offered. */
int i18n_noffered(void);
/* Whether lang reads right to left. */
bool i18n_rtl(lang_id lang);
/* lang's name in itself ("Türkçe"). */
const char *i18n_name(lang_id lang);
/* Bind the text domain in dir; messages come out in UTF-8 whatever the locale.
 * Works when LANG is unset or C, where gettext would otherwise be off. */
void i18n_init(const char *localedir);
/* Switch interface strings and form texts to lang, at once. */
void i18n_set(lang_id lang);
/* The current language. */
lang_id i18n_lang(void);
/* lang's ISO 639-1 code ("nl"). */
const char *i18n_code(lang_id lang);
/* The language of code ("nl") by its own name ("Nederlands"); code itself
 * when it is no language zorgkiosk speaks. */
const char *i18n_language_name(const char *code);
/* Parse a code of the table into *lang; false if it is none. */
bool i18n_parse(const char *code, lang_id *lang);
/* The language the caller's environment asks for (LANGUAGE, LC_ALL,
 * LC_MESSAGES, LANG), whether or not this host has that locale; false when
 * it names none that zorgkiosk speaks. */
bool i18n_from_env(lang_id *lang);
/* The current language's version of t ("" when t is empty). */
const char *tr(const struct text *t);
/* The translation of msgid in lang, whatever the current language (for the
 * welcome, which speaks both). Caller frees. */
char *i18n_in(lang_id lang, const char *msgid);
/* msgid in the current language, sep, then in the other of the welcome's
 * pair: for the welcome and what belongs to it, where nobody has chosen
 * yet. Caller frees. */
char *i18n_both(const char *msgid, const char *sep);
/* Whether lang is one of the welcome's pair: the first two offered. */
bool i18n_in_pair(lang_id lang);
/* The welcome's pair is the first two offered languages: the one of them
 * that is not the current one (the first when the current is neither). */
lang_id i18n_other(void);
/* A date written out in the current language, e.g. "1 april 2026". Caller frees. */
char *i18n_date(int year, int month, int day);

#endif
