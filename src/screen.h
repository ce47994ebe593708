/* screen.h: one file per screen behind a small table of functions, and the
 * kiosk that keeps them on a stack for Back. */
#ifndef ZK_SCREEN_H
#define ZK_SCREEN_H

#include <stdbool.h>
#include <stdio.h>

#include "doc.h"
#include "form.h"
#include "guide.h"
#include "intake.h"
#include "store.h"
#include "takehome.h"

struct app;
struct screen;

struct screen_ops {
	/* The title bar text. */
	const char *(*title)(struct screen *s);
	/* Add what the screen shows to d, in the current language. */
	void (*build)(struct screen *s, struct doc *d);
	/* Item id was chosen: Enter, its digit, or a click. */
	void (*activate)(struct screen *s, int id);
	/* Optional: a key seen before navigation (text editing); true if used. */
	bool (*key)(struct screen *s, const struct ui_key *k);
	/* Optional, for screens with text inputs: set input id to text (UTF-8),
	 * as line mode does with a typed line. */
	void (*set_text)(struct screen *s, int id, const char *text);
	/* Optional: Esc. Without it Esc goes back one screen. */
	void (*back)(struct screen *s);
	/* Optional: what Esc does, for the key bar (a msgid, N_); "Back" if
	 * NULL. */
	const char *back_label;
	/* Optional: what F1 says about this screen, before the general help. */
	const char *(*help)(struct screen *s);
	/* Optional: free the screen's data. */
	void (*free)(struct screen *s);
	/* Optional: called once screen.wake has come (a screen that waits for
	 * something outside, such as a printer), whether the screen is on
	 * top or not; sets wake again, or 0. Returns whether what the screen
	 * shows changed. It must return soon: keys wait meanwhile. It opens
	 * or closes no screen. */
	bool (*tick)(struct screen *s);
	/* Letters are keys here (L switches language, ? is help): a menu. */
	bool menu;
	/* The choice of language itself: F2 opens no second one. */
	bool language_choice;
	/* A long task runs and keys wait (scr_progress.c): no key bar. */
	bool busy;
	/* Optional: whether it speaks both languages, as the welcome does
	 * (its help); its key bar then does too. */
	bool (*bilingual)(const struct screen *s);
};

struct screen {
	const struct screen_ops *ops;
	struct app *app;
	int focus, scroll;  /* focused item id (-1: none), first line shown */
	bool follow;        /* bring the focus into view at the next draw */
	bool top;           /* open at the top at the next draw: a focus that
	                     * is not in view there waits (none until then) */
	long long wake;     /* now_ms() for the next tick, or 0: none */
	void *data;
};

struct app {
	const struct forms *forms;
	struct store *store;
	lang_id start_lang;
	int idle_secs;
	bool kiosk_mode;        /* public kiosk: no way out by keys */
	bool low_bandwidth;     /* leave out decoration that costs bytes */
	const char *exit_pin;   /* kiosk mode: Ctrl-] three times and this PIN
	                         * end the kiosk; NULL: no key ends it */
	const char *login;      /* who runs us (for drafts) */
	const char *staff;      /* the staff login in the staff terminal, else
	                         * NULL: then no screen can reach stored data */
	struct intake intake;   /* the form being filled in, if any */
	bool has_intake;
	bool keep_draft;        /* the caregiver agreed to keep the answers as
	                         * a draft if the link drops */
	unsigned wipes;         /* counts wipes, so line mode clears its
	                         * terminal and input too */
	struct screen *stack[32];
	int depth;
	struct visit visit;     /* what this visitor looked at, for the
	                         * take-home page; wiped with the answers */
	struct doc doc;         /* what the top screen showed last */
	char notice[256];       /* a one-line message until the next key */
	unsigned changes;       /* counts staff writes, so lists know to reload */
	bool drawn;             /* the first screen is out (see app_drawn) */
	/* Set when forms holds only the welcome and store is NULL: called once
	 * the welcome is out, before the first key is read, it reads the rest
	 * of the forms and opens the store. False, after saying why on the
	 * stream, ends the kiosk. */
	bool (*finish_start)(struct app *a, FILE *why);
	/* Draws the top screen now (curses or line mode: set by kiosk_run
	 * and lineui_run), for a long task that holds up the key loop. */
	void (*show)(struct app *a);
	bool quit;
};

