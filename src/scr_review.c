/* scr_review.c: all answers once more before they are sent; the request
 * is stored only with consent; then the reference number. */
#include "screen.h"

#include <stdlib.h>
#include <string.h>

#include "events.h"
#include "util.h"

enum { ID_SEND = 1, ID_CHANGE, ID_CONSENT, ID_STOP, ID_FINISH };

struct review_view {
	enum store_rc failed; /* the last attempt to store, if it failed */
};

static const char *
review_title(struct screen *s)
{
	(void)s;
	return _("Check your answers");
}

static void
review_build(struct screen *s, struct doc *d)
{
	struct app *a = s->app;
	struct review_view *v = s->data;
	const struct forms *f = a->forms;

	if (!intake_has_consent(&a->intake)) {
		doc_text(d, _("You did not give permission to store your details."), UI_HEADING, 0);
		doc_blank(d);
		doc_text(d, tr(&f->no_consent), UI_NORMAL, 0);
		doc_blank(d);
		doc_button(d, ID_CONSENT, ID_CONSENT, '1', _("Give permission after all"));
		doc_button(d, ID_STOP, ID_STOP, '2', _("Stop and wipe my answers"));
		doc_button(d, ID_BACK, ID_BACK, '0', _("Back to the form"));
		return;
	}
	if (v->failed != STORE_OK) {
		doc_text(d, store_message(v->failed), UI_ERROR, 0);
		doc_blank(d);
	}
	doc_text(d, _("Is everything right? Choose \"Send\". To change something, choose \"Change my answers\"."), UI_NORMAL, 0);
	doc_blank(d);
	for (size_t i = 0; i < f->nfields; i++) {
		char *val;

		if (f->fields[i].type == FIELD_CONSENT)
			continue;
		val = intake_display(&a->intake, i);
		doc_text(d, tr(&f->fields[i].label), UI_HEADING, 0);
		doc_text(d, val, UI_NORMAL, 2);
		explicit_bzero(val, strlen(val));
		wipe_free(val);
	}
	if (a->intake.care[0] != '\0' && care_band_find(f->care, a->intake.care) != NULL) {
		doc_text(d, tr(&f->care->title), UI_HEADING, 0);
		doc_text(d, tr(&care_band_find(f->care, a->intake.care)->title), UI_NORMAL, 2);
	}
	doc_blank(d);
	doc_button(d, ID_SEND, ID_SEND, '1', v->failed != STORE_OK ? _("Try sending again") : _("Send"));
	doc_button(d, ID_CHANGE, ID_CHANGE, '2', _("Change my answers"));
}

static void
review_activate(struct screen *s, int id)
{
	struct app *a = s->app;
	struct review_view *v = s->data;
	char ref[32];

	switch (id) {
	case ID_BACK:
	case ID_CHANGE:
		app_pop(a);
		break;
	case ID_CONSENT:
		/* Back to the form, at the consent box. */
		app_pop(a);
		for (size_t i = 0; i < a->forms->nfields; i++)
			if (a->forms->fields[i].type == FIELD_CONSENT) {
				a->stack[a->depth - 1]->focus = (int)i * 100 + 1;
				a->stack[a->depth - 1]->follow = true;
			}
		break;
	case ID_STOP:
		app_home(a);
		break;
	case ID_SEND:
		if (!intake_has_consent(&a->intake))
			break;
		v->failed = store_submit(a->store, &a->intake, i18n_lang(), guide_today().year, ref);
		if (v->failed != STORE_OK) {
			event_log(LOG_ERR, "submit failed (store error %d); the request stays on screen", (int)v->failed);
			/* Said at the top of the review, and above the key bar, so
			 * it is in view together with "Try sending again". */
			app_notice(a, store_message(v->failed));
			break;
		}
		/* Stored: wipe the answers and every copy, and let no Back lead
		 * to them. */
		snprintf(a->visit.ref, sizeof a->visit.ref, "%s", ref);
		app_forget(a);
		app_to_menu(a);
		app_push(a, scr_done_new(a, ref));
		break;
	}
}

static const char *
review_help(struct screen *s)
{
	(void)s;
	return _("Here you see all your answers. Nothing has been sent yet. Choose \"Send\" to send them, or \"Change my answers\" to go back to the form.");
}

static void
review_free(struct screen *s)
{
	wipe_free(s->data);
}

static const struct screen_ops review_ops = {
	.title = review_title,
	.build = review_build,
	.activate = review_activate,
	.help = review_help,
	.free = review_free,
	.menu = true,
};

struct screen *
scr_review_new(struct app *a)
{
	/* No focus at first: the answers are read from the top, and Enter reads
	 * on until "Send" is in view, so a second Enter cannot send unread. */
	return screen_new(a, &review_ops, xcalloc(1, sizeof(struct review_view)), -1);
}

static const char *
done_title(struct screen *s)
{
	(void)s;
	return _("Your request has been received");
}

static void
done_build(struct screen *s, struct doc *d)
{
	char *line;

	doc_text(d, _("Thank you. Your request has been stored safely."), UI_HEADING, 0);
	doc_blank(d);
	/* L10N: %s is the reference number, e.g. MZ-2026-0042. */
	line = xasprintf(_("Your reference number: %s"), (const char *)s->data);
	doc_text(d, line, UI_HEADING, 2);
	wipe_free(line);
	doc_text(d, _("Write it down, or take a photo of it."), UI_NORMAL, 2);
	doc_blank(d);
	doc_text(d, tr(&s->app->forms->done), UI_NORMAL, 0);
	doc_blank(d);
	doc_button(d, ID_FINISH, ID_FINISH, '1', _("Finish (the screen is wiped)"));
	doc_button(d, ID_TAKEHOME, ID_TAKEHOME, '2', _("Take this home with you"));
}

static void
done_activate(struct screen *s, int id)
{
	if (id == ID_FINISH)
		app_home(s->app);
	else if (id == ID_TAKEHOME)
		app_push(s->app, scr_takehome_new(s->app, false));
}

static void
done_back(struct screen *s)
{
	app_home(s->app);
}

static const char *
done_help(struct screen *s)
{
	(void)s;
	return _("Your request has been stored. Choose \"Finish\" when you have written down the number. The screen is then wiped for the next person.");
}

static void
done_free(struct screen *s)
{
	wipe_free(s->data);
}

static const struct screen_ops done_ops = {
	.title = done_title,
	.build = done_build,
	.activate = done_activate,
	.back = done_back,
	/* L10N: in the key bar of the confirmation: Esc ends and wipes. */
	.back_label = N_("Finish"),
	.help = done_help,
	.free = done_free,
	.menu = true,
};

struct screen *
scr_done_new(struct app *a, const char *ref)
{
	struct screen *s = screen_new(a, &done_ops, xstrdup(ref), ID_FINISH);

	/* Start at the top, where the reference number is, also when "Finish"
	 * is below the edge of a small screen. */
	s->top = true;
	return s;
}
