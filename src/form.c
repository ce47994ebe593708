/* form.c: reads guide.conf and intake.conf with libconfig, checks each setting
 * and reports each problem as "file:line: problem"; see form.h. */
#include "form.h"

#include <ctype.h>
#include <fcntl.h>
#include <libconfig.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "charset.h"
#include "form_int.h"
#include "util.h"

/* Files larger than this are refused before parsing. */
#define FORM_FILE_MAX (1024 * 1024)

void
form_err(struct loader *ld, int line, const char *fmt, ...)
{
	va_list ap;
	char *msg, *full;
	size_t n;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	full = xasprintf("%s:%d: %s\n", ld->file, line, msg);
	n = strlen(full);
	ld->errors = xreallocarray(ld->errors, ld->len + n + 1, 1);
	memcpy(ld->errors + ld->len, full, n + 1);
	ld->len += n;
	ld->count++;
	free(msg);
	free(full);
}

int
line_of(const config_setting_t *s)
{
	int line = (int)config_setting_source_line(s);

	return line > 0 ? line : 1;
}

/* Complain about every member of group whose name is not in allowed. */
void
check_keys(struct loader *ld, const config_setting_t *group, const char *const *allowed)
{
	int n = config_setting_length(group);

	for (int i = 0; i < n; i++) {
		const config_setting_t *m = config_setting_get_elem(group, (unsigned)i);
		const char *name = config_setting_name(m);
		bool ok = false;

		if (name == NULL)
			continue;
		for (size_t k = 0; allowed[k] != NULL && !ok; k++)
			ok = str_eq(name, allowed[k]);
		if (!ok)
			form_err(ld, line_of(m), _("unknown setting \"%s\""), name);
	}
}

static bool
valid_id(const char *s)
{
	if (*s == '\0' || strlen(s) > 40)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_' || *s == '-'))
			return false;
	return true;
}

/* A checked copy of string setting s, or NULL after reporting the problem. */
char *
string_value(struct loader *ld, const config_setting_t *s, const char *what, bool multiline)
{
	const char *v;

	if (config_setting_type(s) != CONFIG_TYPE_STRING) {
		form_err(ld, line_of(s), _("%s must be text in double quotes"), what);
		return NULL;
	}
	v = config_setting_get_string(s);
	if (strlen(v) > FORM_TEXT_MAX) {
		form_err(ld, line_of(s), _("%s is too long (more than %d bytes)"), what, FORM_TEXT_MAX);
		return NULL;
	}
	if (!charset_valid_utf8(v, multiline)) {
		form_err(ld, line_of(s), _("%s is not valid UTF-8 text"), what);
		return NULL;
	}
	return xstrdup(v);
}

/* Read the bilingual text group->name into *t. */
bool
get_text(struct loader *ld, const config_setting_t *group, const char *name,
    struct text *t, bool required)
{
	static const char *const keys[] = { "nl", "en", NULL };
	static const char *const langname[LANG_COUNT] = { N_("Dutch"), N_("English") };
	const config_setting_t *s = config_setting_get_member(group, name);
	bool ok = true;

	memset(t, 0, sizeof *t);
	if (s == NULL) {
		if (required)
			form_err(ld, line_of(group), _("\"%s\" is missing"), name);
		return !required;
	}
	if (!config_setting_is_group(s)) {
		form_err(ld, line_of(s), _("\"%s\" must be a group { nl = \"...\"; en = \"...\"; }"), name);
		return false;
	}
	check_keys(ld, s, keys);
	for (int l = 0; l < LANG_COUNT; l++) {
		const config_setting_t *v = config_setting_get_member(s, keys[l]);

		if (v == NULL) {
			form_err(ld, line_of(s), _("\"%s\" has no %s text (%s)"), name,
			    _(langname[l]), keys[l]);
			ok = false;
			continue;
		}
		if ((t->s[l] = string_value(ld, v, name, true)) == NULL) {
			ok = false;
		} else if (t->s[l][strspn(t->s[l], " \n")] == '\0') {
			form_err(ld, line_of(v), _("\"%s\" has an empty %s text (%s)"), name,
			    _(langname[l]), keys[l]);
			ok = false;
		}
	}
	return ok;
}

