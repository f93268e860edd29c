# khofw: Kexec HandOver for firmware.
#   make check   all tests (unit, khotool, and the QEMU test bed)
#   make qemu    boot Linux through the khofw stage in QEMU
#   make size    libkho footprint on AArch64 and Thumb-2
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
-include mk/testbed.mk

check: unit-check tool-check $(TESTBED_CHECK)
	@echo "make check: all passed"

qemu:
	@echo "make qemu will boot Linux 7.3 through the khofw AArch64 stage in QEMU"
	@echo "with firmware-made KHO state. The stage is not built yet; today the"
	@echo "QEMU test bed runs Linux -> Linux KHO: make testbed-check"

help:
	@sed -n '2,7p' Makefile

clean:
	rm -rf $(BUILD)
