/* form_data.c: looking things up in loaded forms, and freeing them. */
#include "form.h"

#include <stdlib.h>

#include "form_int.h"
#include "util.h"

static void
text_free(struct text *t)
{
	for (int l = 0; l < LANG_MAX; l++)
		free(t->s[l]);
}

static void
answer_free(struct answer *a)
{
	text_free(&a->label);
	text_free(&a->result);
	text_free(&a->why);
	free(a->next);
	for (size_t i = 0; i < a->nsuggest; i++)
		free(a->suggest[i]);
	free(a->suggest);
}

void
forms_free(struct forms *f)
{
	if (f == NULL)
		return;
	text_free(&f->welcome_title);
	text_free(&f->welcome_text);
	text_free(&f->menu_title);
	text_free(&f->menu_intro);
	text_free(&f->intake_title);
	text_free(&f->intake_intro);
	text_free(&f->no_consent);
	text_free(&f->done);
	free(f->menu);
	for (size_t i = 0; i < f->npages; i++) {
		struct page *p = &f->pages[i];

		free(p->id);
		free(p->check);
		free(p->plan);
		text_free(&p->title);
		text_free(&p->summary);
		for (size_t s = 0; s < p->nsections; s++) {
			free(p->sections[s].id);
			text_free(&p->sections[s].title);
			text_free(&p->sections[s].body);
			text_free(&p->sections[s].replacement);
		}
		free(p->sections);
	}
	free(f->pages);
	for (size_t i = 0; i < f->nflows; i++) {
		struct flow *fl = &f->flows[i];

		free(fl->id);
		free(fl->start);
		free(fl->fallback);
		free(fl->offer);
		text_free(&fl->title);
		text_free(&fl->intro);
		for (size_t q = 0; q < fl->nquestions; q++) {
			struct question *qu = &fl->questions[q];

			free(qu->id);
			text_free(&qu->ask);
			text_free(&qu->help);
			for (size_t a = 0; a < qu->nanswers; a++)
				answer_free(&qu->answers[a]);
			free(qu->answers);
		}
		free(fl->questions);
	}
	free(f->flows);
	for (size_t i = 0; i < f->nfields; i++) {
		struct field *fd = &f->fields[i];

		free(fd->id);
		free(fd->def);
		text_free(&fd->label);
		text_free(&fd->hint);
		text_free(&fd->staff_label);
		for (size_t c = 0; c < fd->nchoices; c++) {
			free(fd->choices[c].id);
			text_free(&fd->choices[c].label);
		}
		free(fd->choices);
	}
	free(f->fields);
	for (size_t i = 0; i < f->none_of; i++)
		free(f->one_of[i].fields);
	free(f->one_of);
	form_free_extras(f);
	for (size_t i = 0; i < f->nglossary; i++) {
		struct gloss_entry *e = &f->glossary[i];

		free(e->id);
		text_free(&e->word);
		text_free(&e->text);
		for (int l = 0; l < LANG_MAX; l++) {
			for (size_t v = 0; v < e->nvariants[l]; v++)
				free(e->variants[l][v]);
			free(e->variants[l]);
		}
	}
	free(f->glossary);
	free(f->glossary_file);
	for (size_t i = 0; i < f->nreviews; i++) {
		free(f->reviews[i].file);
		free(f->reviews[i].what);
		free(f->reviews[i].checked_by);
	}
	free(f->reviews);
	free(f);
}

const struct page *
forms_page(const struct forms *f, const char *id)
{
	for (size_t i = 0; i < f->npages; i++)
		if (str_eq(f->pages[i].id, id))
			return &f->pages[i];
	return NULL;
}

const struct flow *
forms_flow(const struct forms *f, const char *id)
{
	for (size_t i = 0; i < f->nflows; i++)
		if (str_eq(f->flows[i].id, id))
			return &f->flows[i];
	return NULL;
}

const struct field *
forms_field(const struct forms *f, const char *id)
{
	for (size_t i = 0; i < f->nfields; i++)
		if (str_eq(f->fields[i].id, id))
			return &f->fields[i];
	return NULL;
}

size_t
forms_search_fields(const struct forms *f, const char **out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < f->nfields && n < max; i++)
		if (f->fields[i].type == FIELD_TEXT || f->fields[i].type == FIELD_PHONE ||
		    f->fields[i].type == FIELD_EMAIL)
			out[n++] = f->fields[i].id;
	return n;
}

const struct question *
flow_question(const struct flow *fl, const char *id)
{
	for (size_t i = 0; i < fl->nquestions; i++)
		if (str_eq(fl->questions[i].id, id))
			return &fl->questions[i];
	return NULL;
}
