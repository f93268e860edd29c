/* SPDX-License-Identifier: MIT */
/*
 * The OS device tree: /reserved-memory (reg lists in 1 or 2 cells, no-map, CMA
 * pools, size-only nodes, disabled nodes), /memreserve/ entries, /memory banks
 * with several reg entries, kho_mem_from_dt(), cell handling and /chosen.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <inttypes.h>
#include <kho/dt.h>
#include <kho/mem.h>
#include <libfdt.h>
#include <string.h>

#include "sim.h"

#define DT_SIZE 8192

static u8 dt[DT_SIZE] __attribute__((aligned(8))); /* libfdt wants 8 */

/* An empty DT with root cells (0: absent). */
static void new_dt(int ac, int sc)
{
	assert_int_equal(fdt_create_empty_tree(dt, DT_SIZE), 0);
	if (ac)
		assert_int_equal(fdt_setprop_u32(dt, 0, "#address-cells", (u32)ac), 0);
	if (sc)
		assert_int_equal(fdt_setprop_u32(dt, 0, "#size-cells", (u32)sc), 0);
}

static int node(int parent, const char *name)
{
	int n = fdt_add_subnode(dt, parent, name);

	if (n < 0)
		fail_msg("fdt_add_subnode(%s): %s", name, fdt_strerror(n));
	return n;
}

static void cells(int n, const char *prop, const u32 *v, int count)
{
	fdt32_t be[16];

	for (int i = 0; i < count; i++)
		be[i] = cpu_to_fdt32(v[i]);
	assert_int_equal(fdt_setprop(dt, n, prop, be, 4 * count), 0);
}

static void flag(int n, const char *prop)
{
	assert_int_equal(fdt_setprop(dt, n, prop, NULL, 0), 0);
}

static int resmem_parent(int ac, int sc)
{
	int n = node(0, "reserved-memory");

	assert_int_equal(fdt_setprop_u32(dt, n, "#address-cells", (u32)ac), 0);
	assert_int_equal(fdt_setprop_u32(dt, n, "#size-cells", (u32)sc), 0);
	flag(n, "ranges");
	return n;
}

struct regions {
	struct kho_resmem r[16];
	unsigned int n;
};

static int collect(void *arg, const struct kho_resmem *r)
{
	struct regions *rs = arg;

	if (rs->n < 16)
		rs->r[rs->n] = *r;
	rs->n++;
	return 0;
}

static const struct kho_resmem *region(const struct regions *rs, const char *name,
				       u64 base)
{
	for (unsigned int i = 0; i < rs->n && i < 16; i++)
		if (!strcmp(rs->r[i].name, name) && rs->r[i].base == base)
			return &rs->r[i];
	fail_msg("no region %s at 0x%" PRIx64, name, base);
	return NULL;
}

/* ----------------------------- /reserved-memory ---------------------------- */

static void test_resmem_two_cells_several_reg(void **state)
{
	struct regions rs = { .n = 0 };
	const u32 reg[8] = { 0x8, 0x80000000, 0, 0x100000, 0x0, 0x48000000, 0, 0x2000 };
	const struct kho_resmem *r;
	int p;

	(void)state;
	new_dt(2, 2);
	p = resmem_parent(2, 2);
	cells(node(p, "secure@880000000"), "reg", reg, 8);
	flag(fdt_subnode_offset(dt, p, "secure@880000000"), "no-map");
	assert_int_equal(kho_dt_for_each_resmem(dt, collect, &rs), 2);
	r = region(&rs, "secure@880000000", 0x880000000ull);
	assert_int_equal(r->size, 0x100000);
	assert_int_equal(r->flags, KHO_RESMEM_NO_MAP);
	r = region(&rs, "secure@880000000", 0x48000000ull);
	assert_int_equal(r->size, 0x2000);
	assert_int_equal(r->align, 0);
}

static void test_resmem_one_cell(void **state)
{
	struct regions rs = { .n = 0 };
	const u32 reg[4] = { 0x4f000000, 0x10000, 0x4f100000, 0x1000 };
	const struct kho_resmem *r;

	(void)state;
	new_dt(2, 2); /* the node's own cells count, not the root's */
	cells(node(resmem_parent(1, 1), "ramoops@4f000000"), "reg", reg, 4);
	assert_int_equal(kho_dt_for_each_resmem(dt, collect, &rs), 2);
	r = region(&rs, "ramoops@4f000000", 0x4f000000);
	assert_int_equal(r->size, 0x10000);
	assert_int_equal(r->flags, 0);
	r = region(&rs, "ramoops@4f000000", 0x4f100000);
	assert_int_equal(r->size, 0x1000);
}

