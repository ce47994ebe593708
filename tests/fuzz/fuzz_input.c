/* fuzz_input.c: libFuzzer target for what a caregiver types: every field
 * check, the phone and e-mail rules, UTF-8 checks, and the text editing
 * keys. The first byte picks the field type; the rest is the answer. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "charset.h"
#include "edit.h"
#include "intake.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct field fd;
	char *value, *norm, *from;
	size_t cursor;

	if (size == 0)
		return 0;
	memset(&fd, 0, sizeof fd);
	fd.type = (enum field_type)(data[0] % (FIELD_CONSENT + 1));
	fd.required = data[0] & 0x80;
	fd.max = 1 + data[0] % 64;
	value = calloc(size, 1);
	memcpy(value, data + 1, size - 1);
	(void)intake_check_value(&fd, value);
	if ((norm = intake_phone_normalize(value)) != NULL) {
		/* A normalised number is a valid one. */
		char *again = intake_phone_normalize(norm);

		if (again == NULL)
			abort();
		free(again);
		free(norm);
	}
	(void)intake_email_ok(value);
	(void)charset_valid_utf8(value, true);
	if ((from = charset_from_term(value, size - 1)) != NULL) {
		if (!charset_valid_utf8(from, false))
			abort();
		free(from);
	}
	/* Replay the bytes as keys into an edited answer: it must stay valid
	 * UTF-8 within its limit. */
	char *text = calloc(1, 1);
	cursor = 0;
	for (size_t i = 1; i < size; i++) {
		struct ui_key k = { .ch = data[i] < 0x20 && i + 1 < size ? (wint_t)(data[i] << 8 | data[i + 1]) : data[i],
			.mouse_y = -1, .mouse_x = -1, .pasted = (data[0] & 2) != 0 };

		if (data[i] == 0x1b && i + 1 < size)
			k.code = KEY_MIN + data[++i] % (KEY_MAX - KEY_MIN), k.ch = 0;
		edit_key(&text, &cursor, fd.max, data[0] & 1, &k);
		if (!charset_valid_utf8(text, true) || charset_utf8_len(text) > (size_t)fd.max)
			abort();
		/* Pasted or typed, a one-line answer has no line break. */
		if (!(data[0] & 1) && strchr(text, '\n') != NULL)
			abort();
	}
	free(text);
	free(value);
	return 0;
}