/* Read the id string group->name; reports a missing or malformed id. */
char *
get_id(struct loader *ld, const config_setting_t *group, const char *name, bool required)
{
	const config_setting_t *s = config_setting_get_member(group, name);
	char *v;

	if (s == NULL) {
		if (required)
			form_err(ld, line_of(group), _("\"%s\" is missing"), name);
		return NULL;
	}
	if ((v = string_value(ld, s, name, false)) == NULL)
		return NULL;
	if (!valid_id(v)) {
		form_err(ld, line_of(s), _("\"%s\" is not a valid id: use a-z, 0-9, _ and -"), v);
		free(v);
		return NULL;
	}
	return v;
}

bool
get_bool(struct loader *ld, const config_setting_t *group, const char *name)
{
	const config_setting_t *s = config_setting_get_member(group, name);

	if (s == NULL)
		return false;
	if (config_setting_type(s) != CONFIG_TYPE_BOOL) {
		form_err(ld, line_of(s), _("\"%s\" must be true or false"), name);
		return false;
	}
	return config_setting_get_bool(s) != 0;
}

int
get_int(struct loader *ld, const config_setting_t *group, const char *name,
    int min, int max, int dflt, bool required)
{
	const config_setting_t *s = config_setting_get_member(group, name);
	long long v;

	if (s == NULL) {
		if (required)
			form_err(ld, line_of(group), _("\"%s\" is missing"), name);
		return dflt;
	}
	if (config_setting_type(s) != CONFIG_TYPE_INT && config_setting_type(s) != CONFIG_TYPE_INT64) {
		form_err(ld, line_of(s), _("\"%s\" must be a whole number"), name);
		return dflt;
	}
	v = config_setting_get_int64(s);
	if (v < min || v > max) {
		form_err(ld, line_of(s), _("\"%s\" must be between %d and %d"), name, min, max);
		return dflt;
	}
	return (int)v;
}

/* The list or array group->name, or NULL (reported when required). */
const config_setting_t *
get_list(struct loader *ld, const config_setting_t *group, const char *name, bool required)
{
	const config_setting_t *s = config_setting_get_member(group, name);

	if (s == NULL) {
		if (required)
			form_err(ld, line_of(group), _("\"%s\" is missing"), name);
		return NULL;
	}
	if (!config_setting_is_aggregate(s) || config_setting_is_group(s)) {
		form_err(ld, line_of(s), _("\"%s\" must be a list ( ... )"), name);
		return NULL;
	}
	if (config_setting_length(s) > 1000) {
		form_err(ld, line_of(s), _("\"%s\" has too many entries"), name);
		return NULL;
	}
	return s;
}

/* A question's list of answers, 2 to 9 (the keys 1-9 pick them); NULL when
 * there is none. */
const config_setting_t *
get_answers(struct loader *ld, const config_setting_t *question)
{
	const config_setting_t *l = get_list(ld, question, "answers", true);

	if (l == NULL)
		return NULL;
	if (config_setting_length(l) < 2 || config_setting_length(l) > 9)
		form_err(ld, line_of(l), _("a question needs 2 to 9 answers"));
	return config_setting_length(l) == 0 ? NULL : l;
}