static void test_resmem_cma_pool(void **state)
{
	struct regions rs = { .n = 0 };
	const u32 reg[2] = { 0x60000000, 0x4000000 };
	int p, n;

	(void)state;
	new_dt(1, 1);
	p = resmem_parent(1, 1);
	n = node(p, "linux,cma");
	cells(n, "reg", reg, 2);
	assert_int_equal(fdt_setprop_string(dt, n, "compatible", "shared-dma-pool"), 0);
	flag(n, "reusable");
	flag(n, "linux,cma-default");
	assert_int_equal(kho_dt_for_each_resmem(dt, collect, &rs), 1);
	assert_int_equal(rs.r[0].flags,
			 KHO_RESMEM_REUSABLE | KHO_RESMEM_CMA | KHO_RESMEM_CMA_DEFAULT);
	assert_int_equal(rs.r[0].base, 0x60000000);
	assert_int_equal(rs.r[0].size, 0x4000000);
}

static void test_resmem_reusable_is_not_cma_without_pool(void **state)
{
	struct regions rs = { .n = 0 };
	const u32 reg[2] = { 0x60000000, 0x100000 };
	int p, a, b;

	(void)state;
	new_dt(1, 1);
	p = resmem_parent(1, 1);
	a = node(p, "reuse@60000000");
	cells(a, "reg", reg, 2);
	flag(a, "reusable");
	b = node(p, "pool@70000000");
	cells(b, "reg", (const u32[]){ 0x70000000, 0x100000 }, 2);
	assert_int_equal(fdt_setprop_string(dt, b, "compatible", "shared-dma-pool"), 0);
	flag(b, "no-map");
	assert_int_equal(kho_dt_for_each_resmem(dt, collect, &rs), 2);
	assert_int_equal(region(&rs, "reuse@60000000", 0x60000000)->flags,
			 KHO_RESMEM_REUSABLE);
	assert_int_equal(region(&rs, "pool@70000000", 0x70000000)->flags,
			 KHO_RESMEM_NO_MAP);
}

static void test_resmem_size_only(void **state)
{
	struct regions rs = { .n = 0 };
	const u32 size[2] = { 0, 0x2000000 }, align[2] = { 0, 0x400000 };
	int n;

	(void)state;
	new_dt(2, 2);
	n = node(resmem_parent(2, 2), "linux,cma");
	cells(n, "size", size, 2);
	cells(n, "alignment", align, 2);
	assert_int_equal(fdt_setprop_string(dt, n, "compatible", "shared-dma-pool"), 0);
	flag(n, "reusable");
	assert_int_equal(kho_dt_for_each_resmem(dt, collect, &rs), 1);
	assert_int_equal(rs.r[0].base, KHO_RESMEM_DYNAMIC);
	assert_int_equal(rs.r[0].size, 0x2000000);
	assert_int_equal(rs.r[0].align, 0x400000);
	assert_int_equal(rs.r[0].flags, KHO_RESMEM_REUSABLE | KHO_RESMEM_CMA);
}

static void test_resmem_size_only_without_size(void **state)
{
	(void)state;
	new_dt(1, 1);
	node(resmem_parent(1, 1), "broken");
	sim_expect(kho_dt_for_each_resmem(dt, collect, &(struct regions){ .n = 0 }),
		   -KHO_E_PROP);
}

static void test_resmem_disabled_skipped(void **state)
{
	struct regions rs = { .n = 0 };
	int p, a, b;

	(void)state;
	new_dt(1, 1);
	p = resmem_parent(1, 1);
	a = node(p, "off@50000000");
	cells(a, "reg", (const u32[]){ 0x50000000, 0x1000 }, 2);
	assert_int_equal(fdt_setprop_string(dt, a, "status", "disabled"), 0);
	b = node(p, "on@51000000");
	cells(b, "reg", (const u32[]){ 0x51000000, 0x1000 }, 2);
	assert_int_equal(fdt_setprop_string(dt, b, "status", "okay"), 0);
	assert_int_equal(kho_dt_for_each_resmem(dt, collect, &rs), 1);
	assert_string_equal(rs.r[0].name, "on@51000000");
}

