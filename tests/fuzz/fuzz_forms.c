/* fuzz_forms.c: libFuzzer target for the forms loader. The input is a
 * guide.conf and an intake.conf, separated by a line "%%". Whatever the
 * bytes, forms_load must return forms or file:line messages: never crash,
 * hang or leak. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "form.h"

static char dir[] = "/tmp/zk-fuzz-forms-XXXXXX";

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
	const uint8_t *sep = NULL;
	char *errors = NULL;
	struct forms *f;

	if (!ready) {
		if (mkdtemp(dir) == NULL)
			abort();
		ready = 1;
	}
	for (size_t i = 0; i + 4 <= size; i++)
		if (memcmp(data + i, "\n%%\n", 4) == 0) {
			sep = data + i;
			break;
		}
	if (sep != NULL) {
		write_file("guide.conf", data, (size_t)(sep - data));
		write_file("intake.conf", sep + 4, size - (size_t)(sep - data) - 4);
	} else {
		write_file("guide.conf", data, size);
		write_file("intake.conf", data, size);
	}
	f = forms_load(dir, &errors);
	/* Either forms, or messages; never both, never neither. */
	if ((f == NULL) == (errors == NULL || *errors == '\0'))
		abort();
	forms_free(f);
	free(errors);
	return 0;
}
