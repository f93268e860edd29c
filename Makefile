# khofw: Kexec HandOver for firmware.
#   make check   all tests (unit: native, sanitized, 32-bit; hostile inputs, fuzzers,
#                khotool, test bed, the AArch64 and AArch32 stages)
#   make qemu    boot Linux through the khofw stage in QEMU
#   make size    libkho footprint on AArch64 and Thumb-2, and the AArch32 stage
#   make uboot   U-Boot 2025.01 (Debian's) with the kho command and boot hooks
#   make deps    install the Debian packages the build needs
# See README.md.

BUILD ?= build
KHOFW_CACHE ?= $(HOME)/.cache/khofw
export KHOFW_CACHE

.PHONY: all check qemu size deps clean help
all: host

include mk/deps.mk
include mk/libfdt.mk
include mk/core.mk
include mk/test.mk
include mk/tooltest.mk
include mk/fuzz.mk
include mk/testbed.mk
include mk/stage.mk
include mk/unit32.mk
include mk/bench.mk
include mk/uboot.mk
include mk/benchqemu.mk

TESTBED_CHECK := testbed-check
# The capture cross-check decodes with khotool: build it first.
testbed-check: $(BUILD)/host/khotool

check: format-check unit-check unit-asan-check unit32-check hostile-check fuzz-check tool-check size \
	$(TESTBED_CHECK) stage-smoke-check stage-e2e-check stage-arm-check uboot-check
	@echo "make check: all passed"

qemu: stage $(BUILD)/host/mkpayload initramfs
	scripts/qemu.sh

help:
	@sed -n '2,8p' Makefile

clean:
	rm -rf $(BUILD)