static void test_resmem_status_ok_is_enabled(void **state)
{
	struct regions rs = { .n = 0 };
	int p, a;

	/* Linux takes "ok" as well as "okay" (of_fdt_device_is_available()). */
	(void)state;
	new_dt(1, 1);
	p = resmem_parent(1, 1);
	a = node(p, "ok@50000000");
	cells(a, "reg", (const u32[]){ 0x50000000, 0x1000 }, 2);
	assert_int_equal(fdt_setprop_string(dt, a, "status", "ok"), 0);
	assert_int_equal(kho_dt_for_each_resmem(dt, collect, &rs), 1);
	assert_string_equal(rs.r[0].name, "ok@50000000");
}

static void test_memreserve_entries(void **state)
{
	struct regions rs = { .n = 0 };

	(void)state;
	new_dt(2, 2);
	assert_int_equal(fdt_add_mem_rsv(dt, 0x40000000, 0x10000), 0);
	assert_int_equal(fdt_add_mem_rsv(dt, 0x880000000ull, 0x200000), 0);
	cells(node(resmem_parent(1, 1), "x@48000000"), "reg",
	      (const u32[]){ 0x48000000, 0x1000 }, 2);
	assert_int_equal(kho_dt_for_each_resmem(dt, collect, &rs), 3);
	assert_int_equal(region(&rs, "memreserve", 0x40000000)->size, 0x10000);
	assert_int_equal(region(&rs, "memreserve", 0x880000000ull)->flags,
			 KHO_RESMEM_MEMRESERVE);
	assert_int_equal(region(&rs, "x@48000000", 0x48000000)->size, 0x1000);
}

static void test_resmem_absent(void **state)
{
	(void)state;
	new_dt(2, 2);
	assert_int_equal(kho_dt_for_each_resmem(dt, collect, &(struct regions){ .n = 0 }),
			 0);
}

static void test_resmem_reg_not_whole_entries(void **state)
{
	(void)state;
	new_dt(2, 2);
	cells(node(resmem_parent(2, 2), "odd"), "reg", (const u32[]){ 0, 0x40000000, 0 },
	      3);
	sim_expect(kho_dt_for_each_resmem(dt, collect, &(struct regions){ .n = 0 }),
		   -KHO_E_PROP);
}

static void test_resmem_bad_cells(void **state)
{
	(void)state;
	new_dt(2, 2);
	resmem_parent(3, 1);
	sim_expect(kho_dt_for_each_resmem(dt, collect, &(struct regions){ .n = 0 }),
		   -KHO_E_CELLS);
}

static int stop_at_second(void *arg, const struct kho_resmem *r)
{
	int *seen = arg;

	(void)r;
	return ++*seen == 2 ? -KHO_E_NOSPC : 0;
}

static void test_resmem_callback_error_stops(void **state)
{
	int seen = 0;

	(void)state;
	new_dt(1, 1);
	cells(node(resmem_parent(1, 1), "a"), "reg",
	      (const u32[]){ 0x1000, 0x1000, 0x3000, 0x1000, 0x5000, 0x1000 }, 6);
	sim_expect(kho_dt_for_each_resmem(dt, stop_at_second, &seen), -KHO_E_NOSPC);
	assert_int_equal(seen, 2);
}

/* --------------------------------- /memory ---------------------------------- */

struct banks {
	u64 base[16], size[16];
	unsigned int n;
};

static int collect_bank(void *arg, u64 base, u64 size)
{
	struct banks *b = arg;

	if (b->n < 16) {
		b->base[b->n] = base;
		b->size[b->n] = size;
	}
	b->n++;
	return 0;
}

/* Two memory nodes, one with two reg entries, one named by device_type only. */
static void memory_dt(void)
{
	int a, b;

	new_dt(2, 2);
	a = node(0, "memory@40000000");
	assert_int_equal(fdt_setprop_string(dt, a, "device_type", "memory"), 0);
	cells(a, "reg",
	      (const u32[]){ 0, 0x40000000, 0, 0x20000000, 0, 0x80000000, 0, 0x1000000 },
	      8);
	b = node(0, "ram");
	assert_int_equal(fdt_setprop_string(dt, b, "device_type", "memory"), 0);
	cells(b, "reg", (const u32[]){ 0x8, 0x80000000, 0x1, 0 }, 4);
}