/* Read a list of ids, e.g. suggest = ("a", "b"). */
char **
get_ids(struct loader *ld, const config_setting_t *group, const char *name, size_t *n)
{
	const config_setting_t *l = get_list(ld, group, name, false);
	char **ids;

	*n = 0;
	if (l == NULL || config_setting_length(l) == 0)
		return NULL;
	ids = xcalloc((size_t)config_setting_length(l), sizeof *ids);
	for (int i = 0; i < config_setting_length(l); i++) {
		const config_setting_t *e = config_setting_get_elem(l, (unsigned)i);
		char *v = string_value(ld, e, name, false);

		if (v != NULL && !valid_id(v)) {
			form_err(ld, line_of(e), _("\"%s\" is not a valid id: use a-z, 0-9, _ and -"), v);
			free(v);
			v = NULL;
		}
		if (v != NULL)
			ids[(*n)++] = v;
	}
	return ids;
}

/* The group element i of list l, or NULL after reporting. */
const config_setting_t *
group_elem(struct loader *ld, const config_setting_t *l, int i, const char *what)
{
	const config_setting_t *e = config_setting_get_elem(l, (unsigned)i);

	if (!config_setting_is_group(e)) {
		form_err(ld, line_of(e), _("each entry of \"%s\" must be a group { ... }"), what);
		return NULL;
	}
	return e;
}

static bool
parse_md(const char *s, int *md)
{
	int m, d;
	char extra;

	if (sscanf(s, "%2d-%2d%c", &m, &d, &extra) != 2 || strlen(s) != 5)
		return false;
	static const int days[12] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (m < 1 || m > 12 || d < 1 || d > days[m - 1])
		return false;
	*md = m * 100 + d;
	return true;
}

static void
read_answer(struct loader *ld, const config_setting_t *g, struct answer *a, bool with_label)
{
	static const char *const keys[] = { "label", "next", "result", "suggest", "why", NULL };

	check_keys(ld, g, with_label ? keys : keys + 1);
	if (with_label)
		get_text(ld, g, "label", &a->label, true);
	a->next = get_id(ld, g, "next", false);
	get_text(ld, g, "result", &a->result, false);
	get_text(ld, g, "why", &a->why, false);
	a->suggest = get_ids(ld, g, "suggest", &a->nsuggest);
}

static void
read_question(struct loader *ld, const config_setting_t *g, struct question *q)
{
	static const char *const keys[] = { "id", "ask", "help", "answers", "date", "open", "closed", NULL };
	const config_setting_t *date = config_setting_get_member(g, "date");

	check_keys(ld, g, keys);
	q->line = line_of(g);
	q->id = get_id(ld, g, "id", true);
	if (date != NULL) {
		static const char *const dkeys[] = { "from", "until", NULL };
		static const char *const branch[2] = { "open", "closed" };
		const char *from = NULL, *until = NULL;

		q->is_date = true;
		if (!config_setting_is_group(date)) {
			form_err(ld, line_of(date), _("\"date\" must be a group { from = \"MM-DD\"; until = \"MM-DD\"; }"));
		} else {
			check_keys(ld, date, dkeys);
			config_setting_lookup_string(date, "from", &from);
			config_setting_lookup_string(date, "until", &until);
			if (from == NULL || !parse_md(from, &q->from_md))
				form_err(ld, line_of(date), _("\"from\" must be a date written MM-DD, e.g. \"04-01\""));
			if (until == NULL || !parse_md(until, &q->until_md))
				form_err(ld, line_of(date), _("\"until\" must be a date written MM-DD, e.g. \"11-10\""));
		}
		q->answers = xcalloc(2, sizeof *q->answers);
		q->nanswers = 2;
		for (int i = 0; i < 2; i++) {
			const config_setting_t *b = config_setting_get_member(g, branch[i]);

			if (b == NULL || !config_setting_is_group(b))
				form_err(ld, line_of(g), _("a date question needs a group \"%s\""), branch[i]);
			else
				read_answer(ld, b, &q->answers[i], false);
		}
		return;
	}
	get_text(ld, g, "ask", &q->ask, true);
	get_text(ld, g, "help", &q->help, false);
	const config_setting_t *l = get_answers(ld, g);
	if (l == NULL)
		return;
	q->answers = xcalloc((size_t)config_setting_length(l), sizeof *q->answers);
	for (int i = 0; i < config_setting_length(l) && i < 9; i++) {
		const config_setting_t *e = group_elem(ld, l, i, "answers");

		if (e != NULL)
			read_answer(ld, e, &q->answers[q->nanswers++], true);
	}
}

