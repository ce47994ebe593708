/* fuzz_forms.c: libFuzzer target for the forms loader. The input is a
 * guide.conf, an intake.conf and a welcome.conf, separated by lines "%%"
 * (without a third part, a valid welcome). Whatever the bytes, forms_load
 * must return forms or file:line messages: never crash, hang or leak. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "form.h"

static char dir[] = "/tmp/zk-fuzz-forms-XXXXXX";

static const char welcome[] = "version = 1;\ntitle = { nl = \"Welkom\"; en = \"Welcome\"; };\n"
    "text = { nl = \"Tekst\"; en = \"Text\"; };\n";

static void
write_file(const char *name, const uint8_t *data, size_t size)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	if ((f = fopen(path, "wb")) == NULL)
		abort();
	fwrite(data, 1, size, f);
	fclose(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	const uint8_t *sep = NULL, *sep2 = NULL;
	char *errors = NULL;
	struct forms *f;

	if (!ready) {
		if (mkdtemp(dir) == NULL)
			abort();
		ready = 1;
	}
	for (size_t i = 0; i + 4 <= size; i++)
		if (memcmp(data + i, "\n%%\n", 4) == 0) {
			if (sep == NULL) {
				sep = data + i;
			} else {
				sep2 = data + i;
				break;
			}
		}
	if (sep != NULL) {
		const uint8_t *intake = sep + 4, *end = sep2 != NULL ? sep2 : data + size;

		write_file("guide.conf", data, (size_t)(sep - data));
		write_file("intake.conf", intake, (size_t)(end - intake));
	} else {
		write_file("guide.conf", data, size);
		write_file("intake.conf", data, size);
	}
	if (sep2 != NULL)
		write_file("welcome.conf", sep2 + 4, size - (size_t)(sep2 + 4 - data));
	else
		write_file("welcome.conf", (const uint8_t *)welcome, sizeof welcome - 1);
	f = forms_load(dir, &errors);
	/* Either forms, or messages; never both, never neither. */
	if ((f == NULL) == (errors == NULL || *errors == '\0'))
		abort();
	forms_free(f);
	free(errors);
	return 0;
}
