/* scr_person.c: for staff, all that is stored about the person behind a
 * request (the right of access): the page `zorgkiosk access` prints, which
 * can be saved as a file in the staff export folder to print or send. */
#include "screen.h"

#include <errno.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "outfile.h"
#include "person.h"
#include "site.h"
#include "util.h"

enum { ID_SAVE = 1 };

struct person_view {
	char ref[32];
	struct person_page p;
	bool loaded;
};

static const char *
person_title(struct screen *s)
{
	(void)s;
	return _("All data of this person");
}

static void
person_build(struct screen *s, struct doc *d)
{
	struct person_view *v = s->data;

	if (!v->loaded) {
		doc_text(d, _("This request cannot be read."), UI_ERROR, 0);
	} else {
		for (size_t i = 0; i < v->p.n; i++) {
			const struct person_line *l = &v->p.lines[i];

			if (*l->text == '\0')
				doc_blank(d);
			else
				doc_text(d, l->text, l->heading ? UI_HEADING : UI_NORMAL, l->indent);
		}
		doc_blank(d);
		doc_button(d, ID_SAVE, ID_SAVE, 's', _("Save as a file (to print or send)"));
	}
	doc_button(d, ID_BACK, ID_BACK, '0', _("Back to the request"));
}

/* Into a new file in the staff export folder, named by the program. */
static void
save(struct screen *s)
{
	struct person_view *v = s->data;
	struct app *a = s->app;
	struct passwd *pw = getpwuid(getuid());
	char *path = NULL, *why = NULL, *msg;
	FILE *out = pw ? outfile_in_folder(pw->pw_dir, site.export_folder, "txt", &path, &why) : NULL;
	bool ok;

	if (out == NULL) {
		msg = xasprintf(_("Nothing was saved: %s"), why ? why : strerror(ENOENT));
		app_notice(a, msg);
		free(msg);
		free(why);
		return;
	}
	person_page_write(&v->p, out);
	ok = fclose(out) == 0;
	if (!ok)
		unlink(path);
	store_audit(a->store, a->staff, "access", v->ref, ok ? "saved to a file from the staff terminal" : NULL);
	msg = ok ? xasprintf(_("Saved to %s."), path) : xstrdup(store_message(STORE_FULL));
	app_notice(a, msg);
	free(msg);
	free(path);
}

static void
person_activate(struct screen *s, int id)
{
	if (id == ID_BACK)
		app_pop(s->app);
	else if (id == ID_SAVE && ((struct person_view *)s->data)->loaded)
		save(s);
}

static const char *
person_help(struct screen *s)
{
	(void)s;
	return _("Everything stored about the person who made this request: all their requests (found by phone number and e-mail address), the answers, notes and history, and who read or changed them. The person may ask for this. Opening this page is recorded.");
}

static void
person_free(struct screen *s)
{
	struct person_view *v = s->data;

	person_page_free(&v->p);
	free(v);
}

static const struct screen_ops person_ops = {
	.title = person_title,
	.build = person_build,
	.activate = person_activate,
	.help = person_help,
	.free = person_free,
	.menu = true,
};

struct screen *
scr_person_new(struct app *a, const char *ref)
{
	struct person_view *v = xcalloc(1, sizeof *v);
	char **refs = NULL;
	size_t n = 0;
	enum store_rc rc;

	snprintf(v->ref, sizeof v->ref, "%s", ref);
	/* Recorded before it is shown: the page lists itself. */
	rc = person_find(a->store, a->forms, ref, &refs, &n);
	if (rc == STORE_OK)
		rc = store_audit(a->store, a->staff, "access", ref, "on the staff terminal");
	if (rc == STORE_OK)
		rc = person_page_make(a->store, a->forms, ref, refs, n, &v->p);
	v->loaded = rc == STORE_OK;
	if (!v->loaded)
		app_notice(a, store_message(rc));
	store_refs_free(refs, n);
	return screen_new(a, &person_ops, v, -1); /* read from the top */
}
