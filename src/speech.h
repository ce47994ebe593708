/* speech.h: the kiosk speaks, through speech-dispatcher (libspeechd), the
 * service Linux screen readers use: the site chooses voice, rate and audio
 * device there. Speech is a third reader of the doc that the curses kiosk
 * and line mode render: it says what changed since the last draw (a new
 * page: its title, its text and where the focus is; a new focus; what was
 * typed; a message), and nothing while nothing changes. A new key
 * interrupts what is being said. */
#ifndef ZK_SPEECH_H
#define ZK_SPEECH_H

#include <stdbool.h>
#include <stddef.h>

#include "doc.h"
#include "site.h"

/* The key that turns speech on and off, as the welcome tells it (a msgid,
 * said and shown in every language). */
#define SPEECH_HINT N_("Speech: press F4 to turn it on or off. F3 reads the whole page.")


/* Start of a visit: speech on or off as the site says, nothing remembered
 * of what was said. Connects on first use, never before. */
void speech_visit(enum speech_mode mode);
/* Whether speech is on. */
bool speech_on(void);
/* The key: on when off and the other way round; says which. False when no
 * speech service could be reached (the caller shows why). */
bool speech_toggle(void);
/* One text in one language ("nl"). */
struct speech_text {
	const char *lang, *text;
};

/* After a draw: say what changed since the last call. screen tells one
 * screen from another; lang is the language's code. When the screen is
 * new, its hints are said even while speech is off (the welcome tells the
 * key in every language, each in its own voice). */
void speech_drawn(const void *screen, const char *lang, const char *title, const struct doc *d, int focus,
    const char *notice, const struct speech_text *hints, size_t nhints);
/* Read the whole page, from its title to its last line. */
void speech_read_all(const char *lang, const char *title, const struct doc *d);
/* A key came: stop what is being said. */
void speech_interrupt(void);
/* Close the connection. */
void speech_end(void);

#endif
