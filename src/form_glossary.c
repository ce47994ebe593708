/* form_glossary.c: glossary.conf, the words that letters and websites use
 * and a caregiver may not know, each explained in one or two plain
 * sentences. The kiosk finds them in a screen's text, so an editor adds a
 * word once; see form.h. */
#include "form_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "charset.h"
#include "util.h"

/* Read the optional variants = { nl = ( "..." ); en = ( "..." ); } of g. */
static void
read_variants(struct loader *ld, const config_setting_t *g, struct gloss_entry *e)
{
	const config_setting_t *v = config_setting_get_member(g, "variants");

	if (v == NULL)
		return;
	if (!config_setting_is_group(v)) {
		form_err(ld, line_of(v), _("\"variants\" must be a group { nl = ( \"...\" ); en = ( \"...\" ); }"));
		return;
	}
	check_languages(ld, v);
	for (lang_id l = 0; l < i18n_count(); l++) {
		const config_setting_t *list = config_setting_get_member(v, i18n_code(l));
		int n;

		if (list == NULL)
			continue;
		if (!config_setting_is_aggregate(list) || config_setting_is_group(list) ||
		    (n = config_setting_length(list)) > 100) {
			form_err(ld, line_of(list), _("\"variants\" lists words in double quotes, e.g. ( \"pgb-plan\" )"));
			continue;
		}
		e->variants[l] = xcalloc((size_t)n + 1, sizeof *e->variants[l]);
		for (int i = 0; i < n; i++) {
			char *w = string_value(ld, config_setting_get_elem(list, (unsigned)i), "variants", false);

			if (w != NULL && w[strspn(w, " ")] != '\0')
				e->variants[l][e->nvariants[l]++] = w;
			else
				free(w);
		}
	}
}

void
form_load_glossary(struct loader *ld, struct forms *f, const char *dir)
{
	static const char *const keys[] = { "version", "checked", "checked_by", "words", NULL };
	static const char *const wkeys[] = { "id", "word", "variants", "text", NULL };
	char *path = xasprintf("%s/glossary.conf", dir);
	const config_setting_t *root, *l;
	struct stat st;
	config_t cf;

	if (stat(path, &st) != 0) { /* a glossary is optional */
		free(path);
		return;
	}
	ld->file = path;
	f->glossary_file = path;
	if (!open_file(ld, &cf)) {
		config_destroy(&cf);
		return;
	}
	root = config_root_setting(&cf);
	check_keys(ld, root, keys);
	form_read_checked(ld, f, root, "glossary.conf", 1);
	l = config_setting_get_member(root, "words");
	if (l == NULL || !config_setting_is_list(l) || config_setting_length(l) > 1000) {
		form_err(ld, l ? line_of(l) : 1, _("\"words\" must be a list ( { id = ...; word = {...}; text = {...}; }, ... )"));
		config_destroy(&cf);
		return;
	}
	f->glossary = xcalloc((size_t)config_setting_length(l) + 1, sizeof *f->glossary);
	for (int i = 0; i < config_setting_length(l); i++) {
		const config_setting_t *g = config_setting_get_elem(l, (unsigned)i);
		struct gloss_entry *e;

		if (!config_setting_is_group(g)) {
			form_err(ld, line_of(g), _("each entry of \"%s\" must be a group { ... }"), "words");
			continue;
		}
		e = &f->glossary[f->nglossary++];
		check_keys(ld, g, wkeys);
		e->line = line_of(g);
		e->id = get_id(ld, g, "id", true);
		get_text(ld, g, "word", &e->word, true);
		get_text(ld, g, "text", &e->text, true);
		read_variants(ld, g, e);
		for (size_t k = 0; k + 1 < f->nglossary; k++)
			if (e->id != NULL && str_eq(e->id, f->glossary[k].id))
				form_err(ld, e->line, _("two words have the id \"%s\""), e->id);
	}
	config_destroy(&cf);
}

static bool
space_char(wchar_t c)
{
	return c == L' ' || c == L'\n' || c == L'\t' || c == L'\r';
}

/* Whether word w occurs in t (n characters, lower-cased) as a whole word
 * (see glossary_find): letters of every alphabet alike in upper and lower
 * case; a word ends at anything that is no letter or digit ("Wmo," and
 * Arabic "Wmo،" both hold Wmo); a run of spaces matches any run. */
static bool
occurs(const wchar_t *t, size_t n, const char *w)
{
	size_t wn;
	wchar_t *p = charset_decode_utf8(w, &wn);
	bool found = false;

	charset_fold(p, wn);
	for (size_t i = 0; wn > 0 && i < n && !found; i++) {
		size_t k = i, j = 0;

		if (i > 0 && charset_is_word(t[i - 1]) && charset_is_word(p[0]))
			continue;
		while (j < wn) {
			if (space_char(p[j])) {
				if (k == n || !space_char(t[k]))
					break;
				while (k < n && space_char(t[k]))
					k++;
				while (j < wn && space_char(p[j]))
					j++;
			} else if (k < n && t[k] == p[j]) {
				k++;
				j++;
			} else {
				break;
			}
		}
		found = j == wn && !(k < n && charset_is_word(t[k]) && charset_is_word(p[wn - 1]));
	}
	free(p);
	return found;
}