/* Make a screen with ops and data (owned by the screen). */
struct screen *screen_new(struct app *a, const struct screen_ops *ops, void *data, int focus);
/* Put s on top; it is shown next. */
void app_push(struct app *a, struct screen *s);
/* Go back one screen (never below the welcome). */
void app_pop(struct app *a);
/* Show the first screen: the staff list, or the welcome (with the offer to
 * continue a draft kept when a remote link dropped). */
void app_start(struct app *a);
/* After the first screen is out, before the first key is read: the start
 * that need not hold it up (the store's writer process). */
void app_drawn(struct app *a);
/* Close every screen and wipe what was typed; a remote session that lost
 * its link (SIGHUP) keeps its answers as a draft first. */
void app_close(struct app *a);
/* Back to the main menu (the second screen). */
void app_to_menu(struct app *a);
/* Wipe everything typed and return to the welcome in the start language. */
void app_home(struct app *a);
/* Wipe everything typed (the answers, the consent to a draft, the notice);
 * the screens stay, and line mode clears its buffers and terminal too. */
void app_forget(struct app *a);
/* Whether a dropped link may keep the answers as a draft, if the caregiver
 * agrees: outside kiosk mode, for a known login, never for staff. */
bool app_may_keep_draft(const struct app *a);
/* Open the intake form, with page ids (comma list, may be NULL) ticked;
 * backing out of the form unticks those the visitor did not touch. */
void app_request(struct app *a, const char *preticked);
/* Show a one-line message until the next key. */
void app_notice(struct app *a, const char *msg);
/* Draw the top screen now, from inside a long task (a->show). */
void app_show(struct app *a);
/* The notice for a typed key a text field could not take (EDIT_FULL: the
 * field holds max characters; EDIT_BADKEY), in one wording everywhere. */
void app_edit_notice(struct app *a, bool full, int max);
/* Run the kiosk until asked to stop; returns the exit status. */
int kiosk_run(struct app *a);
/* The same in line mode (TERM=dumb, --plain): numbered choices and typed
 * answers, one line at a time, for screen readers and slow links. */
int lineui_run(struct app *a);
/* Run the screens' ticks that are due; true when one changed what its
 * screen shows. */
bool app_tick(struct app *a);
/* Milliseconds until the next tick is due (0: now), at most limit. */
int app_tick_wait(const struct app *a, int limit);
/* Esc: back one step on the top screen. */
void app_back(struct app *a);
/* F1: help for the top screen. */
void app_help(struct app *a);
/* Switch to lang at once: the screens, and the intake's defaults that
 * follow the language. */
void app_set_language(struct app *a, lang_id lang);
/* F2: with two languages the other one at once, with more the choice. */
void app_change_language(struct app *a);
/* What the language key says (F2, L in line mode), or NULL when the kiosk
 * offers one language; narrow: in as few words as it can. Caller frees. */
char *app_language_label(bool narrow);
/* Start in the right mode; quit on SIGTERM, SIGHUP and every other signal
 * whose default action ends the process (and SIGINT and SIGQUIT outside
 * kiosk mode), which only set a flag; on a fault (SIGSEGV, SIGBUS, ...)
 * give the terminal back before the signal ends the process. */
void app_signals(struct app *a);
/* Kiosk mode: end the kiosk when pin is the exit PIN; after three wrong
 * tries no PIN is taken for a minute. Says what happened in a notice. */
void app_exit_pin(struct app *a, const char *pin);
/* The signal that asked us to stop, or 0. */
int app_quit_signal(void);

