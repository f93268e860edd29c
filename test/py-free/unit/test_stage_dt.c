/* SPDX-License-Identifier: MIT */
/*
 * The stage's one-pass index of the OS DT (stage/dt.c) on the host: it must find
 * what libfdt finds (children by name and unit, paths and aliases, /memory as
 * kho_dt_for_each_memory() reads it), fall back to libfdt past its table, and
 * refuse a struct block that runs out of bounds.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <kho/dt.h>
#include <kho/err.h>
#include <libfdt.h>
#include <stdio.h>
#include <string.h>

#include "stage.h"

#define DT_SIZE 16384

static char dt[DT_SIZE] __attribute__((aligned(8)));

static int node(const char *parent, const char *name)
{
	int off = fdt_add_subnode(dt, fdt_path_offset(dt, parent), name);

	assert_true(off >= 0);
	return off;
}

static void reg(int off, u32 base, u32 size)
{
	fdt32_t r[2] = { cpu_to_fdt32(base), cpu_to_fdt32(size) };

	assert_int_equal(fdt_setprop(dt, off, "reg", r, sizeof(r)), 0);
}

/* Children of the root in the order added (libfdt adds before the others). */
static void make_dt(unsigned int extra)
{
	char name[32];
	int n;

	assert_int_equal(fdt_create_empty_tree(dt, DT_SIZE), 0);
	assert_int_equal(fdt_setprop_u32(dt, 0, "#address-cells", 1), 0);
	assert_int_equal(fdt_setprop_u32(dt, 0, "#size-cells", 1), 0);
	for (unsigned int i = 0; i < extra; i++) {
		snprintf(name, sizeof(name), "extra@%x", i);
		node("/", name);
	}
	n = node("/", "soc");
	assert_int_equal(fdt_setprop_u32(dt, n, "#address-cells", 1), 0);
	assert_int_equal(fdt_setprop_u32(dt, n, "#size-cells", 1), 0);
	reg(node("/soc", "uart@1000"), 0x1000, 0x100);
	reg(node("/", "uart@9000000"), 0x9000000, 0x1000);
	n = node("/", "ram");
	assert_int_equal(fdt_setprop_string(dt, n, "device_type", "memory"), 0);
	reg(n, 0x80000000, 0x1000000);
	reg(node("/", "memory@40000000"), 0x40000000, 0x10000000);
	n = node("/", "memory@60000000");
	reg(n, 0x60000000, 0x1000);
	assert_int_equal(fdt_setprop_string(dt, n, "status", "disabled"), 0);
	reg(node("/", "memoryless@0"), 0x1000, 0x1000);
	n = node("/", "aliases");
	assert_int_equal(fdt_setprop_string(dt, n, "serial0", "/uart@9000000"), 0);
	assert_int_equal(fdt_setprop_string(dt, n, "serial1", "/soc/uart@1000"), 0);
	n = node("/", "chosen");
	assert_int_equal(fdt_setprop_string(dt, n, "stdout-path", "serial0:115200n8"), 0);
	assert_int_equal(kho_fdt_check(dt, DT_SIZE), 0);
}

static void test_children_as_libfdt(void **state)
{
	static const char *const names[] = { "chosen", "uart", "uart@9000000", "soc",
					     "memory", "ram",  "uart@1000",    "nope" };
	struct stage_dt d;

	(void)state;
	make_dt(0);
	assert_int_equal(stage_dt_scan(dt, &d), 0);
	assert_false(d.more);
	assert_int_equal(d.chosen, fdt_path_offset(dt, "/chosen"));
	for (unsigned int i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		assert_int_equal(stage_dt_child(&d, names[i], (int)strlen(names[i])),
				 fdt_subnode_offset(dt, 0, names[i]));
}

static void test_paths_and_aliases(void **state)
{
	struct stage_dt d;
	int parent = -1;

	(void)state;
	make_dt(0);
	assert_int_equal(stage_dt_scan(dt, &d), 0);
	assert_int_equal(stage_dt_path(&d, "serial0", 7, &parent),
			 fdt_path_offset(dt, "/uart@9000000"));
	assert_int_equal(parent, 0);
	assert_int_equal(stage_dt_path(&d, "serial1", 7, &parent),
			 fdt_path_offset(dt, "/soc/uart@1000"));
	assert_int_equal(parent, fdt_path_offset(dt, "/soc"));
	/* Only the first len bytes count. */
	assert_int_equal(stage_dt_path(&d, "/uart@9000000:115200", 13, &parent),
			 fdt_path_offset(dt, "/uart@9000000"));
	assert_true(stage_dt_path(&d, "serial2", 7, &parent) < 0);
	assert_true(stage_dt_path(&d, "/nope", 5, &parent) < 0);
}

struct banks {
	unsigned int n;
	u64 base[8], size[8];
};

static int record(void *arg, u64 base, u64 size)
{
	struct banks *b = arg;

	assert_true(b->n < 8);
	b->base[b->n] = base;
	b->size[b->n++] = size;
	return 0;
}

static void same_memory(const struct stage_dt *d)
{
	struct banks a = { 0 }, b = { 0 };

	assert_int_equal(stage_dt_for_each_memory(d, record, &a), 0);
	assert_int_equal(kho_dt_for_each_memory(dt, record, &b), 0);
	assert_int_equal(a.n, 2); /* ram (device_type) and memory@40000000 */
	assert_memory_equal(&a, &b, sizeof(a));
}

static void test_memory_as_kho_dt(void **state)
{
	struct stage_dt d;

	(void)state;
	make_dt(0);
	assert_int_equal(stage_dt_scan(dt, &d), 0);
	same_memory(&d);
}

static void test_more_children_than_recorded(void **state)
{
	struct stage_dt d;
	int parent;

	(void)state;
	make_dt(STAGE_DT_MAX_TOP);
	assert_int_equal(stage_dt_scan(dt, &d), 0);
	assert_true(d.more);
	assert_int_equal(d.chosen, fdt_path_offset(dt, "/chosen"));
	assert_int_equal(stage_dt_path(&d, "serial0", 7, &parent),
			 fdt_path_offset(dt, "/uart@9000000"));
	same_memory(&d);
}

static void test_out_of_bounds_refused(void **state)
{
	struct stage_dt d;
	int len;
	const struct fdt_property *p;

	(void)state;
	make_dt(0);
	p = fdt_get_property(dt, fdt_path_offset(dt, "/chosen"), "stdout-path", &len);
	assert_non_null(p);
	((struct fdt_property *)p)->len = cpu_to_fdt32(0x7fffff00);
	assert_int_equal(stage_dt_scan(dt, &d), -KHO_E_FDT_HEADER);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_children_as_libfdt),
		cmocka_unit_test(test_paths_and_aliases),
		cmocka_unit_test(test_memory_as_kho_dt),
		cmocka_unit_test(test_more_children_than_recorded),
		cmocka_unit_test(test_out_of_bounds_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
