# khotool for arm64 Linux userspace, linked static, so it runs on any arm64 Linux
# system (and in the test bed initramfs, which has no libc): libboot (khotool dma reads
# the khofw subtree with it), libkho and libfdt are built again for aarch64 Linux
# userspace in $(BUILD)/arm64-linux/, not for the freestanding firmware targets.
CC_arm64-linux ?= aarch64-linux-gnu-gcc
CFLAGS_arm64-linux ?= -O2
AR_arm64-linux ?= aarch64-linux-gnu-ar
$(eval $(call target_rules,arm64-linux))

KHOTOOL_ARM64 := $(BUILD)/arm64-linux/khotool
$(KHOTOOL_ARM64): $(patsubst %.c,$(BUILD)/arm64-linux/obj/%.o,$(KHOTOOL_SRCS)) \
		$(addprefix $(BUILD)/arm64-linux/,libboot.a libkho.a libfdt.a)
	$(CC_arm64-linux) -static $(CFLAGS_arm64-linux) -o $@ $^

.PHONY: khotool-arm64
khotool-arm64: $(KHOTOOL_ARM64)

# The test bed initramfs carries it (scripts/testbed/build-initramfs.sh).
initramfs: $(KHOTOOL_ARM64)
