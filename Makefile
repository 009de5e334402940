# lambdasim - plain GNU make.
#
# Every .c under sim/ workloads/ models/ reports/ (subfolders included) is
# compiled into build/obj and linked into build/lambdasim, so a new module
# needs no Makefile edit; reports/cli/rpt_main.c is the entry point.
# tests/test_*.c become test programs, tests/bench_*.c benchmark programs.
# Variants build into their own directory: `make asan` uses build/asan/.
# The build runs on every core unless you pass -j yourself; it prints one
# short line per step (V=1 prints the commands).

BUILD    ?= build
PREFIX   ?= /usr/local
CC       ?= cc
OPT      ?= -O2 -g
SAN      ?=

# Parallel by default: as many jobs as cores, unless the caller chose -j.
ifeq ($(filter -j%,$(MAKEFLAGS)),)
MAKEFLAGS += -j$(shell nproc 2>/dev/null || echo 2)
endif
MAKEFLAGS += --no-print-directory

ifeq ($(V),1)
Q :=
say = @true
else
Q := @
say = @printf '  %-6s %s\n' $(1) $(2)
endif

# Every library with a pkg-config file gives its compile flags through
# pkg-config; libcsv and GNU libplot ship none on Debian 12.
PKGS       := gsl json-c libpng libjpeg libdeflate libxml-2.0
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)

# Start-up (issue 19, README "Benchmarks"): every shared library costs the
# dynamic loader mapping and symbol binding at each start, so the libraries
# whose -dev package ships a static archive (all of these on Debian 12) are
# linked from it; a library without one falls back to -lNAME.  GNU libplot
# (which brings eleven X11 libraries) and libxml2 (ICU, libstdc++) are not
# linked at all: reports/chart/rpt_plot.c and workloads/image/wl_cascade.c
# dlopen them when a chart is drawn or a cascade read.  Test programs that
# read SVG or XML themselves link libxml2 (TEST_LIBS).
STATIC_LIBS := gsl gslcblas json-c csv png16 jpeg deflate z
lib_a       = $(or $(filter /%,$(shell $(CC) -print-file-name=lib$(1).a)),-l$(1))
LINK_LIBS  := $(foreach l,$(STATIC_LIBS),$(call lib_a,$(l)))
TEST_LIBS  := $(shell pkg-config --libs libxml-2.0 2>/dev/null)

# MPI (README "Running on a cluster"): when mpicc is on the PATH the sweep's
# MPI variant is built (make MPI=1 insists, MPI=0 builds without).  Only
# reports/cli/rpt_sweep_mpi.c sees MPI's headers and LAMBDASIM_MPI; without
# MPI it compiles a one-process stand-in and the program is unchanged.
MPICC ?= mpicc
MPI   ?= $(if $(shell command -v $(MPICC) 2>/dev/null),1,0)
ifeq ($(MPI),1)
MPI_PKG    := $(if $(shell pkg-config --exists ompi-c 2>/dev/null && echo y),ompi-c,mpich)
MPI_CFLAGS := -DLAMBDASIM_MPI $(shell pkg-config --cflags $(MPI_PKG) 2>/dev/null)
MPI_LIBS   := $(shell pkg-config --libs $(MPI_PKG) 2>/dev/null)
ifeq ($(MPI_LIBS),)
$(error MPI=1 but pkg-config knows no ompi-c or mpich: install Open MPI (sh scripts/deps.sh) or build with MPI=0)
endif
endif
MPI_OBJ := $(BUILD)/obj/reports/cli/rpt_sweep_mpi.o
# The MPI object is rebuilt when the MPI choice changes (the flags are kept
# in a file that is rewritten only when they differ).
MPI_FLAGS_FILE := $(BUILD)/mpi.flags
$(shell mkdir -p $(BUILD) && echo 'MPI=$(MPI) $(MPI_CFLAGS)' | cmp -s - $(MPI_FLAGS_FILE) 2>/dev/null \
        || echo 'MPI=$(MPI) $(MPI_CFLAGS)' > $(MPI_FLAGS_FILE))

