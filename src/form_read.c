/* form_read.c: the readers every forms file shares: one file read whole
 * and checked before libconfig parses it, and each setting checked as it
 * is read, every problem reported as "file:line: problem". The loaders
 * (form.c, form_extra.c, form_glossary.c, ...) sit above these. */
#include "form_int.h"

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

void
check_languages(struct loader *ld, const config_setting_t *group)
{
	int n = config_setting_length(group);
	lang_id l;

	for (int i = 0; i < n; i++) {
		const config_setting_t *m = config_setting_get_elem(group, (unsigned)i);
		const char *name = config_setting_name(m);

		if (name != NULL && !i18n_parse(name, &l))
			/* L10N: a language code written in a forms file. */
			form_err(ld, line_of(m), _("\"%s\" is not a language of languages.conf"), name);
	}
}

/* Read the text group->name, one entry per language, into *t. Every
 * enabled language must have its text; the others may. */
bool
get_text(struct loader *ld, const config_setting_t *group, const char *name,
    struct text *t, bool required)
{
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
	check_languages(ld, s);
	for (lang_id l = 0; l < i18n_count(); l++) {
		const config_setting_t *v = config_setting_get_member(s, i18n_code(l));

		if (v == NULL) {
			if (i18n_enabled(l)) {
				/* L10N: the setting, the language's own name, its code. */
				form_err(ld, line_of(s), _("\"%s\" has no text in %s (%s)"), name,
				    i18n_name(l), i18n_code(l));
				ok = false;
			}
			continue;
		}
		if ((t->s[l] = string_value(ld, v, name, true)) == NULL) {
			ok = false;
		} else if (t->s[l][strspn(t->s[l], " \n")] == '\0') {
			form_err(ld, line_of(v), _("\"%s\" has an empty text in %s (%s)"), name,
			    i18n_name(l), i18n_code(l));
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