static void test_memory_banks_and_reg_entries(void **state)
{
	struct banks b = { .n = 0 };

	(void)state;
	memory_dt();
	sim_expect(kho_dt_for_each_memory(dt, collect_bank, &b), 0);
	assert_int_equal(b.n, 3);
	assert_int_equal(b.base[0] + b.base[1] + b.base[2],
			 0x40000000ull + 0x80000000ull + 0x880000000ull);
	for (unsigned int i = 0; i < 3; i++)
		if (b.base[i] == 0x880000000ull)
			assert_int_equal(b.size[i], 0x100000000ull);
}

static void test_memory_one_cell_default(void **state)
{
	struct banks b = { .n = 0 };
	int a;

	/* No root cells: Linux's early default is 1 and 1. */
	(void)state;
	new_dt(0, 0);
	a = node(0, "memory");
	cells(a, "reg", (const u32[]){ 0x40000000, 0x8000000 }, 2);
	sim_expect(kho_dt_for_each_memory(dt, collect_bank, &b), 0);
	assert_int_equal(b.n, 1);
	assert_int_equal(b.base[0], 0x40000000);
	assert_int_equal(b.size[0], 0x8000000);
}

/* Entries of three cells: whole ones are read, a partial one refuses the node. */
static void test_memory_reg_three_cell_entries(void **state)
{
	struct banks b = { .n = 0 };
	int a;

	(void)state;
	new_dt(2, 1);
	a = node(0, "memory@40000000");
	cells(a, "reg", (const u32[]){ 0, 0x40000000, 0x1000, 0x1, 0, 0x2000 }, 6);
	sim_expect(kho_dt_for_each_memory(dt, collect_bank, &b), 0);
	assert_int_equal(b.n, 2);
	assert_int_equal(b.base[1], 0x100000000ull);
	assert_int_equal(b.size[1], 0x2000);
	cells(a, "reg", (const u32[]){ 0, 0x40000000, 0x1000, 0x1, 0 }, 5);
	b.n = 0;
	sim_expect(kho_dt_for_each_memory(dt, collect_bank, &b), -KHO_E_PROP);
	assert_int_equal(b.n, 0);
	cells(a, "reg", (const u32[]){ 0 }, 0);
	sim_expect(kho_dt_for_each_memory(dt, collect_bank, &b), 0);
	assert_int_equal(b.n, 0);
}

static void test_memory_disabled_and_other_nodes_ignored(void **state)
{
	struct banks b = { .n = 0 };
	int a, c;

	(void)state;
	new_dt(1, 1);
	a = node(0, "memory@40000000");
	cells(a, "reg", (const u32[]){ 0x40000000, 0x1000000 }, 2);
	assert_int_equal(fdt_setprop_string(dt, a, "status", "disabled"), 0);
	c = node(0, "memory-controller@1000");
	cells(c, "reg", (const u32[]){ 0x1000, 0x1000 }, 2);
	sim_expect(kho_dt_for_each_memory(dt, collect_bank, &b), 0);
	assert_int_equal(b.n, 0);
}

static void test_mem_from_dt(void **state)
{
	struct kho_mem m;

	(void)state;
	memory_dt();
	kho_mem_init(&m);
	assert_int_equal(kho_mem_from_dt(&m, dt, 0), 3);
	assert_int_equal(m.nr_ram, 3);
	assert_int_equal(m.nr_win, 0);
	assert_int_equal(kho_mem_ram_size(&m),
			 0x20000000ull + 0x1000000 + 0x100000000ull);
	assert_int_equal(kho_mem_ram_end(&m), 0x980000000ull);
	sim_expect(kho_mem_check_ram(&m, 0x880000000ull, 0x1000), 0);
	sim_expect(kho_mem_check_ram(&m, 0x60000000, 0x1000), -KHO_E_OUTSIDE_RAM);
}