/* The screens. */
struct screen *scr_welcome_new(struct app *a);
/* F2 with more than two languages: each offered language by its own name. */
struct screen *scr_language_new(struct app *a);
/* Add a button for each offered language, named in itself, with id
 * first_id plus the language's id and the keys 1, 2, ... */
void language_buttons(struct doc *d, int first_id);
struct screen *scr_menu_new(struct app *a);
struct screen *scr_resume_new(struct app *a, lang_id lang);
struct screen *scr_page_new(struct app *a, const struct page *p);
struct screen *scr_section_new(struct app *a, const struct page *p, size_t section);
struct screen *scr_flow_new(struct app *a, const struct flow *fl, const struct page *from);
/* added: the page ids (comma list) that opening the form ticked. */
struct screen *scr_form_new(struct app *a, const char *added);
struct screen *scr_review_new(struct app *a);
struct screen *scr_done_new(struct app *a, const char *ref);
struct screen *scr_help_new(struct app *a, struct screen *below);
/* "How are you doing?": the care check c, one question at a time. */
struct screen *scr_care_new(struct app *a, const struct care_check *c);
/* The personal plan p for a Wmo report: guided questions, then its page. */
struct screen *scr_plan_new(struct app *a, const struct plan *p);
/* "Take this with you": the take-home page of this visit, printed when a
 * printer is configured; plan_only: the personal plan's page. */
struct screen *scr_takehome_new(struct app *a, bool plan_only);
/* A take-home sheet (or the plan) as the text of a screen. */
void doc_sheet(struct doc *d, const struct sheet *sh);
/* A long task's screen (title and what: msgids); push it, run the task
 * with scr_progress_step and the screen as its store_progress, pop it. */
struct screen *scr_progress_new(struct app *a, const char *title, const char *what);
void scr_progress_step(void *screen, long long done, long long total);
/* Staff only. */
struct screen *scr_staff_new(struct app *a);
struct screen *scr_record_new(struct app *a, const char *ref);
/* All that is stored about the person behind ref (scr_person.c). */
struct screen *scr_person_new(struct app *a, const char *ref);
/* Ask for one line of text; title and question are msgids (N_), shown in
 * the language of the moment. done is called with the text on OK (not on
 * Cancel), after the prompt has closed. ctx belongs to the caller. */
struct screen *scr_prompt_new(struct app *a, const char *title, const char *question,
    const char *value, int max, void (*done)(struct app *a, void *ctx, const char *text), void *ctx);
/* A staff note of at most max characters, on several lines: done gets the
 * text (without trailing blank lines) when it is saved, never on Cancel. */
struct screen *scr_note_new(struct app *a, int max, void (*done)(struct app *a, void *ctx, const char *text),
    void *ctx);
/* The same for a secret (a PIN): each character shows as *. */
struct screen *scr_prompt_secret_new(struct app *a, const char *title, const char *question, int max,
    void (*done)(struct app *a, void *ctx, const char *text), void *ctx);

/* Item ids shared by screens. */
enum { ID_BACK = 9000, ID_REQUEST, ID_MENU, ID_CHECK, ID_TAKEHOME = 9020, ID_PLAN, ID_CARE };
/* "Words on this page", which app_build adds. */
enum { ID_WORDS = 9500 };

/* Build screen s into d, and when its text uses glossary words, add the
 * item "Words on this page". */
void app_build(struct app *a, struct screen *s, struct doc *d);
/* Item id of s was chosen: the words item opens their list, anything else
 * goes to the screen. */
void app_activate(struct app *a, struct screen *s, int id);
/* Add to d the glossary words that screen below shows, with their
 * explanations (nothing when it uses none), under a heading if asked. */
void words_list(struct app *a, struct screen *below, struct doc *d, bool heading);
/* "Words on this page" for the screen below. */
struct screen *scr_words_new(struct app *a, struct screen *below);

#endif
