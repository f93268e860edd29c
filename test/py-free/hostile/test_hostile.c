/* SPDX-License-Identifier: MIT */
/*
 * The catalogue of hostile handovers: one case per class of malformed input a
 * previous kernel (or whatever ran before the stage) can leave behind. Each case
 * starts from a valid hand-made handover in poisoned simulated RAM (sim.c),
 * breaks it in one way, and expects the consumer to reject it with that class's
 * own error code, having written no byte of RAM. Linux's own reader bounds
 * neither num_elms nor the length of a chain; khofw must.
 *
 * Classes: loops, bad pointers, bad counts and sizes, a bad KHO FDT, bad scratch,
 * a bad /chosen, an empty map in each ABI, and a bad OS DT.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <kho/dt.h>
#include <kho/in.h>
#include <libfdt.h>
#include <string.h>

#include "../unit/sim.h"

#define MiB (1024ull * 1024)

/* ---------------------------------- loops ---------------------------------- */

static void test_loop_in_the_tree(void **state)
{
	struct sim_fx *f = *state;
	static const unsigned int slot[6] = { 0, 36, 0, 0, 0, 2 };
	u64 root, leaf, l4;

	/* A level-4 table whose slot 1 points back at the root. */
	sim_fx_v4(f, "kho-v4");
	root = sim_fx_path(f, slot, &leaf);
	l4 = sim_get_u64(&f->s, root + 8 * 2);
	sim_put_u64(&f->s, l4 + 8 * 1, root);
	sim_fx_set_map(f, root);
	sim_fx_expect_fail(f, KHO_ABI_V4, KHO_E_CYCLE);
}

static void test_loop_in_the_chunk_list(void **state)
{
	struct sim_fx *f = *state;
	u64 second;

	/* chunk -> second -> chunk -> ... : Linux would walk it forever. */
	sim_fx_v1(f);
	second = sim_page(&f->a);
	sim_v1_chunk(&f->s, second, f->map, 0, 0);
	sim_put_u64(&f->s, f->map, second);
	sim_fx_expect_fail(f, KHO_ABI_V1_4K, KHO_E_CYCLE);
}

/* ------------------------------- bad pointers ------------------------------- */

static void test_pointer_outside_ram(void **state)
{
	struct sim_fx *f = *state;

	sim_fx_v4(f, "kho-v4");
	sim_fx_set_map(f, sim_fx_root(f, 2, 0x200000000ull)); /* 8 GiB: no RAM */
	sim_fx_expect_fail(f, KHO_ABI_V4, KHO_E_OUTSIDE_RAM);
}

static void test_pointer_into_the_stage_image(void **state)
{
	struct sim_fx *f = *state;
	u64 node = SIM_FW + 0x80000;

	/* A table "inside" the stage: reading it is harmless, trusting it is not. */
	sim_fx_v4(f, "kho-v4");
	sim_zero(&f->s, node, 0x1000);
	sim_fx_set_map(f, sim_fx_root(f, 2, node));
	sim_fx_add_firmware(f);
	sim_fx_expect_fail(f, KHO_ABI_V4, KHO_E_PROTECTED);
}

static void test_pointer_into_the_kho_fdt(void **state)
{
	struct sim_fx *f = *state;

	sim_fx_v1(f);
	sim_v1_entry(&f->s, f->map, 0, 0x40000000ull, SIM_FDT); /* bitmap = KHO FDT */
	sim_fx_expect_fail(f, KHO_ABI_V1_4K, KHO_E_OVERLAP);
}

static void test_pointer_unaligned(void **state)
{
	struct sim_fx *f = *state;
	u64 child = sim_page(&f->a);

	sim_fx_v4(f, "kho-v4");
	sim_fx_set_map(f, sim_fx_root(f, 2, child + 0x10));
	sim_fx_expect_fail(f, KHO_ABI_V4, KHO_E_MISALIGNED);
}

/* ---------------------------- bad counts and sizes -------------------------- */