static bool
entry_in(const struct gloss_entry *e, const wchar_t *t, size_t n, lang_id l)
{
	if (e->word.s[l] != NULL && occurs(t, n, e->word.s[l]))
		return true;
	for (size_t v = 0; v < e->nvariants[l]; v++)
		if (occurs(t, n, e->variants[l][v]))
			return true;
	return false;
}

size_t
glossary_find(const struct forms *f, const char *utf8, lang_id l, bool *found)
{
	size_t n = 0, tn = 0;
	wchar_t *t = utf8 != NULL ? charset_decode_utf8(utf8, &tn) : NULL;

	charset_fold(t, tn);
	for (size_t i = 0; i < f->nglossary; i++) {
		if (!found[i] && t != NULL && entry_in(&f->glossary[i], t, tn, l))
			found[i] = true;
		n += found[i];
	}
	wipe_free(t); /* the text may hold what a visitor typed */
	return n;
}

size_t
glossary_close(const struct forms *f, lang_id l, bool *found)
{
	size_t before, n = glossary_find(f, "", l, found);

	do {
		before = n;
		for (size_t i = 0; i < f->nglossary; i++)
			if (found[i])
				n = glossary_find(f, f->glossary[i].text.s[l], l, found);
	} while (n != before);
	return n;
}

/* Mark the entries used by t (in language l). */
static void
scan(const struct forms *f, const struct text *t, lang_id l, bool *found)
{
	if (t->s[l] != NULL)
		glossary_find(f, t->s[l], l, found);
}

/* Mark the entries that any text of the guide or the intake uses. */
static void
scan_all(const struct forms *f, lang_id l, bool *found)
{
	scan(f, &f->welcome_title, l, found);
	scan(f, &f->welcome_text, l, found);
	scan(f, &f->menu_title, l, found);
	scan(f, &f->menu_intro, l, found);
	for (size_t i = 0; i < f->npages; i++) {
		const struct page *p = &f->pages[i];

		scan(f, &p->title, l, found);
		scan(f, &p->summary, l, found);
		for (size_t k = 0; k < p->nsections; k++) {
			scan(f, &p->sections[k].title, l, found);
			scan(f, &p->sections[k].body, l, found);
			scan(f, &p->sections[k].replacement, l, found);
		}
	}
	for (size_t i = 0; i < f->nflows; i++) {
		const struct flow *fl = &f->flows[i];

		scan(f, &fl->title, l, found);
		scan(f, &fl->intro, l, found);
		for (size_t q = 0; q < fl->nquestions; q++) {
			const struct question *qu = &fl->questions[q];

			scan(f, &qu->ask, l, found);
			scan(f, &qu->help, l, found);
			for (size_t a = 0; a < qu->nanswers; a++) {
				scan(f, &qu->answers[a].label, l, found);
				scan(f, &qu->answers[a].result, l, found);
				scan(f, &qu->answers[a].why, l, found);
			}
		}
	}
	scan(f, &f->intake_title, l, found);
	scan(f, &f->intake_intro, l, found);
	scan(f, &f->no_consent, l, found);
	scan(f, &f->done, l, found);
	for (size_t i = 0; i < f->nfields; i++) {
		scan(f, &f->fields[i].label, l, found);
		scan(f, &f->fields[i].hint, l, found);
		for (size_t c = 0; c < f->fields[i].nchoices; c++)
			scan(f, &f->fields[i].choices[c].label, l, found);
	}
}

size_t
glossary_unused(const struct forms *f, char **out)
{
	size_t count = 0;

	for (lang_id l = 0; l < i18n_count(); l++) {
		bool *found;

		if (!i18n_enabled(l))
			continue;
		found = xcalloc(f->nglossary + 1, sizeof *found);
		scan_all(f, l, found);
		for (size_t i = 0; i < f->nglossary; i++) {
			const struct gloss_entry *e = &f->glossary[i];
			char *line, *t;

			if (found[i])
				continue;
			/* L10N: check-forms; the word, the language's name, its code. */
			line = xasprintf(_("%s:%d: warning: the glossary word \"%s\" is used in no text in %s (%s)\n"),
			    f->glossary_file, e->line, e->word.s[l] ? e->word.s[l] : "?", i18n_name(l),
			    i18n_code(l));
			t = xasprintf("%s%s", *out ? *out : "", line);
			free(*out);
			free(line);
			*out = t;
			count++;
		}
		free(found);
	}
	return count;
}