static void test_mem_from_dt_identity_windows(void **state)
{
	struct kho_mem m;

	(void)state;
	memory_dt();
	kho_mem_init(&m);
	assert_int_equal(kho_mem_from_dt(&m, dt, 1), 3);
	/* A 32-bit program addresses only the first 4 GiB: no window above. */
	assert_int_equal(m.nr_win, sizeof(uintptr_t) == 4 ? 2 : 3);
	for (unsigned int i = 0; i < m.nr_win; i++)
		assert_int_equal((u64)(uintptr_t)m.win[i].host, m.win[i].base);
}

static void test_mem_from_dt_zero_size_skipped(void **state)
{
	struct kho_mem m;
	int a;

	(void)state;
	new_dt(1, 1);
	a = node(0, "memory@0");
	cells(a, "reg", (const u32[]){ 0x40000000, 0, 0x50000000, 0x1000 }, 4);
	kho_mem_init(&m);
	assert_int_equal(kho_mem_from_dt(&m, dt, 0), 1);
	assert_int_equal(m.ram[0].base, 0x50000000);
}

static void test_mem_from_dt_no_memory(void **state)
{
	struct kho_mem m;

	(void)state;
	new_dt(2, 2);
	kho_mem_init(&m);
	sim_expect(kho_mem_from_dt(&m, dt, 0), -KHO_E_NOT_FOUND);
}

static void test_mem_from_dt_overlapping_banks(void **state)
{
	struct kho_mem m;
	int a;

	(void)state;
	new_dt(1, 1);
	a = node(0, "memory@40000000");
	cells(a, "reg", (const u32[]){ 0x40000000, 0x2000000, 0x41000000, 0x2000000 }, 4);
	kho_mem_init(&m);
	sim_expect(kho_mem_from_dt(&m, dt, 0), -KHO_E_OVERLAP);
}

/* ------------------------------ cells and /chosen --------------------------- */

static void test_cells_validation(void **state)
{
	struct kho_cells c;

	(void)state;
	new_dt(0, 0);
	sim_expect(kho_dt_cells(dt, 0, &c), 0);
	assert_int_equal(c.addr, 1);
	assert_int_equal(c.size, 1);
	new_dt(2, 0);
	sim_expect(kho_dt_cells(dt, 0, &c), 0);
	assert_int_equal(c.addr, 2);
	assert_int_equal(c.size, 1);
	new_dt(3, 1);
	sim_expect(kho_dt_cells(dt, 0, &c), -KHO_E_CELLS);
	new_dt(1, 0);
	assert_int_equal(fdt_setprop(dt, 0, "#size-cells", "\0\0", 2), 0);
	sim_expect(kho_dt_cells(dt, 0, &c), -KHO_E_CELLS);
}

static void test_pair_encoding(void **state)
{
	u8 buf[16];
	u64 a, s;
	const struct kho_cells c22 = { 2, 2 }, c11 = { 1, 1 }, c21 = { 2, 1 };
	static const u8 want21[12] = { 0, 0, 0, 8, 0x80, 0, 0, 0, 0, 0x10, 0, 0 };

	(void)state;
	assert_int_equal(kho_dt_write_pair(buf, &c21, 0x880000000ull, 0x100000), 12);
	assert_memory_equal(buf, want21, 12);
	kho_dt_read_pair(buf, &c21, &a, &s);
	assert_int_equal(a, 0x880000000ull);
	assert_int_equal(s, 0x100000);
	assert_int_equal(kho_dt_write_pair(buf, &c22, 0x880000000ull, 0x100000000ull),
			 16);
	kho_dt_read_pair(buf, &c22, &a, &s);
	assert_int_equal(s, 0x100000000ull);
	assert_int_equal(kho_dt_write_pair(buf, &c11, 0x40000000, 0x1000), 8);
	sim_expect(kho_dt_write_pair(buf, &c11, 0x880000000ull, 0x1000), -KHO_E_CELLS);
	sim_expect(kho_dt_write_pair(buf, &c11, 0x1000, 0x100000000ull), -KHO_E_CELLS);
}

static void test_chosen_set_get_clear(void **state)
{
	const struct kho_chosen in = { 0x880001000ull, 0x1000, 0x40101000, 32 };
	struct kho_chosen out;

	(void)state;
	new_dt(2, 1);
	sim_expect(kho_dt_set_chosen(dt, &in), 0);
	sim_expect(kho_dt_get_chosen(dt, &out), 0);
	assert_memory_equal(&in, &out, sizeof(in));
	sim_expect(kho_dt_clear_chosen(dt), 0);
	sim_expect(kho_dt_get_chosen(dt, &out), -KHO_E_NO_HANDOVER);
	sim_expect(kho_dt_clear_chosen(dt), 0); /* nothing left to clear */
}

