# The khofw boot stage: one bare-metal image per configs/<name>_defconfig, built
# into $(BUILD)/<name>/ (khofw.elf, khofw.bin, khofw.map, config.h).
#
#   stage               build the stage of STAGE_CONFIG (default qemu_virt_arm64)
#   stage-smoke-check   boot it in QEMU: EL1, EL2, relocated, fault dump, Linux
#
# The defconfig picks arch/$(CONFIG_ARCH)/ and board/$(CONFIG_BOARD)/; libkho,
# libboot, libfdt and libc come from core.mk's target build of that arch.

STAGE_CONFIG ?= qemu_virt_arm64
ST_DEFCONFIG := configs/$(STAGE_CONFIG)_defconfig
ST_DIR := $(BUILD)/$(STAGE_CONFIG)

# A string option of the defconfig, without its quotes.
st_opt = $(patsubst "%",%,$(shell sed -n 's/^$(1)=//p' $(ST_DEFCONFIG)))
ST_ARCH := $(call st_opt,CONFIG_ARCH)
ST_BOARD := $(call st_opt,CONFIG_BOARD)

# Per arch: core.mk's target name, toolchain and flags.
ST_TARGET_arm64 := aarch64
ST_CROSS_arm64 := aarch64-linux-gnu-
ST_CFLAGS_arm64 := -fpie -fvisibility=hidden
ST_LDFLAGS_arm64 := -pie --no-dynamic-linker -z text -z norelro -z max-page-size=4096 \
	--no-warn-rwx-segments