static void
read_flow(struct loader *ld, const config_setting_t *g, struct flow *fl)
{
	static const char *const keys[] = { "id", "title", "intro", "start", "fallback", "questions",
		"checked", "checked_by", "offer", NULL };
	const config_setting_t *l;

	check_keys(ld, g, keys);
	fl->line = line_of(g);
	fl->id = get_id(ld, g, "id", true);
	get_text(ld, g, "title", &fl->title, true);
	get_text(ld, g, "intro", &fl->intro, false);
	fl->start = get_id(ld, g, "start", true);
	fl->fallback = get_id(ld, g, "fallback", true);
	fl->offer = get_id(ld, g, "offer", false);
	if ((l = get_list(ld, g, "questions", true)) == NULL || config_setting_length(l) == 0)
		return;
	fl->questions = xcalloc((size_t)config_setting_length(l), sizeof *fl->questions);
	for (int i = 0; i < config_setting_length(l); i++) {
		const config_setting_t *e = group_elem(ld, l, i, "questions");

		if (e != NULL)
			read_question(ld, e, &fl->questions[fl->nquestions++]);
	}
}

static void
read_page(struct loader *ld, const config_setting_t *g, struct page *p)
{
	static const char *const keys[] = { "id", "title", "summary", "sections", "check", "request",
		"checked", "checked_by", "plan", NULL };
	static const char *const skeys[] = { "title", "text", "until", "replacement", NULL };
	const config_setting_t *l;

	check_keys(ld, g, keys);
	p->line = line_of(g);
	p->id = get_id(ld, g, "id", true);
	get_text(ld, g, "title", &p->title, true);
	get_text(ld, g, "summary", &p->summary, true);
	p->check = get_id(ld, g, "check", false);
	p->request = get_bool(ld, g, "request");
	p->plan = get_id(ld, g, "plan", false);
	if ((l = get_list(ld, g, "sections", true)) == NULL || config_setting_length(l) == 0)
		return;
	p->sections = xcalloc((size_t)config_setting_length(l), sizeof *p->sections);
	for (int i = 0; i < config_setting_length(l); i++) {
		const config_setting_t *e = group_elem(ld, l, i, "sections");

		if (e == NULL)
			continue;
		check_keys(ld, e, skeys);
		struct section *s = &p->sections[p->nsections++];
		s->line = line_of(e);
		get_text(ld, e, "title", &s->title, true);
		get_text(ld, e, "text", &s->body, true);
		form_read_until(ld, e, s);
	}
}

static const struct {
	const char *name;
	enum field_type type;
} field_types[] = {
	{ "text", FIELD_TEXT }, { "textarea", FIELD_TEXTAREA }, { "phone", FIELD_PHONE },
	{ "email", FIELD_EMAIL }, { "choice", FIELD_CHOICE }, { "options", FIELD_OPTIONS },
	{ "consent", FIELD_CONSENT },
};

const char *
field_type_name(enum field_type t)
{
	for (size_t i = 0; i < sizeof field_types / sizeof field_types[0]; i++)
		if (field_types[i].type == t)
			return field_types[i].name;
	return "?";
}

