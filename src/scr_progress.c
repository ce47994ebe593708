/* scr_progress.c: the screen of a long task (an export of many requests):
 * what it does and how far it has come. The task runs in the key loop's
 * place, so keys wait until it ends; it reports through
 * scr_progress_step, which draws the screen again now and then through
 * app_show (curses and line mode alike). A task over before
 * PROGRESS_AFTER_MS never shows it. */
#include "screen.h"

#include <stdlib.h>

#include "util.h"

/* Shown once a task has run this long, then drawn again at most this often. */
#define PROGRESS_AFTER_MS 300
#define PROGRESS_DRAW_MS 200

struct progress {
	const char *title, *what; /* msgids: translated at each draw */
	long long done, total;
	long long started, drawn; /* now_ms() */
};

static const char *
progress_title(struct screen *s)
{
	return _(((struct progress *)s->data)->title);
}

static void
progress_build(struct screen *s, struct doc *d)
{
	struct progress *p = s->data;
	char *line;

	doc_blank(d);
	doc_text(d, _(p->what), UI_NORMAL, 0);
	doc_blank(d);
	if (p->total > 0 && p->done >= p->total)
		/* L10N: a long export has read every request; the file is written last. */
		line = xasprintf(ngettext("All %lld request read; the file is being finished.",
		    "All %lld requests read; the file is being finished.", (unsigned long)p->total), p->total);
	else
		/* L10N: a long export: requests read so far, of how many, and the percentage. */
		line = xasprintf(ngettext("%lld of %lld request (%lld%%)", "%lld of %lld requests (%lld%%)",
		    (unsigned long)p->total), p->done, p->total, p->total > 0 ? p->done * 100 / p->total : 0);
	doc_text(d, line, UI_HEADING, 2);
	free(line);
	doc_blank(d);
	doc_text(d, _("Please wait. The list comes back when it is done."), UI_NORMAL, 0);
}

static void
progress_activate(struct screen *s, int id)
{
	(void)s;
	(void)id; /* it has no items */
}

static void
progress_back(struct screen *s)
{
	(void)s; /* the task decides when it ends */
}

static void
progress_free(struct screen *s)
{
	free(s->data);
}

static const struct screen_ops progress_ops = {
	.title = progress_title,
	.build = progress_build,
	.activate = progress_activate,
	.back = progress_back,
	.free = progress_free,
	.busy = true,
};

struct screen *
scr_progress_new(struct app *a, const char *title, const char *what)
{
	struct progress *p = xcalloc(1, sizeof *p);

	p->title = title;
	p->what = what;
	p->started = now_ms();
	return screen_new(a, &progress_ops, p, -1);
}

void
scr_progress_step(void *ctx, long long done, long long total)
{
	struct screen *s = ctx;
	struct progress *p = s->data;
	long long now = now_ms();

	p->done = done;
	p->total = total;
	if (now - p->started < PROGRESS_AFTER_MS)
		return;
	if (now - p->drawn >= PROGRESS_DRAW_MS || done >= total) {
		p->drawn = now;
		app_show(s->app);
	}
}
