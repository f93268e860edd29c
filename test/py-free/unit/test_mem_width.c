/* SPDX-License-Identifier: MIT */
/*
 * The memory window on 32- and 64-bit programs (make unit32-check runs this as a
 * 32-bit one): a window whose host range would wrap the address space is
 * refused, and identity windows from /memory stop where the program's pointers
 * do, so a physical address above 4 GiB on a 32-bit stage is refused
 * (-KHO_E_UNMAPPED), never truncated to a pointer to other memory. No pointer
 * made here is dereferenced.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <kho/err.h>
#include <kho/mem.h>
#include <libfdt.h>

static int wide(void)
{
	return sizeof(uintptr_t) > 4;
}

static void test_window_host_range_must_not_wrap(void **state)
{
	struct kho_mem m;

	(void)state;
	kho_mem_init(&m);
	assert_int_equal(
		kho_mem_add_window(&m, 0x40000000, 0x2000, (void *)(UINTPTR_MAX - 0xfff)),
		-KHO_E_WRAP);
	assert_int_equal(
		kho_mem_add_window(&m, 0x40000000, 0x1000, (void *)(UINTPTR_MAX - 0xfff)),
		0);
	assert_int_equal(m.nr_win, 1);
}

/* RAM from 3 GiB to 5 GiB, and 4 KiB at 34 GiB, identity-mapped. */
static void identity_mem(struct kho_mem *m, void *buf, int size)
{
	const fdt64_t reg[4] = { cpu_to_fdt64(0xc0000000ull), cpu_to_fdt64(0x80000000ull),
				 cpu_to_fdt64(0x880000000ull), cpu_to_fdt64(0x1000) };
	int node;

	assert_int_equal(fdt_create_empty_tree(buf, size), 0);
	assert_int_equal(fdt_setprop_u32(buf, 0, "#address-cells", 2), 0);
	assert_int_equal(fdt_setprop_u32(buf, 0, "#size-cells", 2), 0);
	node = fdt_add_subnode(buf, 0, "memory@c0000000");
	assert_true(node >= 0);
	assert_int_equal(fdt_setprop_string(buf, node, "device_type", "memory"), 0);
	assert_int_equal(fdt_setprop(buf, node, "reg", reg, sizeof(reg)), 0);
	kho_mem_init(m);
	assert_int_equal(kho_mem_from_dt(m, buf, 1), 2);
}

static void test_identity_windows_stop_at_the_address_space(void **state)
{
	char buf[1024];
	struct kho_mem m;
	int err = 1;

	(void)state;
	identity_mem(&m, buf, sizeof(buf));
	assert_int_equal(kho_mem_ram_size(&m), 0x80001000ull);
	assert_int_equal(m.nr_win, wide() ? 2 : 1);
	assert_int_equal(m.win[0].base, 0xc0000000ull);
	assert_int_equal(m.win[0].size, wide() ? 0x80000000ull : 0x40000000ull);
	assert_ptr_equal(kho_mem_ptr(&m, 0xfffff000ull, 0x1000, &err),
			 (void *)(uintptr_t)0xfffff000ull);
	/* Above 4 GiB: RAM all the same, but only a 64-bit program reaches it. */
	assert_int_equal(kho_mem_check_ram(&m, 0x100000000ull, 0x1000), 0);
	if (wide()) {
		assert_ptr_equal(kho_mem_ptr(&m, 0x880000000ull, 0x1000, &err),
				 (void *)(uintptr_t)0x880000000ull);
		return;
	}
	assert_null(kho_mem_ptr(&m, 0x100000000ull, 0x1000, &err));
	assert_int_equal(err, -KHO_E_UNMAPPED);
	assert_null(kho_mem_ptr(&m, 0xfffff000ull, 0x2000, &err));
	assert_int_equal(err, -KHO_E_UNMAPPED);
	assert_null(kho_mem_ptr(&m, 0x880000000ull, 0x1000, &err));
	assert_int_equal(err, -KHO_E_UNMAPPED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_window_host_range_must_not_wrap),
		cmocka_unit_test(test_identity_windows_stop_at_the_address_space),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