static void
read_field(struct loader *ld, const config_setting_t *g, struct field *f)
{
	static const char *const keys[] = { "id", "type", "label", "hint", "required", "max",
		"choices", "default", NULL };
	static const char *const ckeys[] = { "id", "label", NULL };
	const char *type = NULL;
	const config_setting_t *l;
	bool known = false;

	check_keys(ld, g, keys);
	f->id = get_id(ld, g, "id", true);
	get_text(ld, g, "label", &f->label, true);
	get_text(ld, g, "hint", &f->hint, false);
	f->required = get_bool(ld, g, "required");
	config_setting_lookup_string(g, "type", &type);
	for (size_t i = 0; type != NULL && i < sizeof field_types / sizeof field_types[0]; i++)
		if (str_eq(type, field_types[i].name)) {
			f->type = field_types[i].type;
			known = true;
		}
	if (!known) {
		const config_setting_t *t = config_setting_get_member(g, "type");

		form_err(ld, line_of(t ? t : g), _("\"type\" must be one of: text, textarea, phone, email, choice, options, consent"));
		return;
	}
	f->max = get_int(ld, g, "max", 1, 10000, f->type == FIELD_TEXTAREA ? 1000 : 200, false);
	f->def = get_id(ld, g, "default", false);
	l = get_list(ld, g, "choices", f->type == FIELD_CHOICE);
	if (f->type != FIELD_CHOICE) {
		if (l != NULL)
			form_err(ld, line_of(l), _("only a field of type choice has \"choices\""));
		return;
	}
	if (l == NULL)
		return;
	if (config_setting_length(l) < 2) {
		form_err(ld, line_of(l), _("a choice field needs at least 2 choices"));
		return;
	}
	f->choices = xcalloc((size_t)config_setting_length(l), sizeof *f->choices);
	for (int i = 0; i < config_setting_length(l); i++) {
		const config_setting_t *e = group_elem(ld, l, i, "choices");

		if (e == NULL)
			continue;
		check_keys(ld, e, ckeys);
		struct choice *c = &f->choices[f->nchoices++];
		c->id = get_id(ld, e, "id", true);
		get_text(ld, e, "label", &c->label, true);
	}
	if (f->def != NULL && !str_eq(f->def, "ui-language")) {
		bool found = false;

		for (size_t i = 0; i < f->nchoices; i++)
			found = found || str_eq(f->choices[i].id, f->def);
		if (!found)
			form_err(ld, line_of(g), _("\"default\" names no choice of this field: \"%s\""), f->def);
	}
}

/* The whole file, NUL-terminated, in *len bytes; NULL (with a message)
 * when it is no regular file or larger than FORM_FILE_MAX. Opened without
 * blocking, so that a FIFO or a device put in its place cannot hang the
 * start; the checks are made on what was opened. Caller frees. */