static void test_num_elms_over_capacity(void **state)
{
	struct sim_fx *f = *state;

	/* 255 entries fit a chunk page; Linux would read 0xffff entries past it. */
	sim_fx_v1(f);
	sim_put_u32(&f->s, f->map + 12, 0xffff);
	sim_fx_expect_fail(f, KHO_ABI_V1_4K, KHO_E_COUNT);
}

static void test_order_over_maximum(void **state)
{
	struct sim_fx *f = *state;

	/* 6.16-7.0 compute a block's size with an int shift: order 19 breaks it. */
	sim_fx_v1(f);
	sim_put_u32(&f->s, f->map + 8, 19);
	sim_v1_entry(&f->s, f->map, 0, 0, sim_get_u64(&f->s, f->map + 0x18));
	sim_fx_expect_fail(f, KHO_ABI_V1_4K, KHO_E_ORDER);
}

static void test_leaf_bit_beyond_ram(void **state)
{
	struct sim_fx *f = *state;

	/* The page right after the 12 MiB low bank. */
	sim_fx_v4(f, "kho-v4");
	sim_radix_add(&f->s, &f->a, &f->map, SIM_LOW_BASE + 12 * MiB, 0);
	sim_fx_expect_fail(f, KHO_ABI_V4, KHO_E_OUTSIDE_RAM);
}

static void test_block_wraps_around(void **state)
{
	struct sim_fx *f = *state;
	static const unsigned int slot[6] = { 0, 511, 511, 511, 511, 3 };
	u64 root, leaf;

	/* Key 0x1f_ffff_ffff_ffff: the order-0 page at 2^64 - 4 KiB. */
	sim_fx_v4(f, "kho-v4");
	root = sim_fx_path(f, slot, &leaf);
	sim_set_bit(&f->s, leaf, 32767);
	sim_fx_set_map(f, root);
	sim_fx_expect_fail(f, KHO_ABI_V4, KHO_E_WRAP);
}

/* ------------------------------- bad KHO FDT -------------------------------- */

static void test_kho_fdt_truncated(void **state)
{
	struct sim_fx *f = *state;

	/* The structure block ends inside the root node. */
	sim_fx_v4(f, "kho-v4");
	fdt_set_size_dt_struct(f->fdt, fdt_size_dt_struct(f->fdt) - 8);
	sim_fx_expect_fail(f, KHO_ABI_AUTO, KHO_E_FDT_HEADER);
}

static void test_kho_fdt_totalsize_over_a_page(void **state)
{
	struct sim_fx *f = *state;

	/* /chosen says one page, as Linux does; the header claims two. */
	sim_fx_v4(f, "kho-v4");
	fdt_set_totalsize(f->fdt, 0x2000);
	sim_fx_expect_fail(f, KHO_ABI_AUTO, KHO_E_FDT_SIZE);
}

static void test_kho_fdt_bad_magic(void **state)
{
	struct sim_fx *f = *state;

	sim_fx_v4(f, "kho-v4");
	fdt_set_magic(f->fdt, 0xedfe0dd0); /* byte-swapped */
	sim_fx_expect_fail(f, KHO_ABI_AUTO, KHO_E_FDT_HEADER);
}

static void test_kho_fdt_wrong_compatible(void **state)
{
	struct sim_fx *f = *state;

	sim_fx_v4(f, "kho-v2"); /* development trees only */
	sim_fx_expect_fail(f, KHO_ABI_AUTO, KHO_E_COMPAT);
}

static void test_kho_fdt_property_missing(void **state)
{
	struct sim_fx *f = *state;

	sim_fx_v4(f, "kho-v4");
	assert_int_equal(fdt_delprop(f->fdt, 0, KHO_FDT_MEMORY_MAP_PROP_NAME), 0);
	sim_fx_expect_fail(f, KHO_ABI_AUTO, KHO_E_PROP);
}

