# Every unit test again as a 32-bit program (make unit32-check, part of make
# check), so that u64 -> size_t/uintptr_t truncations show: the rules of test.mk
# in a build of their own where the host compiler is arm-linux-gnueabihf-gcc, the
# tests run under qemu-arm-static. cmocka for armhf is Debian's, downloaded and
# unpacked into the cache (the system gets no foreign architecture).
CMOCKA_ARMHF := $(KHOFW_CACHE)/cmocka-armhf
CMOCKA_ARMHF_LIB := $(CMOCKA_ARMHF)/usr/lib/arm-linux-gnueabihf
UNIT32_BUILD := $(BUILD)/unit32
UNIT32_CFLAGS := -O2 -g -I$(CMOCKA_ARMHF)/usr/include -L$(CMOCKA_ARMHF_LIB) \
	-Wl,-rpath,$(CMOCKA_ARMHF_LIB)
UNIT32_RUN := qemu-arm-static -L /usr/arm-linux-gnueabihf

$(CMOCKA_ARMHF)/.unpacked: | $(DEPS_STAMP)
	@rm -rf $(CMOCKA_ARMHF) && mkdir -p $(CMOCKA_ARMHF)
	@for p in libcmocka0 libcmocka-dev; do \
		deb=$$(scripts/debfetch.sh bookworm $$p armhf) && \
		dpkg-deb -x "$$deb" $(CMOCKA_ARMHF) || exit 1; \
	done
	@touch $@

.PHONY: unit32-check
unit32-check: $(CMOCKA_ARMHF)/.unpacked
	@$(MAKE) --no-print-directory BUILD=$(UNIT32_BUILD) CC_host=arm-linux-gnueabihf-gcc \
		AR_host=arm-linux-gnueabihf-ar CFLAGS_host='$(UNIT32_CFLAGS)' \
		UNIT_RUN='$(UNIT32_RUN)' unit-check
