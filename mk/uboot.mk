# U-Boot with khofw's integration (u-boot/, docs/u-boot.md): Debian trixie's
# U-Boot 2025.01, fetched with an isolated apt configuration, patched and built
# outside the repository in $(KHOFW_CACHE)/u-boot by scripts/uboot/build.sh.
#
#   uboot         build qemu_arm64_defconfig (aarch64-linux-gnu-) and
#                 qemu_arm_defconfig (arm-none-eabi-), each with u-boot/configs/*.kho
#   uboot-check   both builds; U-Boot's tests in QEMU (test/py-free/uboot/*.sh):
#                 Linux booted with a buffer U-Boot preserved, Linux -> U-Boot ->
#                 Linux forwarding, booti refusing to overwrite preserved memory,
#                 and the AArch32 build's kho command

UB_TESTS := $(sort $(wildcard test/py-free/uboot/*.sh))

UB_DIRS := $(BUILD)/uboot

.PHONY: uboot uboot-check
# One build after the other: each already uses two jobs. The tests use these
# builds (their directories are written to $(UB_DIRS)), even if our sources
# change while they run.
uboot: $(DEPS_STAMP)
	@mkdir -p $(UB_DIRS)
	@d=$$(scripts/uboot/build.sh qemu_arm64_defconfig aarch64-linux-gnu-) && \
		echo "$$d" >$(UB_DIRS)/arm64.dir.tmp && mv $(UB_DIRS)/arm64.dir.tmp $(UB_DIRS)/arm64.dir
	@d=$$(scripts/uboot/build.sh qemu_arm_defconfig arm-none-eabi-) && \
		echo "$$d" >$(UB_DIRS)/arm.dir.tmp && mv $(UB_DIRS)/arm.dir.tmp $(UB_DIRS)/arm.dir

$(BUILD)/host/ub-pattern: test/py-free/uboot/ub-pattern.c include/boot/pattern.h | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC_host) -std=gnu11 $(WARN) $(CFLAGS_host) -Iinclude -o $@ $<

# lib/e2e.sh (shared with the stage's tests) wants the stage and mkpayload.
uboot-check: uboot $(BUILD)/host/ub-pattern $(ST_DIR)/khofw.bin $(BUILD)/host/mkpayload initramfs
	@fail=0; for t in $(UB_TESTS); do \
		echo "== $$t"; BUILD=$(BUILD) UBOOT_ARM64=$$(cat $(UB_DIRS)/arm64.dir) \
			UBOOT_ARM=$$(cat $(UB_DIRS)/arm.dir) sh $$t || fail=1; \
	done; exit $$fail
