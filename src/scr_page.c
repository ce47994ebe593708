/* scr_page.c: a support option: its summary and sections, the check
 * "Does this fit me?", and "Request contact". */
#include "screen.h"

#include <stdlib.h>

#include "util.h"

enum { ID_SECTION = 1, ID_NEXT = 100 };

struct section_view {
	const struct page *page;
	size_t section;
};

/* Today as yyyymmdd: sections past their end date are left out. */
static int
today(void)
{
	struct day d = guide_today();

	return form_date(d.year, d.month, d.day);
}

/* The first section from i on that is still shown, or p->nsections. */
static size_t
shown_from(const struct page *p, size_t i)
{
	int t = today();

	while (i < p->nsections && section_shown(&p->sections[i], t) == NULL)
		i++;
	return i;
}

static const char *
page_title(struct screen *s)
{
	return tr(&((const struct page *)s->data)->title);
}

static void
page_build(struct screen *s, struct doc *d)
{
	const struct page *p = s->data;
	char key = '1';

	doc_text(d, tr(&p->summary), UI_NORMAL, 0);
	doc_blank(d);
	for (size_t i = shown_from(p, 0); i < p->nsections; i = shown_from(p, i + 1), key++)
		doc_button(d, ID_SECTION + (int)i, ID_SECTION + (int)i, key <= '9' ? key : 0,
		    tr(&p->sections[i].title));
	if (p->check != NULL) {
		doc_button(d, ID_CHECK, ID_CHECK, key <= '9' ? key : 0, _("Is this right for me? (a few questions)"));
		key++;
	}
	if (p->request) {
		doc_button(d, ID_REQUEST, ID_REQUEST, key <= '9' ? key : 0, _("Ask us to get in touch about this"));
		key++;
	}
	if (p->plan != NULL && forms_plan(s->app->forms, p->plan) != NULL) {
		doc_button(d, ID_PLAN, ID_PLAN, key <= '9' ? key : 0, _("Prepare your personal plan for the municipality"));
		key++;
	}
	doc_button(d, ID_TAKEHOME, ID_TAKEHOME, key <= '9' ? key : 0, _("Take this home with you"));
	doc_blank(d);
	doc_button(d, ID_BACK, ID_BACK, '0', _("Back to the menu"));
}

static void
page_activate(struct screen *s, int id)
{
	const struct page *p = s->data;

	if (id == ID_BACK)
		app_pop(s->app);
	else if (id == ID_CHECK && p->check != NULL)
		app_push(s->app, scr_flow_new(s->app, forms_flow(s->app->forms, p->check), p));
	else if (id == ID_REQUEST)
		app_request(s->app, p->id);
	else if (id == ID_PLAN && p->plan != NULL && forms_plan(s->app->forms, p->plan) != NULL)
		app_push(s->app, scr_plan_new(s->app, forms_plan(s->app->forms, p->plan)));
	else if (id == ID_TAKEHOME)
		app_push(s->app, scr_takehome_new(s->app, false));
	else if (id >= ID_SECTION && (size_t)(id - ID_SECTION) < p->nsections)
		app_push(s->app, scr_section_new(s->app, p, (size_t)(id - ID_SECTION)));
}

static const char *
page_help(struct screen *s)
{
	(void)s;
	return _("Choose a part to read it. \"Is this right for me?\" asks a few short questions. \"Ask us to get in touch\" opens a short form, so that someone can call or e-mail you.");
}

static const struct screen_ops page_ops = {
	.title = page_title,
	.build = page_build,
	.activate = page_activate,
	.help = page_help,
	.menu = true,
};

struct screen *
scr_page_new(struct app *a, const struct page *p)
{
	visit_page(&a->visit, p);
	return screen_new(a, &page_ops, (void *)p, ID_SECTION);
}

static const char *
section_title(struct screen *s)
{
	const struct section_view *v = s->data;

	return tr(&v->page->sections[v->section].title);
}

static void
section_build(struct screen *s, struct doc *d)
{
	const struct section_view *v = s->data;
	const struct page *p = v->page;
	const struct text *body = section_shown(&p->sections[v->section], today());
	size_t after = shown_from(p, v->section + 1);
	char *next;

	doc_text(d, tr(&p->title), UI_HEADING, 0);
	doc_blank(d);
	if (body != NULL)
		doc_text(d, tr(body), UI_NORMAL, 0);
	doc_blank(d);
	if (after < p->nsections) {
		/* L10N: button to the next part of a page; %s is its title. */
		next = xasprintf(_("Next: %s"), tr(&p->sections[after].title));
		doc_button(d, ID_NEXT, ID_NEXT, '1', next);
		free(next);
	}
	if (p->request)
		doc_button(d, ID_REQUEST, ID_REQUEST, after < p->nsections ? '2' : '1',
		    _("Ask us to get in touch about this"));
	if (p->plan != NULL && forms_plan(s->app->forms, p->plan) != NULL)
		doc_button(d, ID_PLAN, ID_PLAN, 0, _("Prepare your personal plan for the municipality"));
	doc_button(d, ID_BACK, ID_BACK, '0', _("Back"));
}

static void
section_activate(struct screen *s, int id)
{
	struct section_view *v = s->data;

	if (id == ID_BACK) {
		app_pop(s->app);
	} else if (id == ID_REQUEST) {
		app_request(s->app, v->page->id);
	} else if (id == ID_PLAN && v->page->plan != NULL && forms_plan(s->app->forms, v->page->plan) != NULL) {
		app_push(s->app, scr_plan_new(s->app, forms_plan(s->app->forms, v->page->plan)));
	} else if (id == ID_NEXT && shown_from(v->page, v->section + 1) < v->page->nsections) {
		v->section = shown_from(v->page, v->section + 1);
		/* The next part opens at its top, as the first did: its own
		 * "Next" (kept as the focus where it is in view) must not pull
		 * a small screen down to the end of the text. */
		s->top = true;
		s->focus = shown_from(v->page, v->section + 1) < v->page->nsections ? ID_NEXT : ID_BACK;
	}
}

static const char *
section_help(struct screen *s)
{
	(void)s;
	return _("Read the text. Use the arrow keys or Page Down to see more. At the bottom you can go on to the next part, or ask us to get in touch.");
}

static void
section_free(struct screen *s)
{
	free(s->data);
}

static const struct screen_ops section_ops = {
	.title = section_title,
	.build = section_build,
	.activate = section_activate,
	.help = section_help,
	.free = section_free,
	.menu = true,
};

struct screen *
scr_section_new(struct app *a, const struct page *p, size_t section)
{
	struct section_view *v = xcalloc(1, sizeof *v);

	v->page = p;
	v->section = section;
	/* No focus: Down reads on through the text before reaching a button. */
	return screen_new(a, &section_ops, v, -1);
}
