/* render.h: the screen as the program wants it, and the bytes that make the
 * terminal show it.
 *
 * ncurses knows the terminal (terminfo) and reads the keys; this module
 * sends the screen. It does what ncurses' refresh does, with fewer bytes on
 * a new screen: ncurses 6.4 never moves down with a line feed (each line
 * costs "\r\e[12d" instead of "\r\n") and selects the character set again
 * with every change of attributes ("\e(B\e[0;7m"), which the kiosk never
 * switches. Over a slow link every byte is felt.
 *
 * Draw into the wanted screen with render_clear() and render_put(), then
 * render_show() sends only the cells that differ from what the terminal
 * shows. Needs a terminal description (setupterm or initscr) first. */
#ifndef ZK_RENDER_H
#define ZK_RENDER_H

#include <curses.h>
#include <stdbool.h>
#include <stddef.h>
#include <wchar.h>

/* Colour pairs render_pair() can describe. */
#define RENDER_PAIRS 8

/* Start sending to fd, a terminal of rows x ncols. The screen is taken to
 * be blank (as curses leaves it after its first refresh). */
void render_init(int fd, int rows, int ncols);
/* Free everything; the terminal is left as it is. */
void render_end(void);
/* The terminal is rows x ncols; when that changed, everything is sent
 * again on a cleared screen. */
void render_resize(int rows, int ncols);
/* The colours of pair n (1..RENDER_PAIRS-1), -1 for the terminal's own. */
void render_pair(short n, short fg, short bg);
/* Blank the wanted screen. */
void render_clear(void);
/* Put n characters of s at y, x in at most width columns, with attributes a
 * (A_BOLD, A_REVERSE, A_UNDERLINE and COLOR_PAIR). Returns columns used. */
int render_put(int y, int x, int width, const wchar_t *s, size_t n, attr_t a);
/* Where the cursor rests after render_show(). */
void render_cursor(int y, int x);
/* The next render_show() clears the terminal and sends every cell: after
 * the terminal was disturbed, and so that nothing of a screen survives. */
void render_repaint(void);
/* Send what changed since the last call. */
void render_show(void);

#endif
