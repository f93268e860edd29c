# Linux KHO test bed on QEMU arm64: build a Linux 7.3 kernel and an initramfs,
# run a Linux -> Linux handover, capture one and cross-check decoders on it.
# Included by the top Makefile; also usable alone: make -f mk/testbed.mk TARGET
#
#   linux           build (once, cached in $(KHOFW_CACHE)/linux/) the test bed kernel
#   initramfs       build $(BUILD)/testbed/initramfs.cpio.gz
#   testbed-check   Linux -> Linux test (linux-linux.sh), then cross-check.sh and
#                   khotool-live.sh (arm64 khotool on the live kernels)
#   capture         capture a handover into $(BUILD)/testbed/capture/ and trim it
#                   into a vector in $(BUILD)/testbed/vector/
#   testbed-vector  refresh the vector kept in test/py-free/vectors/ from a capture
#   testbed-deps    apt-get install the missing host packages (scripts/testbed/packages.txt)
#   testbed-clean   remove $(BUILD)/testbed (the kernel cache stays)

# Keep whatever default goal the including Makefile has.
TB_DEFAULT_GOAL := $(.DEFAULT_GOAL)

KHOFW_CACHE ?= $(HOME)/.cache/khofw
BUILD ?= build
HOSTKHOTOOL ?= $(BUILD)/host/khotool

TB_SCRIPTS := scripts/testbed
TB_TESTS := test/py-free/testbed
TB_VECTOR := test/py-free/vectors/linux-7.3-arm64
TB_ENV := KHOFW_CACHE='$(KHOFW_CACHE)' BUILD='$(BUILD)' HOSTKHOTOOL='$(HOSTKHOTOOL)'

.PHONY: testbed-deps linux initramfs testbed-check capture testbed-vector testbed-clean

testbed-deps:
	@$(TB_SCRIPTS)/deps.sh

linux: testbed-deps
	@$(TB_ENV) $(TB_SCRIPTS)/build-linux.sh

initramfs: linux
	@$(TB_ENV) $(TB_SCRIPTS)/build-initramfs.sh "$$($(TB_ENV) $(TB_SCRIPTS)/build-linux.sh)"

testbed-check: initramfs
	@$(TB_ENV) $(TB_TESTS)/linux-linux.sh
	@$(TB_ENV) $(TB_TESTS)/cross-check.sh
	@$(TB_ENV) $(TB_TESTS)/khotool-live.sh

capture: initramfs
	@$(TB_ENV) $(TB_SCRIPTS)/capture.sh
	@$(TB_ENV) $(TB_SCRIPTS)/vector.sh $(BUILD)/testbed/vector

testbed-vector:
	@test -f $(BUILD)/testbed/capture/ram@0x40000000.bin || $(TB_ENV) $(TB_SCRIPTS)/capture.sh
	@$(TB_ENV) $(TB_SCRIPTS)/vector.sh $(TB_VECTOR)

testbed-clean:
	rm -rf $(BUILD)/testbed

.DEFAULT_GOAL := $(TB_DEFAULT_GOAL)
