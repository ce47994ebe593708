/* xlsx_zip.c: the workbook's zip at zlib's fastest level.
 *
 * An .xlsx is a zip of XML, and at 200,000 requests the requests sheet
 * is 211 MB of it. libxlsxwriter compresses every part at zlib's default
 * level (6), which was a third of the export's time; level 1 takes half
 * as long for a file 20% larger, and every reader of zip files reads
 * either. libxlsxwriter has no setting for it, so this file puts a
 * function of the same name before minizip's zipOpenNewFileInZip4_64
 * (the one libxlsxwriter calls for each part): the executable exports it
 * (the Makefile's XLSX_LDFLAGS), the dynamic linker looks in the
 * executable before the libraries, and this calls minizip's own with
 * level 1. Nothing else in the program uses minizip. Without the export
 * (another build) the library's own is called and the workbook is the
 * same, only slower to write. */
#include <dlfcn.h>
#include <xlsxwriter/third_party/zip.h>

/* Not declared in a header: the dynamic linker is its only caller. */
int zipOpenNewFileInZip4_64(zipFile file, const char *filename, const zip_fileinfo *zipfi,
    const void *extrafield_local, uInt size_extrafield_local, const void *extrafield_global,
    uInt size_extrafield_global, const char *comment, int method, int level, int raw, int windowBits,
    int memLevel, int strategy, const char *password, uLong crcForCrypting, uLong versionMadeBy,
    uLong flagBase, int zip64);

int
zipOpenNewFileInZip4_64(zipFile file, const char *filename, const zip_fileinfo *zipfi,
    const void *extrafield_local, uInt size_extrafield_local, const void *extrafield_global,
    uInt size_extrafield_global, const char *comment, int method, int level, int raw, int windowBits,
    int memLevel, int strategy, const char *password, uLong crcForCrypting, uLong versionMadeBy,
    uLong flagBase, int zip64)
{
	static __typeof__(&zipOpenNewFileInZip4_64) real;

	/* libxlsxwriter has loaded minizip by now: this only finds it. */
	if (real == NULL) {
		void *lib = dlopen("libminizip.so.1", RTLD_NOW | RTLD_LOCAL | RTLD_NOLOAD);

		if (lib == NULL || (*(void **)&real = dlsym(lib, "zipOpenNewFileInZip4_64")) == NULL)
			return ZIP_INTERNALERROR;
	}
	(void)level;
	return real(file, filename, zipfi, extrafield_local, size_extrafield_local, extrafield_global,
	    size_extrafield_global, comment, method, Z_BEST_SPEED, raw, windowBits, memLevel, strategy, password,
	    crcForCrypting, versionMadeBy, flagBase, zip64);
}
