# Hostile input: the unit tests under ASan and UBSan.
#
#   unit-asan-check  every unit test built with -fsanitize=address,undefined

# Sanitizers stop at the first report. CC_asan is clang by default; gcc works too.
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
SAN_ENV := ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
CC_asan ?= clang
CFLAGS_asan ?= -O1 -g $(SAN_FLAGS)

.PHONY: unit-asan-check

# Every unit test again, in a build of its own where the host compiler is CC_asan
# with the sanitizers: the rules of test.mk (and any per-test flags other fragments
# add for $(BUILD)/host/...) apply unchanged.
SAN_BUILD := $(BUILD)/san
unit-asan-check:
	@$(SAN_ENV) $(MAKE) --no-print-directory BUILD=$(SAN_BUILD) CC_host=$(CC_asan) \
		CFLAGS_host='$(CFLAGS_asan)' unit-check
