/* i18n.h: the two languages of the kiosk, gettext for interface strings,
 * and bilingual texts from forms/. */
#ifndef ZK_I18N_H
#define ZK_I18N_H

#include <libintl.h>
#include <stdbool.h>

#define _(s) gettext(s)
#define N_(s) (s)

enum lang { LANG_NL, LANG_EN, LANG_COUNT };

/* A text from forms/: one UTF-8 string per language. */
struct text {
	char *s[LANG_COUNT];
};

/* Bind the text domain in dir; messages come out in UTF-8 whatever the locale.
 * Works when LANG is unset or C, where gettext would otherwise be off. */
void i18n_init(const char *localedir);
/* Switch interface strings and form texts to lang, at once. */
void i18n_set(enum lang lang);
/* The current language. */
enum lang i18n_lang(void);
/* "nl" or "en". */
const char *i18n_code(enum lang lang);
/* The language of code ("nl") by its own name ("Nederlands"); code itself
 * when it is no language zorgkiosk speaks. */
const char *i18n_language_name(const char *code);
/* Parse "nl" or "en" into *lang; false if it is neither. */
bool i18n_parse(const char *code, enum lang *lang);
/* The language the caller's environment asks for (LANGUAGE, LC_ALL,
 * LC_MESSAGES, LANG), whether or not this host has that locale; false when
 * it names none that zorgkiosk speaks. */
bool i18n_from_env(enum lang *lang);
/* The current language's version of t ("" when t is empty). */
const char *tr(const struct text *t);
/* The translation of msgid in lang, whatever the current language (for the
 * welcome, which speaks both). Caller frees. */
char *i18n_in(enum lang lang, const char *msgid);
/* msgid in the current language, sep, then in the other: for the welcome
 * and what belongs to it, where nobody has chosen yet. Caller frees. */
char *i18n_both(const char *msgid, const char *sep);
/* The language that is not the current one. */
enum lang i18n_other(void);
/* A date written out in the current language, e.g. "1 april 2026". Caller frees. */
char *i18n_date(int year, int month, int day);

#endif