static char *
read_form_file(struct loader *ld, size_t *len)
{
	int fd = open(ld->file, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	struct stat st;
	char *buf;
	size_t n = 0;

	if (fd < 0) {
		form_err(ld, 1, _("cannot read this file"));
		return NULL;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > FORM_FILE_MAX) {
		form_err(ld, 1, _("not a form file, or larger than 1 MB"));
		close(fd);
		return NULL;
	}
	/* One byte more than allowed tells a file that grew meanwhile. */
	buf = xmalloc(FORM_FILE_MAX + 2);
	for (;;) {
		ssize_t r = read(fd, buf + n, FORM_FILE_MAX + 1 - n);

		if (r < 0) {
			form_err(ld, 1, _("cannot read this file"));
			close(fd);
			free(buf);
			return NULL;
		}
		n += (size_t)r;
		if (r == 0 || n > FORM_FILE_MAX)
			break;
	}
	close(fd);
	if (n > FORM_FILE_MAX) {
		form_err(ld, 1, _("not a form file, or larger than 1 MB"));
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

/* Look at the bytes before libconfig does, as its scanner reads them
 * (comments, strings and their escapes), for what it would take without
 * a word: a zero byte, raw or written \x00, cuts a text short; @include
 * reads another file, past the size limit, the line numbers and every
 * check here, and waits for ever on a FIFO. Form files are single files:
 * includes are refused. Reports each problem; false when there is one. */
static bool
scan_form_text(struct loader *ld, const char *s, size_t n)
{
	enum { CODE, STRING, COMMENT } state = CODE;
	bool ok = true, line_start = true;
	int line = 1;

	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (c == '\0') {
			form_err(ld, line, _("this file holds a zero byte (NUL); save it as plain UTF-8 text"));
			return false;
		}
		if (c == '\n') {
			line++;
			line_start = true;
			continue;
		}
		switch (state) {
		case CODE:
			if (line_start && (c == ' ' || c == '\t'))
				continue;
			if (line_start && c == '@' && strncmp(s + i + 1, "include", 7) == 0) {
				form_err(ld, line, _("@include is not allowed: write everything in this file"));
				ok = false;
			} else if (c == '"') {
				state = STRING;
			} else if (c == '/' && s[i + 1] == '*') {
				state = COMMENT;
				i++;
			} else if (c == '#' || (c == '/' && s[i + 1] == '/')) {
				while (i + 1 < n && s[i + 1] != '\n' && s[i + 1] != '\0')
					i++;
			}
			break;
		case STRING:
			if (c == '"') {
				state = CODE;
			} else if (c == '\\' && (s[i + 1] == 'x' || s[i + 1] == 'X') && isxdigit((unsigned char)s[i + 2]) &&
			    isxdigit((unsigned char)s[i + 3])) {
				if (s[i + 2] == '0' && s[i + 3] == '0') {
					form_err(ld, line, _("a text holds \\x00 (a zero byte), which would cut it off"));
					ok = false;
				}
				i += 3;
			} else if (c == '\\' && s[i + 1] != '\0' && s[i + 1] != '\n') {
				i++; /* \\ and \" do not end the string */
			}
			break;
		case COMMENT:
			if (c == '*' && s[i + 1] == '/') {
				state = CODE;
				i++;
			}
			break;
		}
		line_start = false;
	}
	return ok;
}

/* Read, check and parse one file; reports read and syntax errors. */
bool
open_file(struct loader *ld, config_t *cf)
{
	size_t n;
	char *text;
	bool ok;

	config_init(cf);
	if ((text = read_form_file(ld, &n)) == NULL)
		return false;
	if (!scan_form_text(ld, text, n)) {
		free(text);
		return false;
	}
	ok = config_read_string(cf, text) == CONFIG_TRUE;
	if (!ok)
		form_err(ld, config_error_line(cf), _("syntax error: %s"), config_error_text(cf));
	free(text);
	return ok;
}

static void
load_guide(struct loader *ld, struct forms *f, config_t *cf)
{
	static const char *const keys[] = { "version", "welcome", "menu", "pages", "flows", NULL };
	static const char *const mkeys[] = { "title", "intro", "items", NULL };
	const config_setting_t *root = config_root_setting(cf), *s, *l;

	check_keys(ld, root, keys);
	f->guide_version = get_int(ld, root, "version", 1, 1000000, 1, true);
	/* Forms written for 0.1 had the welcome here. */
	if ((s = config_setting_get_member(root, "welcome")) != NULL)
		form_err(ld, line_of(s), _("the welcome has a file of its own now: move its title and text to welcome.conf"));
	if ((l = get_list(ld, root, "pages", true)) != NULL && config_setting_length(l) > 0) {
		f->pages = xcalloc((size_t)config_setting_length(l), sizeof *f->pages);
		for (int i = 0; i < config_setting_length(l); i++)
			if ((s = group_elem(ld, l, i, "pages")) != NULL) {
				read_page(ld, s, &f->pages[f->npages++]);
				form_read_checked(ld, f, s, f->pages[f->npages - 1].id, line_of(s));
			}
	}
	if ((l = get_list(ld, root, "flows", false)) != NULL && config_setting_length(l) > 0) {
		f->flows = xcalloc((size_t)config_setting_length(l), sizeof *f->flows);
		for (int i = 0; i < config_setting_length(l); i++)
			if ((s = group_elem(ld, l, i, "flows")) != NULL) {
				read_flow(ld, s, &f->flows[f->nflows++]);
				form_read_checked(ld, f, s, f->flows[f->nflows - 1].id, line_of(s));
			}
	}
	if ((s = config_setting_get_member(root, "menu")) == NULL || !config_setting_is_group(s)) {
		form_err(ld, 1, _("a group \"menu\" is missing"));
		return;
	}
	check_keys(ld, s, mkeys);
	get_text(ld, s, "title", &f->menu_title, true);
	get_text(ld, s, "intro", &f->menu_intro, false);
	if ((l = get_list(ld, s, "items", true)) == NULL)
		return;
	if (config_setting_length(l) < 1 || config_setting_length(l) > 9)
		form_err(ld, line_of(l), _("the menu needs 1 to 9 items"));
	f->menu = xcalloc((size_t)config_setting_length(l) + 1, sizeof *f->menu);
	for (int i = 0; i < config_setting_length(l) && i < 9; i++) {
		const config_setting_t *e = config_setting_get_elem(l, (unsigned)i);
		const char *id = config_setting_get_string(e);
		struct menu_item *m = &f->menu[f->nmenu];

		if (id == NULL) {
			form_err(ld, line_of(e), _("menu items are page or flow ids in double quotes"));
			continue;
		}
		m->page = forms_page(f, id);
		m->flow = forms_flow(f, id);
		m->care = forms_care(f, id);
		if (m->page == NULL && m->flow == NULL && m->care == NULL)
			form_err(ld, line_of(e), _("the menu names \"%s\", but there is no page or flow with that id"), id);
		else
			f->nmenu++;
	}
}

static void
load_intake(struct loader *ld, struct forms *f, config_t *cf)
{
	static const char *const keys[] = { "version", "title", "intro", "fields", "one_of",
		"no_consent", "done", "checked", "checked_by", NULL };
	const config_setting_t *root = config_root_setting(cf), *l, *s;
	size_t nconsent = 0;

	check_keys(ld, root, keys);
	f->intake_version = get_int(ld, root, "version", 1, 1000000, 1, true);
	form_read_checked(ld, f, root, "intake.conf", 1);
	get_text(ld, root, "title", &f->intake_title, true);
	get_text(ld, root, "intro", &f->intake_intro, false);
	get_text(ld, root, "no_consent", &f->no_consent, true);
	get_text(ld, root, "done", &f->done, true);
	if ((l = get_list(ld, root, "fields", true)) == NULL || config_setting_length(l) == 0) {
		if (l != NULL)
			form_err(ld, line_of(l), _("the intake form needs fields"));
		return;
	}
	f->fields = xcalloc((size_t)config_setting_length(l), sizeof *f->fields);
	for (int i = 0; i < config_setting_length(l); i++) {
		if ((s = group_elem(ld, l, i, "fields")) == NULL)
			continue;
		struct field *fd = &f->fields[f->nfields++];
		read_field(ld, s, fd);
		for (size_t j = 0; j + 1 < f->nfields; j++)
			if (fd->id && str_eq(fd->id, f->fields[j].id))
				form_err(ld, line_of(s), _("two fields have the id \"%s\""), fd->id);
		if (fd->type == FIELD_CONSENT)
			nconsent++;
	}
	if (nconsent != 1)
		form_err(ld, line_of(l), _("the intake form needs exactly one field of type consent"));
	if ((l = get_list(ld, root, "one_of", false)) == NULL || config_setting_length(l) == 0)
		return;
	f->one_of = xcalloc((size_t)config_setting_length(l), sizeof *f->one_of);
	for (int i = 0; i < config_setting_length(l); i++) {
		const config_setting_t *g = config_setting_get_elem(l, (unsigned)i);
		struct one_of *o = &f->one_of[f->none_of];

		if (!config_setting_is_aggregate(g) || config_setting_length(g) < 2) {
			form_err(ld, line_of(g), _("each entry of \"one_of\" is a list of at least 2 field ids"));
			continue;
		}
		o->fields = xcalloc((size_t)config_setting_length(g), sizeof *o->fields);
		for (int k = 0; k < config_setting_length(g); k++) {
			const char *id = config_setting_get_string_elem(g, k);
			const struct field *fd = id ? forms_field(f, id) : NULL;

			if (fd == NULL)
				form_err(ld, line_of(g), _("\"one_of\" names a field that does not exist: \"%s\""),
				    id ? id : "?");
			else
				o->fields[o->n++] = fd;
		}
		f->none_of++;
	}
}

/* The first screen, before anyone has chosen a language. */
static void
load_welcome(struct loader *ld, struct forms *f, const char *dir)
{
	static const char *const keys[] = { "version", "title", "text", NULL };
	char *path = xasprintf("%s/welcome.conf", dir);
	config_t cf;

	ld->file = path;
	if (open_file(ld, &cf)) {
		const config_setting_t *root = config_root_setting(&cf);

		check_keys(ld, root, keys);
		get_int(ld, root, "version", 1, 1000000, 1, true);
		get_text(ld, root, "title", &f->welcome_title, true);
		get_text(ld, root, "text", &f->welcome_text, true);
	}
	config_destroy(&cf);
	ld->file = NULL;
	free(path);
}

/* Everything but the welcome. */
static void
load_rest(struct loader *ld, struct forms *f, const char *dir)
{
	char *guide = xasprintf("%s/guide.conf", dir), *intake = xasprintf("%s/intake.conf", dir);
	config_t cf;

	/* The extras first: the guide's menu and links name them. */
	form_load_extras(ld, f, dir);
	ld->file = guide;
	if (open_file(ld, &cf)) {
		load_guide(ld, f, &cf);
		form_check_guide(ld, f);
	}
	config_destroy(&cf);
	form_check_extras(ld, f, dir);
	ld->file = intake;
	if (open_file(ld, &cf))
		load_intake(ld, f, &cf);
	config_destroy(&cf);
	form_load_glossary(ld, f, dir);
	ld->file = NULL;
	free(guide);
	free(intake);
}

/* f, or NULL (f freed) when ld found problems; *errors gets them. */
static struct forms *
loaded(struct loader *ld, struct forms *f, char **errors)
{
	*errors = ld->errors;
	if (ld->count > 0) {
		forms_free(f);
		return NULL;
	}
	return f;
}

struct forms *
forms_load(const char *dir, char **errors)
{
	struct forms *f = xcalloc(1, sizeof *f);
	struct loader ld = { 0 };

	load_welcome(&ld, f, dir);
	load_rest(&ld, f, dir);
	return loaded(&ld, f, errors);
}

struct forms *
forms_load_welcome(const char *dir, char **errors)
{
	struct forms *f = xcalloc(1, sizeof *f);
	struct loader ld = { 0 };

	load_welcome(&ld, f, dir);
	return loaded(&ld, f, errors);
}

bool
forms_load_rest(struct forms *f, const char *dir, char **errors)
{
	struct loader ld = { 0 };

	load_rest(&ld, f, dir);
	*errors = ld.errors;
	return ld.count == 0;
}


int
form_line(const config_setting_t *s)
{
	return line_of(s);
}

void
form_keys(struct loader *ld, const config_setting_t *group, const char *const *allowed)
{
	check_keys(ld, group, allowed);
}

bool
form_text(struct loader *ld, const config_setting_t *group, const char *name, struct text *t,
    bool required)
{
	return get_text(ld, group, name, t, required);
}

char *
form_string(struct loader *ld, const config_setting_t *s, const char *what)
{
	return string_value(ld, s, what, false);
}

char *
form_id(struct loader *ld, const config_setting_t *group, const char *name, bool required)
{
	return get_id(ld, group, name, required);
}

bool
form_open(struct loader *ld, config_t *cf)
{
	return open_file(ld, cf);
}