WERROR ?= -Werror
WARN := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
        -Wpointer-arith -Wwrite-strings -Wformat=2 -Wvla $(WERROR)
# HAVE_INLINE: GSL's gsl_rng_uniform and friends compile inline (gsl_rng.h)
# instead of a call into libgsl per draw, the same draws (bench_lambda: 1-3 %
# less CPU in alternating runs, about the machine's noise).
CPPFLAGS += -I. -D_POSIX_C_SOURCE=200809L -DHAVE_INLINE $(PKG_CFLAGS)
# -fno-math-errno: sqrt() compiles to the instruction alone (no branch to a
# libm call that would only set errno for a negative argument); no code
# here reads errno after a math function, and results are the same.
CFLAGS   += -std=c11 -fno-math-errno $(WARN) $(OPT) $(SAN) -fopenmp -MMD -MP
LDFLAGS  += $(SAN) -fopenmp -Wl,-O1 -Wl,--as-needed
LDLIBS   += $(LINK_LIBS) $(MPI_LIBS) -ldl -lm

MODULE_DIRS := sim workloads models reports
MAIN_SRC := reports/cli/rpt_main.c
LIB_SRC  := $(filter-out $(MAIN_SRC),$(sort $(shell find $(MODULE_DIRS) -name '*.c')))
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
MAIN_OBJ := $(MAIN_SRC:%.c=$(BUILD)/obj/%.o)
TEST_SRC := $(wildcard tests/test_*.c)
BENCH_SRC:= $(wildcard tests/bench_*.c)
TEST_BIN := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
BENCH_BIN:= $(BENCH_SRC:tests/%.c=$(BUILD)/tests/%)
# Tools beside the tests (data/aws_lambda_2020/README.md): built by `make test`.
TOOL_BIN := $(BUILD)/tests/aws2020_analyze $(BUILD)/tests/aws2020_derive
BIN      := $(BUILD)/lambdasim
# Fuzz targets (tests/fuzz/fuzz_<target>.c, corpus in tests/fuzz/<target>/).
# Every build also links replay_<target>: the harness behind a plain main()
# that feeds it files, so the corpus replays in `make test` and `make asan`.
# The fuzz targets: one per harness tests/fuzz/fuzz_<target>.c (the one list:
# scripts/fuzz.sh and tests/test_fuzz_replay.sh read the same files).
FUZZ_TARGETS ?= $(sort $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c)))
FUZZ_S   ?= 60
REPLAY_BIN := $(FUZZ_TARGETS:%=$(BUILD)/fuzz/replay_%)

# Keep test objects: they carry the -MMD dependency files.
.SECONDARY:

.PHONY: all deps test demo bench asan install clean check-tests check-layers golden fuzz fuzz-bins
all: $(BIN)

deps:
	@sh scripts/deps.sh

# Every object is rebuilt when the compile flags change (an edit here, OPT=,
# SAN=): they are kept in a file rewritten only when they differ.
CC_FLAGS_FILE := $(BUILD)/cc.flags
$(shell mkdir -p $(BUILD) && echo '$(CC) $(CPPFLAGS) $(CFLAGS)' | cmp -s - $(CC_FLAGS_FILE) 2>/dev/null \
        || echo '$(CC) $(CPPFLAGS) $(CFLAGS)' > $(CC_FLAGS_FILE))

$(BUILD)/obj/%.o: %.c $(CC_FLAGS_FILE)
	@mkdir -p $(dir $@)
	$(call say,CC,$<)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

$(MPI_OBJ): CPPFLAGS += $(MPI_CFLAGS)
$(MPI_OBJ): $(MPI_FLAGS_FILE)

