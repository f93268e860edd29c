# Host unit tests (cmocka) and khotool tests.
UNIT_DIR := test/py-free/unit
UNIT_SUPPORT := $(UNIT_DIR)/sim.c tools/mkpayload/container.c
UNIT_TESTS := $(patsubst $(UNIT_DIR)/%.c,$(BUILD)/host/test/%,$(sort $(wildcard $(UNIT_DIR)/test_*.c)))

$(BUILD)/host/test/%: $(BUILD)/host/obj/$(UNIT_DIR)/%.o \
		$(patsubst %.c,$(BUILD)/host/obj/%.o,$(UNIT_SUPPORT)) $(HOST_LIBS)
	@mkdir -p $(@D)
	$(CC_host) $(CFLAGS_host) -o $@ $^ -lcmocka

# test_kho_config: libkho as a board selects it (include/kho/config.h), a copy of
# its own with kho-v3/v4 consumed and produced, kho-v1 left out.
KHO_SEL_CFLAGS := -DCONFIG_KHO_SELECT=1 -DCONFIG_KHO_IN_RADIX=1 -DCONFIG_KHO_OUT_RADIX=1
$(BUILD)/host/kho-sel/%.o: %.c | $(DEPS_STAMP) $(LIBFDT_SRC)/fdt.c
	@mkdir -p $(@D)
	$(CC_host) $(COMMON_CFLAGS) $(WARN) $(CFLAGS_host) $(KHO_SEL_CFLAGS) -c $< -o $@
$(BUILD)/host/kho-sel/libkho.a: $(patsubst %.c,$(BUILD)/host/kho-sel/%.o,$(KHO_SRCS))
	@rm -f $@
	$(AR_host) rcs $@ $^
$(BUILD)/host/kho-sel/test_kho_config.o: $(UNIT_DIR)/test_kho_config.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC_host) $(COMMON_CFLAGS) $(WARN) $(CFLAGS_host) $(KHO_SEL_CFLAGS) -c $< -o $@
$(BUILD)/host/test/test_kho_config: $(BUILD)/host/kho-sel/test_kho_config.o \
		$(patsubst %.c,$(BUILD)/host/obj/%.o,$(UNIT_SUPPORT)) $(BUILD)/host/libboot.a \
		$(BUILD)/host/kho-sel/libkho.a $(BUILD)/host/libfdt.a
	@mkdir -p $(@D)
	$(CC_host) $(CFLAGS_host) -o $@ $^ -lcmocka

.PHONY: unit-check tool-check
# UNIT_RUN: what runs a test program (empty: itself; unit32.mk: an emulator).
UNIT_RUN ?=
unit-check: $(UNIT_TESTS)
	@fail=0; for t in $(UNIT_TESTS); do \
		echo "== $$t"; $(UNIT_RUN) $$t || fail=1; \
	done; exit $$fail

tool-check: $(BUILD)/host/khotool
	@fail=0; for t in $(sort $(wildcard test/py-free/tool/*.sh)); do \
		echo "== $$t"; BUILD=$(BUILD) sh $$t || fail=1; \
	done; exit $$fail

# Formatting: clang-format over our own C (libfdt is not ours and not here).
FORMAT_SRCS = $(shell git ls-files '*.c' '*.h')
.PHONY: format-check
format-check:
	@clang-format --dry-run --Werror $(FORMAT_SRCS) && echo "format: ok"

# Keep test objects: they are intermediates of the pattern rules above.
.SECONDARY:
include mk/dma.mk