static void test_kho_fdt_property_wrong_length(void **state)
{
	struct sim_fx *f = *state;
	int node;

	/* blob-size as one 32-bit cell: the kernel reads exactly 8 bytes. */
	sim_fx_v4(f, "kho-v4");
	sim_kho_blob(f->fdt, "blob", KHO_SUB_TREE_PROP_NAME, SIM_DATA, NULL, 0);
	node = fdt_subnode_offset(f->fdt, 0, "blob");
	assert_int_equal(fdt_setprop_u32(f->fdt, node, KHO_SUB_TREE_SIZE_PROP_NAME, 64),
			 0);
	sim_fx_expect_fail(f, KHO_ABI_AUTO, KHO_E_PROP);
}

static void test_kho_fdt_duplicate_blob_names(void **state)
{
	struct sim_fx *f = *state;

	sim_fx_v4(f, "kho-v4");
	sim_fx_dup_blob_fdt(f);
	sim_fx_expect_fail(f, KHO_ABI_AUTO, KHO_E_DUP_BLOB);
}

/*
 * A memory-reservation table with no terminating entry inside totalsize: libfdt's
 * fdt_num_mem_rsv() fails, and fdt_open_into() then moves a negative length.
 * Packed, the tree is header, one table entry, then the structure block.
 */
static void unterminate_memreserve(void *fdt)
{
	assert_int_equal(fdt_pack(fdt), 0);
	assert_int_equal(fdt_num_mem_rsv(fdt), 0);
	fdt64_st((u8 *)fdt + fdt_off_mem_rsvmap(fdt) + 8, 0x1000);
	assert_int_equal(fdt_num_mem_rsv(fdt), -FDT_ERR_TRUNCATED);
}

static void test_kho_fdt_memreserve_unterminated(void **state)
{
	struct sim_fx *f = *state;

	sim_fx_v4(f, "kho-v4");
	unterminate_memreserve(f->fdt);
	sim_fx_expect_fail(f, KHO_ABI_AUTO, KHO_E_FDT_HEADER);
}

/* -------------------------------- bad scratch ------------------------------- */

static void test_scratch_over_preserved_memory(void **state)
{
	struct sim_fx *f = *state;

	sim_fx_v4(f, "kho-v4");
	sim_fx_chosen(f, SIM_DATA, 4 * MiB); /* SIM_DATA is a preserved page */
	sim_fx_expect_fail(f, KHO_ABI_AUTO, KHO_E_OVERLAP);
}

static void test_scratch_not_4m_aligned_v4(void **state)
{
	struct sim_fx *f = *state;

	/* 2 MiB is enough up to 7.1; 7.2+ rely on MAX_ORDER_NR_PAGES alignment. */
	sim_fx_v4(f, "kho-v4");
	sim_fx_chosen(f, SIM_SCRATCH + 2 * MiB, 4 * MiB);
	sim_fx_expect_fail(f, KHO_ABI_AUTO, KHO_E_SCRATCH_ALIGN);
}

/* -------------------------------- bad /chosen ------------------------------- */

/* A 32-bit OS DT (root #address-cells = #size-cells = 1). */
static void one_cell_dt(struct sim_fx *f)
{
	sim_os_dt(f->dt, sizeof(f->dt), &f->s, 1, 1);
}

static void test_chosen_64bit_address_2_1_cells(void **state)
{
	struct sim_fx *f = *state;
	const u32 fdt[3] = { 0, (u32)SIM_FDT, 0x1000 };
	const u32 scr[3] = { 0, (u32)SIM_SCR_ARRAY, 16 };

	/* Read as 1+1 cells this would be <0 0x40100000>: a handover at 0. */
	sim_fx_v4(f, "kho-v4");
	one_cell_dt(f);
	sim_chosen_cells(f->dt, KHO_CHOSEN_FDT_PROP, fdt, 3);
	sim_chosen_cells(f->dt, KHO_CHOSEN_SCRATCH_PROP, scr, 3);
	sim_fx_expect_fail(f, KHO_ABI_AUTO, KHO_E_CHOSEN);
}

