# libkho for the host (tests, khotool) and for the targets (AArch64, Thumb-2).
KHO_SRCS := $(sort $(wildcard lib/kho/*.c))
BOOT_SRCS := $(sort $(wildcard lib/boot/*.c))
LIBC_SRCS := lib/libc/string.c

WARN := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes
COMMON_CFLAGS := -std=gnu11 -Iinclude -I$(LIBFDT_SRC) -MMD -MP
FREESTANDING := -ffreestanding -fno-stack-protector -ffunction-sections -fdata-sections \
	-Ilib/libc/include -include lib/fdt/libfdt_env.h

CC_host ?= gcc
CFLAGS_host ?= -O2 -g
CC_aarch64 ?= aarch64-linux-gnu-gcc
# No frame chain, as on Thumb-2: nothing walks one (no unwinder; an exception
# prints the registers), and the prologues cost 2.5% of libkho.
CFLAGS_aarch64 ?= -Os -mgeneral-regs-only -mstrict-align -fno-asynchronous-unwind-tables \
	-fno-unwind-tables -fomit-frame-pointer $(FREESTANDING)
CC_arm ?= arm-none-eabi-gcc
CFLAGS_arm ?= -Os -mthumb -march=armv7-a -mfloat-abi=soft $(FREESTANDING)
AR_host ?= ar
AR_aarch64 ?= aarch64-linux-gnu-ar
AR_arm ?= arm-none-eabi-ar
SIZE_aarch64 ?= aarch64-linux-gnu-size
SIZE_arm ?= arm-none-eabi-size

# $(1): target name. Objects of our code and of libfdt, and the archives.
define target_rules
$(BUILD)/$(1)/obj/%.o: %.c | $(DEPS_STAMP) $(LIBFDT_SRC)/fdt.c
	@mkdir -p $$(@D)
	$$(CC_$(1)) $$(COMMON_CFLAGS) $$(WARN) $$(CFLAGS_$(1)) $$(EXTRA_CFLAGS_$(1)) -c $$< -o $$@

$(BUILD)/$(1)/libfdt/%.o: $(LIBFDT_SRC)/%.c | $(DEPS_STAMP)
	@mkdir -p $$(@D)
	$$(CC_$(1)) $$(COMMON_CFLAGS) $$(CFLAGS_$(1)) $$(EXTRA_CFLAGS_$(1)) -c $$< -o $$@

$(BUILD)/$(1)/libkho.a: $(patsubst %.c,$(BUILD)/$(1)/obj/%.o,$(KHO_SRCS))
	@rm -f $$@
	$$(AR_$(1)) rcs $$@ $$^

$(BUILD)/$(1)/libboot.a: $$(patsubst %.c,$(BUILD)/$(1)/obj/%.o,$(BOOT_SRCS))
	@rm -f $$@
	$$(AR_$(1)) rcs $$@ $$^

$(BUILD)/$(1)/libfdt.a: $(addprefix $(BUILD)/$(1)/libfdt/,$(addsuffix .o,$(LIBFDT_NAMES)))
	@rm -f $$@
	$$(AR_$(1)) rcs $$@ $$^

$(BUILD)/$(1)/libc.a: $(patsubst %.c,$(BUILD)/$(1)/obj/%.o,$(LIBC_SRCS))
	@rm -f $$@
	$$(AR_$(1)) rcs $$@ $$^
endef

$(eval $(call target_rules,host))
$(eval $(call target_rules,aarch64))
$(eval $(call target_rules,arm))

HOST_LIBS := $(BUILD)/host/libboot.a $(BUILD)/host/libkho.a $(BUILD)/host/libfdt.a
.PHONY: host lib-aarch64 lib-arm
host: $(HOST_LIBS) $(BUILD)/host/khotool $(BUILD)/host/mkpayload
lib-aarch64: $(BUILD)/aarch64/libkho.a $(BUILD)/aarch64/libboot.a $(BUILD)/aarch64/libfdt.a $(BUILD)/aarch64/libc.a
lib-arm: $(BUILD)/arm/libkho.a $(BUILD)/arm/libboot.a $(BUILD)/arm/libfdt.a $(BUILD)/arm/libc.a

# khotool: the host tool for people validating a handover.
KHOTOOL_SRCS := $(sort $(wildcard tools/khotool/*.c))
$(BUILD)/host/khotool: $(patsubst %.c,$(BUILD)/host/obj/%.o,$(KHOTOOL_SRCS)) $(HOST_LIBS)
	$(CC_host) $(CFLAGS_host) -o $@ $^

# Footprint of libkho (without libfdt) and of libfdt, per target.
size: lib-aarch64 lib-arm
	@$(MAKE) -s --no-print-directory size-aarch64 size-arm size-stage-arm \
		size-stage-arm64 size-linked
size-aarch64:
	@$(SIZE_aarch64) -t $(BUILD)/aarch64/libkho.a | tail -n 1 | \
		awk '{printf "libkho  aarch64  text %6d  data %5d  bss %5d  total %6d  (archive, whole)\n",$$1,$$2,$$3,$$4}'
	@$(SIZE_aarch64) -t $(BUILD)/aarch64/libfdt.a | tail -n 1 | \
		awk '{printf "libfdt  aarch64  text %6d  data %5d  bss %5d  total %6d\n",$$1,$$2,$$3,$$4}'
size-arm:
	@$(SIZE_arm) -t $(BUILD)/arm/libkho.a | tail -n 1 | \
		awk '{printf "libkho  thumb2   text %6d  data %5d  bss %5d  total %6d  (archive, whole)\n",$$1,$$2,$$3,$$4}'
	@$(SIZE_arm) -t $(BUILD)/arm/libfdt.a | tail -n 1 | \
		awk '{printf "libfdt  thumb2   text %6d  data %5d  bss %5d  total %6d\n",$$1,$$2,$$3,$$4}'
.PHONY: size-aarch64 size-arm

-include $(shell find $(BUILD) -type f -name '*.d' 2>/dev/null)

# mkpayload: builds the payload container the stage boots.
$(BUILD)/host/mkpayload: $(BUILD)/host/obj/tools/mkpayload/mkpayload.o \
		$(BUILD)/host/obj/tools/mkpayload/container.o $(HOST_LIBS)
	$(CC_host) $(CFLAGS_host) -o $@ $^

# The AArch64 stage (STAGE_CONFIG's default), and what libkho and libfdt weigh
# once linked into each stage (--gc-sections keeps only what is used), from the
# stages' map files (scripts/size-linked.sh).
ST_ARM64_DIR := $(BUILD)/qemu_virt_arm64
size-stage-arm64: $(ST_ARM64_DIR)/khofw.bin
	@$(SIZE_aarch64) $(ST_ARM64_DIR)/khofw.elf | tail -n 1 | \
		awk -v f=$$(wc -c < $<) \
		'{printf "khofw   aarch64  text %6d  data %5d  bss %7d  file %6d  (stage, with libkho, libfdt, lib/boot)\n",$$1,$$2,$$3,f}'
size-linked: size-stage-arm64 size-stage-arm
	@$(MAKE) -s --no-print-directory stage-size-maps
	@$(MAKE) -s --no-print-directory STAGE_CONFIG=qemu_virt_arm stage-size-maps
	@sh scripts/size-linked.sh $(BUILD)
.PHONY: size-stage-arm64 size-linked