/*
 * A DT whose /chosen repeats each KHO property (a stale hand-over twice): set
 * leaves one copy, ours, and clear leaves none to be read back.
 */
static void test_chosen_repeated_properties(void **state)
{
	const struct kho_chosen in = { 0x880001000ull, 0x1000, 0x40101000, 32 };
	static u8 sw[2048] __attribute__((aligned(8)));
	const fdt32_t stale[4] = { 0, cpu_to_fdt32(0x50000000), 0, cpu_to_fdt32(16) };
	struct kho_chosen out;

	(void)state;
	assert_int_equal(fdt_create(sw, sizeof(sw)), 0);
	assert_int_equal(fdt_finish_reservemap(sw), 0);
	assert_int_equal(fdt_begin_node(sw, ""), 0);
	assert_int_equal(fdt_property_u32(sw, "#address-cells", 2), 0);
	assert_int_equal(fdt_property_u32(sw, "#size-cells", 2), 0);
	assert_int_equal(fdt_begin_node(sw, "chosen"), 0);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(fdt_property(sw, KHO_CHOSEN_FDT_PROP, stale, 16), 0);
		assert_int_equal(fdt_property(sw, KHO_CHOSEN_SCRATCH_PROP, stale, 16), 0);
	}
	assert_int_equal(fdt_end_node(sw), 0);
	assert_int_equal(fdt_end_node(sw), 0);
	assert_int_equal(fdt_finish(sw), 0);
	assert_int_equal(fdt_open_into(sw, dt, DT_SIZE), 0);
	sim_expect(kho_dt_set_chosen(dt, &in), 0);
	sim_expect(kho_dt_get_chosen(dt, &out), 0);
	assert_memory_equal(&in, &out, sizeof(in));
	sim_expect(kho_dt_clear_chosen(dt), 0);
	sim_expect(kho_dt_get_chosen(dt, &out), -KHO_E_NO_HANDOVER);
	assert_null(fdt_getprop(dt, fdt_path_offset(dt, "/chosen"), KHO_CHOSEN_FDT_PROP,
				NULL));
}

static void test_chosen_clear_without_node(void **state)
{
	(void)state;
	new_dt(2, 2);
	sim_expect(kho_dt_clear_chosen(dt), 0);
	assert_true(fdt_path_offset(dt, "/chosen") < 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_resmem_two_cells_several_reg),
		cmocka_unit_test(test_resmem_one_cell),
		cmocka_unit_test(test_resmem_cma_pool),
		cmocka_unit_test(test_resmem_reusable_is_not_cma_without_pool),
		cmocka_unit_test(test_resmem_size_only),
		cmocka_unit_test(test_resmem_size_only_without_size),
		cmocka_unit_test(test_resmem_disabled_skipped),
		cmocka_unit_test(test_resmem_status_ok_is_enabled),
		cmocka_unit_test(test_memreserve_entries),
		cmocka_unit_test(test_resmem_absent),
		cmocka_unit_test(test_resmem_reg_not_whole_entries),
		cmocka_unit_test(test_resmem_bad_cells),
		cmocka_unit_test(test_resmem_callback_error_stops),
		cmocka_unit_test(test_memory_banks_and_reg_entries),
		cmocka_unit_test(test_memory_one_cell_default),
		cmocka_unit_test(test_memory_reg_three_cell_entries),
		cmocka_unit_test(test_memory_disabled_and_other_nodes_ignored),
		cmocka_unit_test(test_mem_from_dt),
		cmocka_unit_test(test_mem_from_dt_identity_windows),
		cmocka_unit_test(test_mem_from_dt_zero_size_skipped),
		cmocka_unit_test(test_mem_from_dt_no_memory),
		cmocka_unit_test(test_mem_from_dt_overlapping_banks),
		cmocka_unit_test(test_cells_validation),
		cmocka_unit_test(test_pair_encoding),
		cmocka_unit_test(test_chosen_set_get_clear),
		cmocka_unit_test(test_chosen_repeated_properties),
		cmocka_unit_test(test_chosen_clear_without_node),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