static void test_chosen_64bit_address_2_2_cells(void **state)
{
	struct sim_fx *f = *state;

	/* Two 1+1 entries to a 6.17 reader; Linux 6.18+ wants exactly one. */
	sim_fx_v4(f, "kho-v4");
	one_cell_dt(f);
	sim_chosen_pair(f->dt, 2, 2, SIM_FDT, 0x1000, SIM_SCR_ARRAY, 16);
	sim_fx_expect_fail(f, KHO_ABI_AUTO, KHO_E_CHOSEN);
}

static void test_chosen_1_1_cells_address_above_4g(void **state)
{
	struct sim_fx *f = *state;
	u64 real = SIM_HIGH_BASE + 0x100000;

	/*
	 * The handover's KHO FDT is above 4 GiB, and a producer wrote only the low
	 * 32 bits of its address. Nothing tells a cut address from a real one: what
	 * is found there must be validated like anything else, and rejected.
	 */
	sim_fx_v4(f, "kho-v4");
	sim_kho_fdt(&f->s, real, 0x1000, "kho-v4", 1, f->map);
	one_cell_dt(f);
	sim_chosen_pair(f->dt, 1, 1, (u32)real, 0x1000, SIM_SCR_ARRAY, 16);
	sim_fx_expect_fail(f, KHO_ABI_AUTO, KHO_E_OUTSIDE_RAM);
}

/* ------------------------------ empty map per ABI ---------------------------- */

/* The v1 fixture with preserved-memory-map = 0, consumed as abi. */
static int consume_v1_map_zero(struct sim_fx *f, enum kho_abi abi)
{
	sim_fx_v1(f);
	sim_fx_set_map(f, 0);
	return sim_fx_consume(f, abi);
}

static void test_empty_map_v1_512_accepted(void **state)
{
	struct sim_fx *f = *state;

	/* 6.16 - 6.17.8: 0 means nothing preserved. */
	sim_expect(consume_v1_map_zero(f, KHO_ABI_V1_512), 0);
	assert_int_equal(kho_rmap_total(&f->rm, KHO_KIND_PRESERVED), 0);
	assert_int_equal(kho_rmap_total(&f->rm, KHO_KIND_MAP), 0);
}

static void test_empty_map_v1_4k_accepted(void **state)
{
	struct sim_fx *f = *state;

	/* 6.17.9 - 6.18: still accepted. */
	sim_expect(consume_v1_map_zero(f, KHO_ABI_V1_4K), 0);
	assert_int_equal(kho_rmap_total(&f->rm, KHO_KIND_PRESERVED), 0);
}

static void test_empty_map_v1_4k_nz_rejected(void **state)
{
	struct sim_fx *f = *state;

	/* 6.19 and 7.0 read 0 as "not finalized" and drop the whole handover. */
	sim_expect(consume_v1_map_zero(f, KHO_ABI_V1_4K_NZ), -KHO_E_MAP_ZERO);
}

static void test_empty_chunk_v1_4k_nz_accepted(void **state)
{
	struct sim_fx *f = *state;

	/* What a 6.19 producer with nothing to preserve must emit instead. */
	sim_fx_v1(f);
	sim_v1_chunk(&f->s, f->map, 0, 0, 0);
	sim_expect(sim_fx_consume(f, KHO_ABI_V1_4K_NZ), 0);
	assert_int_equal(kho_rmap_total(&f->rm, KHO_KIND_PRESERVED), 0);
	assert_int_equal(kho_rmap_total(&f->rm, KHO_KIND_MAP), 0x1000);
}

static void test_empty_map_v1_auto_accepted(void **state)
{
	struct sim_fx *f = *state;

	/* "kho-v1" cannot tell 6.18 from 6.19: without a hint, accept as 6.18 does. */
	sim_expect(consume_v1_map_zero(f, KHO_ABI_AUTO), 0);
	assert_int_equal(f->in.abi, KHO_ABI_V1_4K);
}

