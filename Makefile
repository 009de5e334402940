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

# Every library with a pkg-config file goes through pkg-config; libcsv and
# GNU libplot ship none on Debian 12, so they are named directly.
PKGS       := gsl json-c libpng libjpeg libxml-2.0
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

WERROR ?= -Werror
WARN := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
        -Wpointer-arith -Wwrite-strings -Wformat=2 -Wvla $(WERROR)
CPPFLAGS += -I. -D_POSIX_C_SOURCE=200809L $(PKG_CFLAGS)
CFLAGS   += -std=c11 $(WARN) $(OPT) $(SAN) -fopenmp -MMD -MP
LDFLAGS  += $(SAN) -fopenmp
LDLIBS   += $(PKG_LIBS) -lcsv -lplot -lm

MODULE_DIRS := sim workloads models reports
MAIN_SRC := reports/cli/rpt_main.c
LIB_SRC  := $(filter-out $(MAIN_SRC),$(sort $(shell find $(MODULE_DIRS) -name '*.c')))
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
MAIN_OBJ := $(MAIN_SRC:%.c=$(BUILD)/obj/%.o)
TEST_SRC := $(wildcard tests/test_*.c)
BENCH_SRC:= $(wildcard tests/bench_*.c)
TEST_BIN := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
BENCH_BIN:= $(BENCH_SRC:tests/%.c=$(BUILD)/tests/%)
BIN      := $(BUILD)/lambdasim
# Fuzz targets (tests/fuzz/fuzz_<target>.c, corpus in tests/fuzz/<target>/).
# Every build also links replay_<target>: the harness behind a plain main()
# that feeds it files, so the corpus replays in `make test` and `make asan`.
FUZZ_TARGETS ?= config usage asl csv az19 az21 spec profile catalog image
FUZZ_S   ?= 60
REPLAY_BIN := $(FUZZ_TARGETS:%=$(BUILD)/fuzz/replay_%)

# Keep test objects: they carry the -MMD dependency files.
.SECONDARY:

.PHONY: all deps test demo bench asan install clean check-tests check-layers golden fuzz fuzz-bins
all: $(BIN)

deps:
	@sh scripts/deps.sh

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(call say,CC,$<)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

# Link the objects themselves (no archive step is needed for one binary and
# a few test programs).
$(BIN): $(MAIN_OBJ) $(LIB_OBJ)
	$(call say,LD,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $(MAIN_OBJ) $(LIB_OBJ) $(LDLIBS)

$(BUILD)/tests/%: $(BUILD)/obj/tests/%.o $(LIB_OBJ)
	@mkdir -p $(dir $@)
	$(call say,LD,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $< $(LIB_OBJ) $(LDLIBS)

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

check-tests: $(BIN) $(TEST_BIN) $(REPLAY_BIN)

# Includes point one way: sim <- workloads <- models <- reports/{chart,page}
# <- reports/cli.  Fails naming the file and line of an upward include.
check-layers:
	@sh scripts/check-layers.sh

# The runner prints one line per suite and ends with "N passed, M failed".
test: deps
	@$(MAKE) check-tests
	@sh scripts/check-layers.sh
	@LAMBDASIM=$(BIN) BUILD=$(BUILD) sh tests/run_tests.sh

# Rewrite tests/golden/ (report keys, CSV headers, chart set) from the
# current output: only on purpose, after an intended format change.
golden: $(BUILD)/tests/test_report
	LAMBDASIM_UPDATE_GOLDEN=1 $(BUILD)/tests/test_report

demo: deps
	@$(MAKE) $(BIN)
	$(BIN) demo

bench:
	@sh scripts/deps.sh --bench
	@$(MAKE) $(BIN) $(BENCH_BIN)
	@LAMBDASIM=$(BIN) BUILD=$(BUILD) sh tests/run_bench.sh

# AddressSanitizer + UBSan over the whole suite, in its own build directory.
asan: deps
	@$(MAKE) BUILD=build/asan OPT="-O1 -g" \
	    SAN="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer" \
	    check-tests
	@ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp \
	    LAMBDASIM=build/asan/lambdasim BUILD=build/asan \
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

install: $(BIN)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/lambdasim
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/lambdasim
	cp -r data/. $(DESTDIR)$(PREFIX)/share/lambdasim/

clean:
	rm -rf build

-include $(LIB_OBJ:.o=.d) $(MAIN_OBJ:.o=.d) $(TEST_SRC:tests/%.c=$(BUILD)/obj/tests/%.d) $(BENCH_SRC:tests/%.c=$(BUILD)/obj/tests/%.d)
-include $(wildcard $(BUILD)/obj/tests/fuzz/*.d)
