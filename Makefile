# lambdasim - plain GNU make.
#
# Every .c under sim/ models/ workloads/ reports/ goes into build/liblambdasim.a
# (so a new module needs no Makefile edit); sim/sim_main.c is the CLI entry.
# tests/test_*.c become test programs, tests/bench_*.c benchmark programs.
# Variants build into their own directory: `make asan` uses build/asan/.

BUILD    ?= build
PREFIX   ?= /usr/local
CC       ?= cc
OPT      ?= -O2 -g
SAN      ?=

PKGS     := gsl json-c libpng
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

WARN := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
        -Wpointer-arith -Wwrite-strings -Wformat=2 -Wvla -Werror
CPPFLAGS += -I. -D_POSIX_C_SOURCE=200809L $(PKG_CFLAGS) -I/usr/include/libxml2
CFLAGS   += -std=c11 $(WARN) $(OPT) $(SAN) -fopenmp -MMD -MP
LDFLAGS  += $(SAN) -fopenmp
LDLIBS   += $(PKG_LIBS) -lcsv -lplot -ljpeg -lxml2 -lm

MODULE_DIRS := sim models workloads reports
LIB_SRC  := $(filter-out sim/sim_main.c,$(foreach d,$(MODULE_DIRS),$(wildcard $(d)/*.c)))
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
MAIN_OBJ := $(BUILD)/obj/sim/sim_main.o
TEST_SRC := $(wildcard tests/test_*.c)
BENCH_SRC:= $(wildcard tests/bench_*.c)
TEST_BIN := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
BENCH_BIN:= $(BENCH_SRC:tests/%.c=$(BUILD)/tests/%)
BIN      := $(BUILD)/lambdasim

# Keep test objects: they carry the -MMD dependency files.
.SECONDARY:

.PHONY: all deps test demo bench asan install clean check-tests golden
all: $(BIN)

deps:
	@sh scripts/deps.sh

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

# Link the objects themselves (no archive step is needed for one binary and
# a few test programs).
$(BIN): $(MAIN_OBJ) $(LIB_OBJ)
	$(CC) $(LDFLAGS) -o $@ $(MAIN_OBJ) $(LIB_OBJ) $(LDLIBS)

$(BUILD)/tests/%: $(BUILD)/obj/tests/%.o $(LIB_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $< $(LIB_OBJ) $(LDLIBS)

check-tests: $(BIN) $(TEST_BIN)

# The runner prints one line per suite and ends with "N passed, M failed".
test: deps
	@$(MAKE) --no-print-directory check-tests
	@LAMBDASIM=$(BIN) BUILD=$(BUILD) sh tests/run_tests.sh

# Rewrite tests/golden/ (report keys, CSV headers, chart set) from the
# current output: only on purpose, after an intended format change.
golden: $(BUILD)/tests/test_report
	LAMBDASIM_UPDATE_GOLDEN=1 $(BUILD)/tests/test_report

demo: deps
	@$(MAKE) --no-print-directory $(BIN)
	$(BIN) demo

bench:
	@sh scripts/deps.sh --bench
	@$(MAKE) --no-print-directory $(BIN) $(BENCH_BIN)
	@LAMBDASIM=$(BIN) BUILD=$(BUILD) sh tests/run_bench.sh

# AddressSanitizer + UBSan over the whole suite, in its own build directory.
asan: deps
	@$(MAKE) --no-print-directory BUILD=build/asan OPT="-O1 -g" \
	    SAN="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer" \
	    check-tests
	@ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp \
	    LAMBDASIM=build/asan/lambdasim BUILD=build/asan \
	    LAMBDASIM_SANITIZED=1 sh tests/run_tests.sh

install: $(BIN)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/lambdasim
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/lambdasim
	cp -r data/. $(DESTDIR)$(PREFIX)/share/lambdasim/

clean:
	rm -rf build

-include $(LIB_OBJ:.o=.d) $(MAIN_OBJ:.o=.d) $(TEST_SRC:tests/%.c=$(BUILD)/obj/tests/%.d) $(BENCH_SRC:tests/%.c=$(BUILD)/obj/tests/%.d)