static void test_empty_map_v3_rejected(void **state)
{
	struct sim_fx *f = *state;

	sim_fx_v4(f, "kho-v3");
	sim_fx_set_map(f, 0);
	sim_fx_expect_fail(f, KHO_ABI_V3, KHO_E_MAP_ZERO);
}

static void test_empty_map_v4_rejected(void **state)
{
	struct sim_fx *f = *state;

	sim_fx_v4(f, "kho-v4");
	sim_fx_set_map(f, 0);
	sim_fx_expect_fail(f, KHO_ABI_V4, KHO_E_MAP_ZERO);
}

/* --------------------------------- bad OS DT -------------------------------- */

static int count_region(void *arg, const struct kho_resmem *r)
{
	(void)r;
	(*(int *)arg)++;
	return 0;
}

static void test_os_dt_memreserve_unterminated(void **state)
{
	struct sim_fx *f = *state;
	int n = 0;

	/* /memreserve/ entries that cannot be counted must not be skipped. */
	unterminate_memreserve(f->dt);
	sim_expect(kho_fdt_check(f->dt, fdt_totalsize(f->dt)), -KHO_E_FDT_HEADER);
	sim_expect(kho_dt_for_each_resmem(f->dt, count_region, &n), -KHO_E_FDT_HEADER);
	sim_assert_strerror_distinct(-KHO_E_FDT_HEADER);
}

static void test_os_dt_names_outside_strings_block(void **state)
{
	struct sim_fx *f = *state;

	/*
	 * A version-16 header with an empty strings block: libfdt reads the names
	 * anyway (it checks size_dt_strings from version 17 on), but fdt_open_into(),
	 * run before kho_out_chosen(), copies the empty block and leaves every
	 * property nameless in the DT handed to Linux.
	 */
	assert_int_equal(fdt_pack(f->dt), 0);
	fdt_set_version(f->dt, 16);
	fdt_set_last_comp_version(f->dt, 16);
	fdt_set_size_dt_strings(f->dt, 0);
	assert_non_null(fdt_getprop(f->dt, 0, "#address-cells", NULL));
	sim_expect(kho_fdt_check(f->dt, fdt_totalsize(f->dt)), -KHO_E_FDT_HEADER);
	sim_assert_strerror_distinct(-KHO_E_FDT_HEADER);
}

#define T(f) cmocka_unit_test_setup_teardown(f, sim_fx_setup, sim_fx_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_loop_in_the_tree),
		T(test_loop_in_the_chunk_list),
		T(test_pointer_outside_ram),
		T(test_pointer_into_the_stage_image),
		T(test_pointer_into_the_kho_fdt),
		T(test_pointer_unaligned),
		T(test_num_elms_over_capacity),
		T(test_order_over_maximum),
		T(test_leaf_bit_beyond_ram),
		T(test_block_wraps_around),
		T(test_kho_fdt_truncated),
		T(test_kho_fdt_totalsize_over_a_page),
		T(test_kho_fdt_bad_magic),
		T(test_kho_fdt_wrong_compatible),
		T(test_kho_fdt_property_missing),
		T(test_kho_fdt_property_wrong_length),
		T(test_kho_fdt_duplicate_blob_names),
		T(test_kho_fdt_memreserve_unterminated),
		T(test_scratch_over_preserved_memory),
		T(test_scratch_not_4m_aligned_v4),
		T(test_chosen_64bit_address_2_1_cells),
		T(test_chosen_64bit_address_2_2_cells),
		T(test_chosen_1_1_cells_address_above_4g),
		T(test_empty_map_v1_512_accepted),
		T(test_empty_map_v1_4k_accepted),
		T(test_empty_map_v1_4k_nz_rejected),
		T(test_empty_chunk_v1_4k_nz_accepted),
		T(test_empty_map_v1_auto_accepted),
		T(test_empty_map_v3_rejected),
		T(test_empty_map_v4_rejected),
		T(test_os_dt_memreserve_unterminated),
		T(test_os_dt_names_outside_strings_block),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
