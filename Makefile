# zorgkiosk: GNU Makefile. `make run` starts the kiosk from this folder;
# `make check` builds and runs every test; `make install` honours PREFIX and
# DESTDIR.

VERSION    := 0.2.0
PREFIX     ?= /usr/local
BINDIR     ?= $(PREFIX)/bin
DATADIR    ?= $(PREFIX)/share
MANDIR     ?= $(DATADIR)/man
LOCALSTATEDIR ?= /var
SYSCONFDIR ?= /etc
# Installed forms are editable copies beside the site file (the package
# marks them conffiles, so an upgrade never overwrites an editor's work).
FORMSDIR   ?= $(SYSCONFDIR)/zorgkiosk/forms
DESTDIR    ?=
CC         ?= cc
PKG_CONFIG ?= pkg-config
MSGFMT     ?= msgfmt
# Debian's python3, which has the python3-* test packages.
PYTHON     ?= /usr/bin/python3

PKGS      := ncursesw sqlite3 libconfig jansson libcrypto icu-i18n icu-uc fribidi pangocairo cairo-pdf
WARN      := -std=c17 -Wall -Wextra -Werror -Wshadow -Wmissing-prototypes \
             -Wstrict-prototypes -Wwrite-strings -Wformat=2
HARDEN    := -D_FORTIFY_SOURCE=3 -fstack-protector-strong -fPIE
CFLAGS    ?= -O2 -g
DEPS_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(PKGS))
DEPS_LIBS   = $(shell $(PKG_CONFIG) --libs $(PKGS))
# libspeechd's header only: the library is loaded when speech is first
# needed (src/lazy.h), not linked.
SPEECH_CFLAGS = $(shell $(PKG_CONFIG) --cflags speech-dispatcher)
ALL_CFLAGS = $(WARN) -D_GNU_SOURCE -DNCURSES_WIDECHAR=1 $(DEPS_CFLAGS) $(SPEECH_CFLAGS) $(CFLAGS)
LDHARDEN  := -pie -Wl,-z,relro,-z,now
# The workbook's zip at zlib's fastest level (src/xlsx_zip.c).
XLSX_LDFLAGS := -Wl,--export-dynamic-symbol=zipOpenNewFileInZip4_64
SANITIZE  := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

