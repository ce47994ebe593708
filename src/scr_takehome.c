/* scr_takehome.c: "Take this home with you": one page with what this visitor
 * looked at, the next steps and the contacts, shown on the screen and
 * printed when the site has a printer. The page stays on the screen
 * whatever the printer does, and says what it did: a job is followed
 * until it is printed or fails, between keys. */
#include "screen.h"

#include <stdlib.h>
#include <string.h>

#include "pdf.h"
#include "print.h"
#include "util.h"

enum { ID_PRINT = 1 };

/* How often a job on its way is looked at. */
#define LOOK_MS 1000

struct takehome_view {
	bool plan_only;
	bool printed;
	struct print_job *job;  /* the job followed now, or NULL */
	const char *status;     /* what printing did (a msgid), or NULL */
};

/* The sheet on screen: headings stand out and follow a blank line. */
void
doc_sheet(struct doc *d, const struct sheet *sh)
{
	for (size_t i = 0; i < sh->n; i++) {
		if (sh->pars[i].style != SHEET_TEXT && i > 0)
			doc_blank(d);
		doc_text(d, sh->pars[i].text, sh->pars[i].style == SHEET_TEXT ? UI_NORMAL : UI_HEADING,
		    sh->pars[i].indent);
	}
}

static const char *
takehome_title(struct screen *s)
{
	const struct forms *f = s->app->forms;

	return f->takehome != NULL ? tr(&f->takehome->title) : _("Take this home with you");
}

static void
make_sheet(struct screen *s, struct sheet *sh)
{
	struct takehome_view *v = s->data;

	takehome_build(s->app->forms, &s->app->visit, v->plan_only, sh);
}

static void
takehome_build_doc(struct screen *s, struct doc *d)
{
	struct takehome_view *v = s->data;
	struct sheet sh = { 0 };

	if (print_available()) {
		doc_button(d, ID_PRINT, ID_PRINT, '1', v->printed ? _("Print it again") : _("Print this page"));
		if (v->status != NULL)
			doc_text(d, _(v->status), UI_NOTICE, 0);
	} else {
		/* No printer here: never promise one. */
		doc_text(d, _("Read this page, copy it or take a photo of it."), UI_NORMAL, 0);
	}
	doc_button(d, ID_BACK, ID_BACK, '0', _("Back"));
	doc_blank(d);
	make_sheet(s, &sh);
	doc_sheet(d, &sh);
	sheet_free(&sh);
}

static void
print_page(struct screen *s)
{
	struct takehome_view *v = s->data;
	struct sheet sh = { 0 };
	struct sheet_line *lines;
	size_t n, len;
	char *pdf;
	enum print_rc rc;

	if (v->job != NULL) {
		/* One job at a time: a second would print twice once the
		 * printer is mended. */
		app_notice(s->app, _("This page was already sent to the printer."));
		return;
	}
	make_sheet(s, &sh);
	n = sheet_lines(&sh, PDF_COLS, &lines);
	pdf = pdf_make(lines, n, takehome_title(s), &len);
	if (pdf == NULL) {
		rc = PRINT_FAILED;
	} else {
		rc = print_pdf(takehome_title(s), pdf, len, &v->job);
		explicit_bzero(pdf, len);
		free(pdf);
	}
	sheet_lines_free(lines, n);
	sheet_free(&sh);
	v->status = print_message(rc);
	if (v->job != NULL)
		s->wake = now_ms() + LOOK_MS;
}

/* Look at the job on its way: the status says what it is now. */
static bool
takehome_tick(struct screen *s)
{
	struct takehome_view *v = s->data;
	const char *was = v->status;
	bool ended;
	enum print_job_state st;

	s->wake = 0;
	if (v->job == NULL)
		return false;
	st = print_job_check(v->job, &ended);
	v->status = print_job_message(st);
	v->printed = v->printed || st == JOB_DONE;
	if (ended) {
		print_job_free(v->job);
		v->job = NULL;
	} else {
		s->wake = now_ms() + LOOK_MS;
	}
	return v->status != was;
}

static void
takehome_activate(struct screen *s, int id)
{
	if (id == ID_BACK)
		app_pop(s->app);
	else if (id == ID_PRINT && print_available())
		print_page(s);
}

static const char *
takehome_help(struct screen *s)
{
	(void)s;
	return print_available()
	    ? _("This page shows what you looked at, what you can do next and whom to contact. Choose \"Print this page\" to take it with you on paper.")
	    : _("This page shows what you looked at, what you can do next and whom to contact. Copy it or take a photo of it.");
}

static void
takehome_free(struct screen *s)
{
	struct takehome_view *v = s->data;

	print_job_free(v->job);
	free(v);
}

static const struct screen_ops takehome_ops = {
	.title = takehome_title,
	.build = takehome_build_doc,
	.activate = takehome_activate,
	.help = takehome_help,
	.free = takehome_free,
	.tick = takehome_tick,
	.menu = true,
};

struct screen *
scr_takehome_new(struct app *a, bool plan_only)
{
	struct takehome_view *v = xcalloc(1, sizeof *v);
	struct screen *s;

	v->plan_only = plan_only;
	s = screen_new(a, &takehome_ops, v, print_available() ? ID_PRINT : ID_BACK);
	s->top = true;
	return s;
}