# Link the objects themselves (no archive step is needed for one binary and
# a few test programs).
$(BIN): $(MAIN_OBJ) $(LIB_OBJ)
	$(call say,LD,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $(MAIN_OBJ) $(LIB_OBJ) $(LDLIBS)

$(BUILD)/tests/%: $(BUILD)/obj/tests/%.o $(LIB_OBJ)
	@mkdir -p $(dir $@)
	$(call say,LD,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $< $(LIB_OBJ) $(LDLIBS) $(TEST_LIBS)

$(BUILD)/fuzz/replay_%: $(BUILD)/obj/tests/fuzz/fuzz_%.o $(BUILD)/obj/tests/fuzz/replay.o $(LIB_OBJ)
	@mkdir -p $(dir $@)
	$(call say,LD,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $< $(BUILD)/obj/tests/fuzz/replay.o $(LIB_OBJ) $(LDLIBS)

# The fuzzers themselves: clang's libFuzzer, in their own build directory.
$(BUILD)/fuzz/fuzz_%: $(BUILD)/obj/tests/fuzz/fuzz_%.o $(LIB_OBJ)
	@mkdir -p $(dir $@)
	$(call say,LD,$@)
	$(Q)$(CC) $(LDFLAGS) $(FUZZ_LINK) -o $@ $< $(LIB_OBJ) $(LDLIBS)

fuzz-bins: $(FUZZ_TARGETS:%=$(BUILD)/fuzz/fuzz_%)

check-tests: $(BIN) $(TEST_BIN) $(REPLAY_BIN) $(TOOL_BIN)

# Includes point one way: sim <- workloads <- models <- reports/{chart,page}
# <- reports/cli.  Fails naming the file and line of an upward include.
check-layers:
	@sh scripts/check-layers.sh

# The runner prints one line per suite and ends with "N passed, M failed,
# K skipped"; CHECK_INSTALL=1 makes tests/check_install.sh (make
# check-install) one of its suites.
test: deps
	@$(MAKE) check-tests
	@sh scripts/check-layers.sh
	@LAMBDASIM=$(BIN) BUILD=$(BUILD) CHECK_INSTALL=1 LAMBDASIM_MPI=$(MPI) sh tests/run_tests.sh

# Rewrite tests/golden/ (report keys, CSV headers, chart set) from the
# current output: only on purpose, after an intended format change.
golden: $(BUILD)/tests/test_report
	LAMBDASIM_UPDATE_GOLDEN=1 $(BUILD)/tests/test_report

demo: deps
	@$(MAKE) $(BIN)
	$(BIN) demo

bench:
	@sh scripts/deps.sh --bench
	@$(MAKE) $(BIN) $(BENCH_BIN) $(TOOL_BIN)
	@LAMBDASIM=$(BIN) BUILD=$(BUILD) sh tests/run_bench.sh

# AddressSanitizer + UBSan over the whole suite, in its own build directory.
asan: deps
	@$(MAKE) BUILD=build/asan OPT="-O1 -g" \
	    SAN="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer" \
	    check-tests
	@ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp \
	    LAMBDASIM=build/asan/lambdasim BUILD=build/asan LAMBDASIM_MPI=$(MPI) \
	    LAMBDASIM_SANITIZED=1 sh tests/run_tests.sh

# Fuzz every target for FUZZ_S seconds (default 60) with libFuzzer (clang,
# ASan + UBSan), or afl++ where clang has no libFuzzer (FUZZ_ENGINE=afl forces
# it); new corpus entries and findings go under build/fuzz/ (build/fuzz-afl/).
# FUZZ_TARGETS="csv asl" picks targets.  scripts/fuzz.sh builds the
# harnesses (fuzz-bins, in their own build directory) and prints executions,
# coverage and findings per target.
fuzz:
	@sh scripts/deps.sh --fuzz
	@FUZZ_S=$(FUZZ_S) FUZZ_TARGETS="$(FUZZ_TARGETS)" MAKE="$(MAKE)" sh scripts/fuzz.sh

# ---- install (issue 14) ----------------------------------------------------
# `make install [PREFIX=/usr/local] [DESTDIR=stage]` installs the binary, the
# data folder (DATADIR, compiled into DATADIR_OBJ), the man page lambdasim(1)
# (generated from every command's --help into doc/lambdasim.1.in), the bash
# completion and the README; `make uninstall` removes what install copied.
# `make check-install` installs into a temporary prefix and runs the tool
# from / (tests/check_install.sh; `make test` runs it too).
BINDIR      ?= $(PREFIX)/bin
DATADIR     ?= $(PREFIX)/share/lambdasim
MANDIR      ?= $(PREFIX)/share/man
DOCDIR      ?= $(PREFIX)/share/doc/lambdasim
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
MAN         := $(BUILD)/lambdasim.1
# The man page is built with the binary, so the suite checks it too.
all check-tests: $(MAN)
# The one object that embeds DATADIR: the data-directory resolver's third
# choice (reports/cli/rpt_cli_data.h).  Its stamp changes only when DATADIR
# does, so `make install PREFIX=...` after a plain `make` recompiles that
# object alone, and an unchanged prefix recompiles nothing.
DATADIR_OBJ := $(BUILD)/obj/reports/cli/rpt_cli_data.o
$(DATADIR_OBJ): CPPFLAGS += -DLAMBDASIM_DATADIR='"$(DATADIR)"'
$(DATADIR_OBJ): $(BUILD)/datadir.stamp
$(BUILD)/datadir.stamp: FORCE
	@mkdir -p $(BUILD)
	@echo '$(DATADIR)' | cmp -s - $@ || echo '$(DATADIR)' > $@

$(MAN): $(BIN) doc/lambdasim.1.in scripts/gen-man.sh
	$(call say,MAN,$@)
	$(Q)sh scripts/gen-man.sh $(BIN) doc/lambdasim.1.in $(DATADIR) $(DOCDIR) > $@.tmp && mv $@.tmp $@

.PHONY: uninstall check-install FORCE
FORCE:

install: $(BIN) $(MAN)
	$(call say,INSTALL,$(DESTDIR)$(PREFIX))
	$(Q)install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR) $(DESTDIR)$(MANDIR)/man1 \
	    $(DESTDIR)$(DOCDIR) $(DESTDIR)$(BASHCOMPDIR)
	$(Q)install -m 755 $(BIN) $(DESTDIR)$(BINDIR)/lambdasim
	$(Q)cp -R data/. $(DESTDIR)$(DATADIR)/
	$(Q)install -m 644 $(MAN) $(DESTDIR)$(MANDIR)/man1/lambdasim.1
	$(Q)install -m 644 README.md $(DESTDIR)$(DOCDIR)/README.md
	$(Q)install -m 644 doc/lambdasim.bash $(DESTDIR)$(BASHCOMPDIR)/lambdasim

# Only the files install copied, then the folders that left empty: a DATADIR
# or DOCDIR shared with other software keeps everything else.
uninstall:
	$(call say,RM,$(DESTDIR)$(PREFIX))
	$(Q)rm -f $(DESTDIR)$(BINDIR)/lambdasim $(DESTDIR)$(MANDIR)/man1/lambdasim.1 \
	    $(DESTDIR)$(BASHCOMPDIR)/lambdasim $(DESTDIR)$(DOCDIR)/README.md
	$(Q)cd data && find . -type f | while read -r f; do rm -f "$(DESTDIR)$(DATADIR)/$$f"; done
	$(Q)for d in $(DESTDIR)$(DATADIR) $(DESTDIR)$(DOCDIR); do \
	    [ ! -d "$$d" ] || find "$$d" -depth -type d -empty -delete; done

check-install:
	@BUILD=$(BUILD) sh tests/check_install.sh
# ---- end of install ---------------------------------------------------------

clean:
	rm -rf build

-include $(LIB_OBJ:.o=.d) $(MAIN_OBJ:.o=.d) $(TEST_SRC:tests/%.c=$(BUILD)/obj/tests/%.d) $(BENCH_SRC:tests/%.c=$(BUILD)/obj/tests/%.d)
-include $(wildcard $(BUILD)/obj/tests/fuzz/*.d)
-include $(TOOL_BIN:$(BUILD)/tests/%=$(BUILD)/obj/tests/%.d)
