# The khofw boot stages: build and tests.

# Host unit tests of stage code that runs anywhere: the table builder and printf
# (its symbols renamed so they do not replace the C library's in the test).
$(BUILD)/host/obj/test/py-free/unit/test_pgtable.o: EXTRA_CFLAGS_host += -Iarch/arm64
$(BUILD)/host/test/test_pgtable: $(BUILD)/host/obj/arch/arm64/pgtable.o

LIBC_TEST_RENAME := -Dprintf=lc_printf -Dvprintf=lc_vprintf -Dsnprintf=lc_snprintf \
	-Dvsnprintf=lc_vsnprintf -Dputchar=lc_putchar
$(BUILD)/host/libc-test/printf.o: lib/libc/printf.c
	@mkdir -p $(@D)
	$(CC_host) -std=gnu11 $(WARN) $(CFLAGS_host) -ffreestanding -fno-builtin \
		-Ilib/libc/include $(LIBC_TEST_RENAME) -c $< -o $@
$(BUILD)/host/test/test_printf: $(BUILD)/host/libc-test/printf.o
