# Hostile input: the catalogue of malformed handovers, and the unit tests under
# ASan and UBSan.
#
#   hostile-check    the catalogue ($(HOSTILE_DIR)), one case per class
#   unit-asan-check  every unit test and the catalogue built with
#                    -fsanitize=address,undefined

HOSTILE_DIR := test/py-free/hostile

# Sanitizers stop at the first report. CC_asan is clang by default; gcc works too.
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
SAN_ENV := ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
CC_asan ?= clang
CFLAGS_asan ?= -O1 -g $(SAN_FLAGS)

.PHONY: hostile-check unit-asan-check

# The catalogue links the unit tests' simulated RAM (sim.c).
HOSTILE_SRCS := $(sort $(wildcard $(HOSTILE_DIR)/test_*.c))
HOSTILE_HOST := $(patsubst $(HOSTILE_DIR)/%.c,$(BUILD)/host/hostile/%,$(HOSTILE_SRCS))

$(BUILD)/host/hostile/%: $(BUILD)/host/obj/$(HOSTILE_DIR)/%.o \
		$(BUILD)/host/obj/$(UNIT_DIR)/sim.o $(HOST_LIBS)
	@mkdir -p $(@D)
	$(CC_host) $(CFLAGS_host) -o $@ $^ -lcmocka

hostile-check: $(HOSTILE_HOST)
	@fail=0; for t in $^; do \
		echo "== $$t"; $(SAN_ENV) $$t || fail=1; \
	done; exit $$fail

# Every unit test and the catalogue again, in a build of their own where the host
# compiler is CC_asan with the sanitizers: the rules of test.mk (and any per-test
# flags other fragments add for $(BUILD)/host/...) apply unchanged.
SAN_BUILD := $(BUILD)/san
unit-asan-check:
	@$(SAN_ENV) $(MAKE) --no-print-directory BUILD=$(SAN_BUILD) CC_host=$(CC_asan) \
		CFLAGS_host='$(CFLAGS_asan)' unit-check hostile-check