# The core has no curses: unit tests link it alone.
CORE := util i18n text charset form_read form form_languages form_load form_check form_data form_review form_glossary form_extra guide intake store store_files store_submit store_query store_search_plan store_record store_status store_queue store_audit store_audit_purge store_labels store_stats store_purge store_erase store_correct store_locations store_search store_backup site outfile fetch export_purge remote takehome pdf export_csv store_alerts answer_words correct
UI   := ui bidi render doc edit kiosk lineui scr_menu scr_lang scr_page scr_flow scr_form scr_review scr_help scr_words scr_prompt scr_note scr_progress scr_staff scr_record record_queue record_correct scr_person scr_care scr_plan scr_takehome speech print staff export_xlsx xlsx_zip cli cli_purge person cli_person cli_correct alerts backup restore status events privsep main
OBJ      := $(patsubst %,build/obj/%.o,$(CORE) $(UI))
CORE_OBJ := $(patsubst %,build/obj/%.o,$(CORE))
ASAN_OBJ := $(patsubst %,build/asan/%.o,$(CORE) $(UI))
# The release build with the test hook only: its memory is what ships.
ASAN_CORE := $(patsubst %,build/asan/%.o,$(CORE))
HDR := $(wildcard src/*.h)

# Every catalogue in locale/: a new language needs no change here.
LINGUAS := $(basename $(notdir $(wildcard locale/*.po)))
MO := $(patsubst %,build/locale/%/LC_MESSAGES/zorgkiosk.mo,$(LINGUAS))

DEV_PATHS := -DZK_FORMS_DIR='"$(CURDIR)/forms"' -DZK_LOCALE_DIR='"$(CURDIR)/build/locale"' \
             -DZK_DB_PATH='"$(CURDIR)/var/zorgkiosk.db"' -DZK_VERSION='"$(VERSION)"' \
             -DZK_CONF_PATH='"$(CURDIR)/var/zorgkiosk.conf"'
INST_PATHS := -DZK_FORMS_DIR='"$(FORMSDIR)"' -DZK_LOCALE_DIR='"$(DATADIR)/locale"' \
              -DZK_DB_PATH='"$(LOCALSTATEDIR)/lib/zorgkiosk/zorgkiosk.db"' -DZK_VERSION='"$(VERSION)"' \
              -DZK_CONF_PATH='"$(SYSCONFDIR)/zorgkiosk/zorgkiosk.conf"'

# Fuzzing with libFuzzer (clang): the forms loader and what is typed.
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 300
FUZZ_FLAGS   := -g -O1 -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_OBJ     := $(patsubst %,build/fuzz/%.o,$(CORE) edit paths)
FUZZERS      := fuzz_forms fuzz_input

# Leaks inside libraries (not ours) that the sanitizers would report.
SAN_ENV := LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp ASAN_OPTIONS=abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1
# Keep intermediate objects between runs.
.SECONDARY:

UNIT_TESTS := $(patsubst tests/unit/%.c,%,$(wildcard tests/unit/test_*.c))

.PHONY: all run check unit e2e asan po clean install bench fuzz fuzz-check deb pkg-check
all: zorgkiosk $(MO)

# Missing Debian packages are installed once; the stamp remembers it.
build/.deps-build: scripts/install-deps.sh
	@mkdir -p build
	@scripts/install-deps.sh build
	@touch $@
build/.deps-check: scripts/install-deps.sh build/.deps-build
	@scripts/install-deps.sh check
	@touch $@

build/obj/%.o: src/%.c $(HDR) | build/.deps-build
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(HARDEN) -c $< -o $@
# The test builds (sanitizers; release-test) alone read ZK_TEST_CONF.
build/asan/%.o: src/%.c $(HDR) | build/.deps-build
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -O1 $(SANITIZE) -DZK_TEST_HOOKS -c $< -o $@

build/obj/paths.o: src/paths.c Makefile | build/.deps-build
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(HARDEN) $(DEV_PATHS) -c $< -o $@
build/obj/paths-install.o: src/paths.c Makefile | build/.deps-build
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(HARDEN) $(INST_PATHS) -c $< -o $@
build/asan/paths.o: src/paths.c Makefile | build/.deps-build
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -O1 $(SANITIZE) $(DEV_PATHS) -c $< -o $@

zorgkiosk: $(OBJ) build/obj/paths.o
	$(CC) $(CFLAGS) $(LDHARDEN) $(XLSX_LDFLAGS) $^ $(DEPS_LIBS) -o $@
# The release build as tests and benchmarks run it: the same objects, but
# reading its site file from ZK_TEST_CONF as the sanitizer build does.
build/rtest/site.o: src/site.c $(HDR) | build/.deps-build
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(HARDEN) -DZK_TEST_HOOKS -c $< -o $@
build/zorgkiosk-release-test: $(filter-out build/obj/site.o,$(OBJ)) build/rtest/site.o build/obj/paths.o
	$(CC) $(CFLAGS) $(LDHARDEN) $(XLSX_LDFLAGS) $^ $(DEPS_LIBS) -o $@
build/zorgkiosk-install: $(OBJ) build/obj/paths-install.o
	$(CC) $(CFLAGS) $(LDFLAGS) $(LDHARDEN) $(XLSX_LDFLAGS) $^ $(DEPS_LIBS) -o $@
build/zorgkiosk-asan: $(ASAN_OBJ) build/asan/paths.o
	$(CC) $(SANITIZE) $(XLSX_LDFLAGS) $^ $(DEPS_LIBS) -o $@

build/locale/%/LC_MESSAGES/zorgkiosk.mo: locale/%.po | build/.deps-build
	@mkdir -p $(@D)
	$(MSGFMT) -c -o $@ $<

# Refresh the template and merge it into the translations.
po:
	xgettext --from-code=UTF-8 --keyword=_ --keyword=N_ --keyword=ngettext:1,2 --add-comments=L10N \
	  --package-name=zorgkiosk --package-version=$(VERSION) -o locale/zorgkiosk.pot src/*.c src/*.h
	for l in $(LINGUAS); do msgmerge -q --update --backup=none locale/$$l.po locale/zorgkiosk.pot; done

# The build tree's own site file: the embedded defaults, written out once
# so they can be edited (it must stay writable by its owner only).
var/zorgkiosk.conf: contrib/zorgkiosk.conf
	@install -d -m 0755 var
	@if [ -e $@ ]; then echo "$@ is kept; see contrib/zorgkiosk.conf for new settings"; touch $@; else \
	  sed -e 's|^database = .*|database = "$(CURDIR)/var/zorgkiosk.db";|' \
	      -e 's|^database_group = .*|database_group = "";|' \
	      -e 's|^forms = .*|forms = "$(CURDIR)/forms";|' $< > $@.tmp && chmod 0644 $@.tmp && mv $@.tmp $@; fi

run: all var/zorgkiosk.conf
	./zorgkiosk

asan: build/zorgkiosk-asan

# Unit tests (cmocka) link the core only, built with ASan and UBSan.
build/test_%: tests/unit/test_%.c tests/unit/unit.h tests/unit/unit_db.h $(ASAN_CORE) build/asan/paths.o | build/.deps-check
	$(CC) $(ALL_CFLAGS) -O1 $(SANITIZE) -Isrc $< $(ASAN_CORE) build/asan/paths.o $(DEPS_LIBS) -lcmocka -o $@

# The renderer's test reads what it sends through libvterm.
build/test_render: tests/unit/test_render.c tests/unit/unit.h $(ASAN_CORE) build/asan/render.o build/asan/paths.o | build/.deps-check
	$(CC) $(ALL_CFLAGS) -O1 $(SANITIZE) -Isrc $< $(ASAN_CORE) build/asan/render.o build/asan/paths.o $(DEPS_LIBS) -lvterm -lcmocka -o $@

unit: $(patsubst %,build/%,$(UNIT_TESTS))
	@failed=0; for t in $(UNIT_TESTS); do \
	  $(SAN_ENV) ZK_FORMS=$(CURDIR)/forms ZK_TESTDATA=$(CURDIR)/tests/unit/data build/$$t || failed=1; done; \
	  exit $$failed

# End-to-end tests drive the real binary (the sanitizer build) in a
# pseudo-terminal and read the screen through pyte.
e2e: all build/zorgkiosk-asan build/zorgkiosk-release-test build/.deps-check
	$(SAN_ENV) ZK_BIN=$(CURDIR)/build/zorgkiosk-asan ZK_ROOT=$(CURDIR) $(PYTHON) -m pytest -q tests/e2e

check: build/.deps-check all
	for l in $(LINGUAS); do $(MSGFMT) -c --check-format -o /dev/null locale/$$l.po || exit 1; done
	./zorgkiosk check-forms >/dev/null
	$(MAKE) --no-print-directory unit
	$(MAKE) --no-print-directory fuzz-check
	$(MAKE) --no-print-directory e2e
	$(MAKE) --no-print-directory pkg-check

# Speed, bytes and memory; prints numbers and never fails on them.
bench: all build/zorgkiosk-release-test build/.deps-check
	@scripts/install-deps.sh bench
	$(PYTHON) bench/wire.py
	$(PYTHON) bench/staff.py
	$(PYTHON) bench/writers.py
	$(PYTHON) bench/capacity.py

build/fuzz/%.o: src/%.c $(HDR) | build/.deps-check
	@mkdir -p $(@D)
	$(FUZZ_CC) $(WARN) -D_GNU_SOURCE -DNCURSES_WIDECHAR=1 $(DEPS_CFLAGS) $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link -c $< -o $@
build/fuzz/paths.o: src/paths.c Makefile | build/.deps-check
	@mkdir -p $(@D)
	$(FUZZ_CC) $(WARN) -D_GNU_SOURCE $(FUZZ_FLAGS) $(DEV_PATHS) -c $< -o $@
build/fuzz/%: tests/fuzz/%.c $(FUZZ_OBJ)
	$(FUZZ_CC) -D_GNU_SOURCE -DNCURSES_WIDECHAR=1 $(DEPS_CFLAGS) $(FUZZ_FLAGS) -fsanitize=fuzzer -Isrc $< $(FUZZ_OBJ) $(DEPS_LIBS) -o $@

# Fuzz for FUZZ_SECONDS each, from the committed corpus; new inputs go to
# build/, crashes to tests/fuzz/regress/ (commit them: they become tests).
fuzz: $(patsubst %,build/fuzz/%,$(FUZZERS))
	@for f in $(FUZZERS); do c=$${f#fuzz_}; mkdir -p build/fuzz/corpus-$$c; \
	  $(SAN_ENV) build/fuzz/$$f -max_total_time=$(FUZZ_SECONDS) -artifact_prefix=tests/fuzz/regress/$$c- \
	    build/fuzz/corpus-$$c tests/fuzz/corpus/$$c || exit 1; done

# In make check: every saved crash and the corpus once, then a short run.
fuzz-check: $(patsubst %,build/fuzz/%,$(FUZZERS))
	@set -e; for f in $(FUZZERS); do c=$${f#fuzz_}; \
	  regress=$$(ls tests/fuzz/regress/$$c-* 2>/dev/null || true); \
	  $(SAN_ENV) build/fuzz/$$f -runs=0 tests/fuzz/corpus/$$c $$regress 2>build/fuzz/$$c.log || { cat build/fuzz/$$c.log; exit 1; }; \
	  mkdir -p build/fuzz/corpus-$$c; \
	  $(SAN_ENV) build/fuzz/$$f -max_total_time=10 -artifact_prefix=build/fuzz/$$c- build/fuzz/corpus-$$c tests/fuzz/corpus/$$c \
	    2>>build/fuzz/$$c.log || { tail -40 build/fuzz/$$c.log; exit 1; }; \
	  echo "fuzz $$c: corpus, saved crashes and 10 s of fuzzing: no crash"; done

install: build/zorgkiosk-install $(MO)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(FORMSDIR) $(DESTDIR)$(MANDIR)/man1
	install -m 0755 build/zorgkiosk-install $(DESTDIR)$(BINDIR)/zorgkiosk
	install -m 0644 forms/*.conf forms/README.md $(DESTDIR)$(FORMSDIR)/
	install -m 0644 docs/zorgkiosk.1 $(DESTDIR)$(MANDIR)/man1/zorgkiosk.1
	for l in $(LINGUAS); do \
	  install -d $(DESTDIR)$(DATADIR)/locale/$$l/LC_MESSAGES; \
	  install -m 0644 build/locale/$$l/LC_MESSAGES/zorgkiosk.mo $(DESTDIR)$(DATADIR)/locale/$$l/LC_MESSAGES/; \
	done

# The Debian package, built from a copy of the tree so that its objects
# (with Debian's build flags) never mix with these: build/zorgkiosk_*.deb.
deb: | build/.deps-build
	@scripts/install-deps.sh deb
	rm -rf build/deb && mkdir -p build/deb/zorgkiosk
	tar --exclude=./build --exclude=./var --exclude=./.git --exclude=./zorgkiosk --exclude=__pycache__ \
	  -cf - . | tar -xf - -C build/deb/zorgkiosk
	cd build/deb/zorgkiosk && dpkg-buildpackage -us -uc -b
	cp build/deb/zorgkiosk_*.deb build/
	@ls build/zorgkiosk_*.deb

# In make check: build, lint, install, upgrade, remove and purge the
# package on this machine. It changes the system, so only as root, and
# never where zorgkiosk is installed or has data.
pkg-check: build/.deps-check
	@if [ "$$(id -u)" -ne 0 ]; then echo "pkg-check: skipped (installing a package needs root)"; \
	elif ! command -v dpkg-buildpackage >/dev/null; then echo "pkg-check: skipped (no dpkg-buildpackage)"; \
	else ZK_ROOT=$(CURDIR) $(PYTHON) -m pytest -q tests/pkg; fi

clean:
	rm -rf build/obj build/asan build/rtest build/fuzz build/locale build/test_* build/zorgkiosk-* zorgkiosk