ST_TARGET_arm := arm
ST_CROSS_arm := arm-none-eabi-
ST_CFLAGS_arm := -fpie -fvisibility=hidden
ST_ASFLAGS_arm := -march=armv7-a -marm
ST_LDFLAGS_arm := -pie --no-dynamic-linker -z notext -z max-page-size=4096 --no-warn-rwx-segments
# The AArch32 stage's own tests (stage-arm-check), kept out of the AArch64 lists.
ST_ARM_TESTS := $(sort $(wildcard test/py-free/stage/*-arm.sh test/py-free/stage/*-arm-*.sh))

ST_TARGET := $(ST_TARGET_$(ST_ARCH))
ST_CC := $(CC_$(ST_TARGET))
ST_LD := $(ST_CROSS_$(ST_ARCH))ld
ST_OBJCOPY := $(ST_CROSS_$(ST_ARCH))objcopy
# libkho is built per stage, with its config.h: the defconfig may select parts
# of it (include/kho/config.h). The other libraries come from core.mk.
ST_LIBS := $(BUILD)/$(ST_TARGET)/libboot.a $(ST_DIR)/libkho.a \
	$(addprefix $(BUILD)/$(ST_TARGET)/,libfdt.a libc.a)

ST_SRCS := $(sort $(wildcard arch/$(ST_ARCH)/*.c arch/$(ST_ARCH)/*.S)) \
	$(sort $(wildcard board/common/*.[cS] board/$(ST_BOARD)/*.[cS] stage/*.[cS])) \
	lib/libc/printf.c
ST_SRCS := $(filter-out %.lds.S,$(ST_SRCS))
ST_OBJS := $(patsubst %,$(ST_DIR)/obj/%.o,$(basename $(ST_SRCS)))

ST_CPPFLAGS := -include $(ST_DIR)/config.h -I$(ST_DIR)
ST_ALL_CFLAGS = $(COMMON_CFLAGS) $(WARN) $(CFLAGS_$(ST_TARGET)) $(ST_CFLAGS_$(ST_ARCH)) \
	$(ST_CPPFLAGS)

.PHONY: stage stage-smoke-check FORCE
stage: $(ST_DIR)/khofw.bin

# config.h: CONFIG_X=y -> 1, other values as they are, =n and "is not set" absent.
$(ST_DIR)/config.h: $(ST_DEFCONFIG) mk/stage.mk
	@mkdir -p $(@D)
	@{ echo "/* Generated from $< by mk/stage.mk. */"; \
	  echo "#ifndef KHOFW_CONFIG_H"; echo "#define KHOFW_CONFIG_H"; \
	  sed -n -e '/^CONFIG_[A-Za-z0-9_]*=n$$/d' \
		-e 's/^\(CONFIG_[A-Za-z0-9_]*\)=y$$/#define \1 1/p' \
		-e 's/^\(CONFIG_[A-Za-z0-9_]*\)=\(.*\)$$/#define \1 \2/p' $<; \
	  echo "/* IS_ENABLED(CONFIG_X): 1 if CONFIG_X is defined as 1, else 0 (Linux's trick). */"; \
	  echo "#define __KHOFW_ARG_PLACEHOLDER_1 0,"; \
	  echo "#define __khofw_second(ignored, val, ...) val"; \
	  echo "#define __khofw_is_one(x) ___khofw_is_one(__KHOFW_ARG_PLACEHOLDER_##x)"; \
	  echo "#define ___khofw_is_one(arg) __khofw_second(arg 1, 0, 0)"; \
	  echo "#define IS_ENABLED(option) __khofw_is_one(option)"; \
	  echo "#endif"; } > $@.tmp && mv $@.tmp $@

# version.h (KHOFW_VERSION): rewritten only when git describe changes; any stage
# source may include it (order-only here, real dependencies come from -MMD).
$(ST_DIR)/version.h: FORCE
	@mkdir -p $(@D)
	@v=$$(git describe --always --dirty 2>/dev/null || echo unknown); \
	echo "#define KHOFW_VERSION \"$$v\"" > $@.tmp; \
	cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@
FORCE:

$(ST_DIR)/obj/%.o: %.c $(ST_DIR)/config.h | $(DEPS_STAMP) $(LIBFDT_SRC)/fdt.c \
		$(ST_DIR)/version.h
	@mkdir -p $(@D)
	$(ST_CC) $(ST_ALL_CFLAGS) -c $< -o $@

ST_KHO_OBJS := $(patsubst %.c,$(ST_DIR)/kho/%.o,$(KHO_SRCS))
$(ST_DIR)/kho/%.o: %.c $(ST_DIR)/config.h | $(DEPS_STAMP) $(LIBFDT_SRC)/fdt.c
	@mkdir -p $(@D)
	$(ST_CC) $(COMMON_CFLAGS) $(WARN) $(CFLAGS_$(ST_TARGET)) -include $(ST_DIR)/config.h \
		-c $< -o $@
$(ST_DIR)/libkho.a: $(ST_KHO_OBJS)
	@rm -f $@
	$(AR_$(ST_TARGET)) rcs $@ $^

$(ST_DIR)/obj/%.o: %.S $(ST_DIR)/config.h | $(DEPS_STAMP) $(ST_DIR)/version.h
	@mkdir -p $(@D)
	$(ST_CC) $(COMMON_CFLAGS) $(ST_ASFLAGS_$(ST_ARCH)) $(ST_CPPFLAGS) -c $< -o $@

# The board's own DT (dts/<board>.dts), if it has one, for the stage to link in:
# BOARD_DTB is the compiled blob's path (for .incbin); the object that includes it
# is rebuilt when it changes.
ST_BOARD_DTS := $(wildcard dts/$(ST_BOARD).dts)
ifneq ($(ST_BOARD_DTS),)
ST_CPPFLAGS += -DBOARD_DTB='"$(ST_DIR)/board.dtb"'
$(ST_DIR)/board.dtb: $(ST_BOARD_DTS) | $(DEPS_STAMP)
	@mkdir -p $(@D)
	dtc -I dts -O dtb -o $@ $<
$(ST_DIR)/obj/stage/board_dtb.o: $(ST_DIR)/board.dtb
endif

$(ST_DIR)/stage.lds: arch/$(ST_ARCH)/stage.lds.S $(ST_DIR)/config.h
	$(ST_CC) -E -P -x c $(ST_CPPFLAGS) $< -o $@

$(ST_DIR)/khofw.elf: $(ST_OBJS) $(ST_DIR)/stage.lds $(ST_LIBS)
	$(ST_LD) $(ST_LDFLAGS_$(ST_ARCH)) --gc-sections -T $(ST_DIR)/stage.lds \
		-Map $(ST_DIR)/khofw.map -o $@ $(ST_OBJS) --start-group $(ST_LIBS) \
		$$($(ST_CC) $(CFLAGS_$(ST_TARGET)) -print-libgcc-file-name) --end-group

# make size: the same stage objects linked again, for the map files only, with
# the whole libkho (core.mk's) when the defconfig selects parts of it, and with
# libkho as other boards would select it (include/kho/config.h): what each part
# costs in a stage. KHO_SIZE_SELECT_<name> lists the CONFIG_KHO_* options of
# selection <name>, built into $(ST_DIR)/size-<name>/.
KHO_SIZE_SELECTS := radix consume consume-radix consume-radix-names
KHO_SIZE_SELECT_radix := IN_RADIX OUT_RADIX
KHO_SIZE_SELECT_consume := IN_V1 IN_RADIX
KHO_SIZE_SELECT_consume-radix := IN_RADIX
KHO_SIZE_SELECT_consume-radix-names := IN_RADIX ERR_NAMES
ST_SIZE_MAPS := $(patsubst %,$(ST_DIR)/size-%/khofw.map,$(KHO_SIZE_SELECTS))
ifneq ($(shell grep -x 'CONFIG_KHO_SELECT=y' $(ST_DEFCONFIG)),)
ST_SIZE_MAPS += $(ST_DIR)/khofw-whole.map
endif
.PHONY: stage-size-maps
stage-size-maps: $(ST_SIZE_MAPS)

# $(1): selection name. Its config.h, libkho and link.
define size_select_rules
$(ST_DIR)/size-$(1)/config.h: mk/stage.mk
	@mkdir -p $$(@D)
	@{ echo "#define CONFIG_KHO_SELECT 1"; \
	  for o in $(KHO_SIZE_SELECT_$(1)); do echo "#define CONFIG_KHO_$$$$o 1"; done; } > $$@
$(ST_DIR)/size-$(1)/kho/%.o: %.c $(ST_DIR)/size-$(1)/config.h | $(DEPS_STAMP) $(LIBFDT_SRC)/fdt.c
	@mkdir -p $$(@D)
	$(ST_CC) $(COMMON_CFLAGS) $(WARN) $(CFLAGS_$(ST_TARGET)) \
		-include $(ST_DIR)/size-$(1)/config.h -c $$< -o $$@
$(ST_DIR)/size-$(1)/libkho.a: $(patsubst %.c,$(ST_DIR)/size-$(1)/kho/%.o,$(KHO_SRCS))
	@rm -f $$@
	$(AR_$(ST_TARGET)) rcs $$@ $$^
endef
$(foreach s,$(KHO_SIZE_SELECTS),$(eval $(call size_select_rules,$(s))))

# The links: the stage's objects and libraries, with libkho ST_MAP_KHO.
ST_MAP_LIBS = $(BUILD)/$(ST_TARGET)/libboot.a $(ST_MAP_KHO) \
	$(addprefix $(BUILD)/$(ST_TARGET)/,libfdt.a libc.a)
define ST_MAP_LINK
$(ST_LD) $(ST_LDFLAGS_$(ST_ARCH)) --gc-sections -T $(ST_DIR)/stage.lds \
	-Map $@ -o $(@:.map=.elf) $(ST_OBJS) --start-group $(ST_MAP_LIBS) \
	$$($(ST_CC) $(CFLAGS_$(ST_TARGET)) -print-libgcc-file-name) --end-group
endef
$(ST_DIR)/khofw-whole.map: ST_MAP_KHO = $(BUILD)/$(ST_TARGET)/libkho.a
$(ST_DIR)/khofw-whole.map: $(ST_OBJS) $(ST_DIR)/stage.lds \
		$(addprefix $(BUILD)/$(ST_TARGET)/,libboot.a libkho.a libfdt.a libc.a)
	$(ST_MAP_LINK)
$(ST_DIR)/size-%/khofw.map: ST_MAP_KHO = $(ST_DIR)/size-$*/libkho.a
$(ST_DIR)/size-%/khofw.map: $(ST_OBJS) $(ST_DIR)/stage.lds $(ST_DIR)/size-%/libkho.a \
		$(addprefix $(BUILD)/$(ST_TARGET)/,libboot.a libfdt.a libc.a)
	$(ST_MAP_LINK)

$(ST_DIR)/khofw.bin: $(ST_DIR)/khofw.elf
	$(ST_OBJCOPY) -O binary $< $@
	@$(ST_CROSS_$(ST_ARCH))size $<

# Smoke tests: each script boots (or inspects) the stage and judges the log.
ST_SMOKE := $(filter-out $(ST_ARM_TESTS),$(sort $(wildcard test/py-free/stage/smoke-*.sh)))
stage-smoke-check: $(ST_DIR)/khofw.bin
	@fail=0; for t in $(ST_SMOKE); do \
		echo "== $$t"; BUILD=$(BUILD) STAGE_CONFIG=$(STAGE_CONFIG) sh $$t || fail=1; \
	done; exit $$fail

# Host unit tests of stage code that runs anywhere: the table builder, the DT index
# and printf
# (its symbols renamed so they do not replace the C library's in the test).
$(BUILD)/host/obj/test/py-free/unit/test_pgtable.o: EXTRA_CFLAGS_host += -Iarch/arm64
$(BUILD)/host/test/test_pgtable: $(BUILD)/host/obj/arch/arm64/pgtable.o
$(BUILD)/host/obj/test/py-free/unit/test_stage_dt.o: EXTRA_CFLAGS_host += -Istage
$(BUILD)/host/test/test_stage_dt: $(BUILD)/host/obj/stage/dt.o

LIBC_TEST_RENAME := -Dprintf=lc_printf -Dvprintf=lc_vprintf -Dsnprintf=lc_snprintf \
	-Dvsnprintf=lc_vsnprintf -Dputchar=lc_putchar
$(BUILD)/host/libc-test/printf.o: lib/libc/printf.c
	@mkdir -p $(@D)
	$(CC_host) -std=gnu11 $(WARN) $(CFLAGS_host) -ffreestanding -fno-builtin \
		-Ilib/libc/include $(LIBC_TEST_RENAME) -c $< -o $@
$(BUILD)/host/test/test_printf: $(BUILD)/host/libc-test/printf.o

# End-to-end: Linux booted through the stage from a payload container.
ST_E2E := $(filter-out $(ST_ARM_TESTS),$(sort $(wildcard test/py-free/stage/e2e-*.sh)))
stage-e2e-check: $(ST_DIR)/khofw.bin $(BUILD)/host/mkpayload initramfs
	@fail=0; for t in $(ST_E2E); do \
		echo "== $$t"; BUILD=$(BUILD) STAGE_CONFIG=$(STAGE_CONFIG) sh $$t || fail=1; \
	done; exit $$fail
.PHONY: stage-e2e-check

# The AArch32 table builder, host-tested like the AArch64 one.
$(BUILD)/host/obj/test/py-free/unit/test_pgtable_arm.o: EXTRA_CFLAGS_host += -Iarch/arm
$(BUILD)/host/test/test_pgtable_arm: $(BUILD)/host/obj/arch/arm/pgtable.o

# The AArch32 stage (configs/qemu_virt_arm_defconfig), built and tested by a make
# of its own: this file's variables describe one STAGE_CONFIG per make.
#   stage-arm-check   smoke tests (SVC, HYP, relocation, fault dump, image) and
#                     Debian's armhf kernel booted through it (e2e-arm.sh)
ST_ARM_CONFIG := qemu_virt_arm
.PHONY: stage-arm stage-arm-check
stage-arm:
	@$(MAKE) --no-print-directory STAGE_CONFIG=$(ST_ARM_CONFIG) stage
stage-arm-check: stage-arm $(BUILD)/host/mkpayload
	@fail=0; for t in $(ST_ARM_TESTS); do \
		echo "== $$t"; BUILD=$(BUILD) STAGE_CONFIG=$(ST_ARM_CONFIG) sh $$t || fail=1; \
	done; exit $$fail

# arm zImage payloads (lib/boot/zimage*.c): parser, container and placement,
# on the stage's boot flow in simulated RAM.
$(BUILD)/host/test/test_zimage: $(BUILD)/host/obj/$(UNIT_DIR)/test_zimage.o \
		$(BUILD)/host/obj/$(UNIT_DIR)/bootsim.o \
		$(patsubst %.c,$(BUILD)/host/obj/%.o,$(UNIT_SUPPORT)) $(HOST_LIBS)
	@mkdir -p $(@D)
	$(CC_host) $(CFLAGS_host) -o $@ $^ -lcmocka

# make size: the AArch32 stage's footprint (Thumb-2 C, ARM assembler): its
# sections, and the file a loader copies (bss, stacks and pools come on top).
ST_ARM_DIR := $(BUILD)/$(ST_ARM_CONFIG)
.PHONY: size-stage-arm
size-stage-arm: stage-arm
	@arm-none-eabi-size $(ST_ARM_DIR)/khofw.elf | tail -n 1 | \
		awk -v f=$$(wc -c < $(ST_ARM_DIR)/khofw.bin) \
		'{printf "khofw   thumb2   text %6d  data %5d  bss %7d  file %6d  (stage, with libkho, libfdt, lib/boot)\n",$$1,$$2,$$3,f}'
