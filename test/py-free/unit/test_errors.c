/* SPDX-License-Identifier: MIT */
/*
 * Malformed handovers, one per way the input can be wrong. Each test starts from
 * a valid hand-made handover (v4 radix tree or v1 chunk list), breaks one thing,
 * and checks the consumer's exact error code, that the code has its own
 * non-empty string, and that the consumer wrote no byte of simulated RAM.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <inttypes.h>
#include <kho/dt.h>
#include <kho/in.h>
#include <kho/out.h>
#include <libfdt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim.h"

#define MiB (1024ull * 1024)

/* --------------------------- the fixtures are valid -------------------------- */

static void test_fixture_v4_is_valid(void **state)
{
	struct sim_fx *f = *state;

	sim_fx_v4(f, "kho-v4");
	sim_expect(sim_fx_consume(f, KHO_ABI_V4), 0);
}

static void test_fixture_v1_is_valid(void **state)
{
	struct sim_fx *f = *state;

	sim_fx_v1(f);
	sim_expect(sim_fx_consume(f, KHO_ABI_V1_4K), 0);
}

/* ------------------------------- OS DT, /chosen ----------------------------- */

static void test_no_handover_props(void **state)
{
	struct sim_fx *f = *state;

	sim_fx_v4(f, "kho-v4");
	sim_os_dt(f->dt, sizeof(f->dt), &f->s, 2, 2); /* fresh DT: empty /chosen */
	sim_fx_expect_fail(f, KHO_ABI_AUTO, KHO_E_NO_HANDOVER);
}

static void test_no_chosen_node(void **state)
{
	struct sim_fx *f = *state;

	sim_fx_v4(f, "kho-v4");
	assert_int_equal(fdt_del_node(f->dt, fdt_path_offset(f->dt, "/chosen")), 0);
	sim_fx_expect_fail(f, KHO_ABI_AUTO, KHO_E_NO_HANDOVER);
}

static void test_only_fdt_prop(void **state)
{
	struct sim_fx *f = *state;
	int chosen;

	sim_fx_v4(f, "kho-v4");
	chosen = fdt_path_offset(f->dt, "/chosen");
	assert_int_equal(fdt_delprop(f->dt, chosen, "linux,kho-scratch"), 0);
	sim_fx_expect_fail(f, KHO_ABI_AUTO, KHO_E_NO_HANDOVER);
}

static void test_chosen_wrong_length(void **state)
{
	struct sim_fx *f = *state;
	const u32 three[3] = { 0, (u32)SIM_FDT, 0x1000 };

	sim_fx_v4(f, "kho-v4");
	sim_chosen_cells(f->dt, "linux,kho-fdt", three, 3);
	sim_fx_expect_fail(f, KHO_ABI_AUTO, KHO_E_CHOSEN);
}

static void test_chosen_1_1_cells_for_2_2_dt(void **state)
{
	struct sim_fx *f = *state;

	sim_fx_v4(f, "kho-v4");
	sim_chosen_pair(f->dt, 1, 1, SIM_FDT, 0x1000, SIM_SCR_ARRAY, 16);
	sim_fx_expect_fail(f, KHO_ABI_AUTO, KHO_E_CHOSEN);
}

static void test_root_cells_invalid(void **state)
{
	struct sim_fx *f = *state;

	sim_fx_v4(f, "kho-v4");
	assert_int_equal(fdt_setprop_u32(f->dt, 0, "#address-cells", 3), 0);
	sim_fx_expect_fail(f, KHO_ABI_AUTO, KHO_E_CELLS);
}

static void test_os_dt_not_an_fdt(void **state)
{
	struct sim_fx *f = *state;

	sim_fx_v4(f, "kho-v4");
	memset(f->dt, 0x5a, 64);
	sim_fx_expect_fail(f, KHO_ABI_AUTO, KHO_E_FDT_HEADER);
}

/* --------------------------------- KHO FDT ---------------------------------- */

static void test_fdt_bad_magic(void **state)
{
	struct sim_fx *f = *state;

	sim_fx_v4(f, "kho-v4");
	((u8 *)f->fdt)[0] ^= 0xff;
	sim_fx_expect_fail(f, KHO_ABI_AUTO, KHO_E_FDT_HEADER);
}

static void test_fdt_bad_version(void **state)
{
	struct sim_fx *f = *state;

	sim_fx_v4(f, "kho-v4");
	fdt_set_version(f->fdt, 1);
	fdt_set_last_comp_version(f->fdt, 1);
	sim_fx_expect_fail(f, KHO_ABI_AUTO, KHO_E_FDT_HEADER);
}

static void test_fdt_truncated_struct_block(void **state)
{
	struct sim_fx *f = *state;

	/* The structure block ends before FDT_END_NODE/FDT_END. */
	sim_fx_v4(f, "kho-v4");
	fdt_set_size_dt_struct(f->fdt, fdt_size_dt_struct(f->fdt) - 8);
	sim_fx_expect_fail(f, KHO_ABI_AUTO, KHO_E_FDT_HEADER);
}

static void test_fdt_shorter_than_header(void **state)
{
	struct sim_fx *f = *state;

	sim_fx_v4(f, "kho-v4");
	sim_chosen_pair(f->dt, 2, 2, SIM_FDT, 16, SIM_SCR_ARRAY, 16);
	sim_fx_expect_fail(f, KHO_ABI_AUTO, KHO_E_FDT_HEADER);
}

static void test_fdt_totalsize_over_advertised(void **state)
{
	struct sim_fx *f = *state;

	sim_fx_v4(f, "kho-v4"); /* totalsize is 0x1000 */
	sim_chosen_pair(f->dt, 2, 2, SIM_FDT, 0x800, SIM_SCR_ARRAY, 16);
	sim_fx_expect_fail(f, KHO_ABI_AUTO, KHO_E_FDT_SIZE);
}

static void test_fdt_length_zero(void **state)
{
	struct sim_fx *f = *state;

	sim_fx_v4(f, "kho-v4");
	sim_chosen_pair(f->dt, 2, 2, SIM_FDT, 0, SIM_SCR_ARRAY, 16);
	sim_fx_expect_fail(f, KHO_ABI_AUTO, KHO_E_FDT_SIZE);
}

static void test_fdt_length_over_256k(void **state)
{
	struct sim_fx *f = *state;

	sim_fx_v4(f, "kho-v4");
	sim_chosen_pair(f->dt, 2, 2, SIM_FDT, 256 * 1024 + 8, SIM_SCR_ARRAY, 16);
	sim_fx_expect_fail(f, KHO_ABI_AUTO, KHO_E_FDT_SIZE);
}

static void test_fdt_misaligned(void **state)
{
	struct sim_fx *f = *state;

	sim_fx_v4(f, "kho-v4");
	sim_chosen_pair(f->dt, 2, 2, SIM_FDT + 4, 0x800, SIM_SCR_ARRAY, 16);
	sim_fx_expect_fail(f, KHO_ABI_AUTO, KHO_E_FDT_ALIGN);
}

static void test_fdt_outside_ram(void **state)
{
	struct sim_fx *f = *state;

	sim_fx_v4(f, "kho-v4");
	sim_chosen_pair(f->dt, 2, 2, 0x100000000ull, 0x1000, SIM_SCR_ARRAY, 16);
	sim_fx_expect_fail(f, KHO_ABI_AUTO, KHO_E_OUTSIDE_RAM);
}

static void test_fdt_in_unreadable_ram(void **state)
{
	struct sim_fx *f = *state;

	sim_fx_v4(f, "kho-v4");
	sim_chosen_pair(f->dt, 2, 2, SIM_DARK_BASE, 0x1000, SIM_SCR_ARRAY, 16);
	sim_fx_expect_fail(f, KHO_ABI_AUTO, KHO_E_UNMAPPED);
}

static void test_unknown_compatible(void **state)
{
	struct sim_fx *f = *state;

	sim_fx_v4(f, "kho-v9");
	sim_fx_expect_fail(f, KHO_ABI_AUTO, KHO_E_COMPAT);
}

static void test_kho_v2_never_released(void **state)
{
	struct sim_fx *f = *state;

	sim_fx_v4(f, "kho-v2");
	sim_fx_expect_fail(f, KHO_ABI_AUTO, KHO_E_COMPAT);
}

static void test_no_compatible(void **state)
{
	struct sim_fx *f = *state;

	sim_fx_v4(f, NULL);
	sim_fx_expect_fail(f, KHO_ABI_AUTO, KHO_E_COMPAT);
}

static void test_compatible_differs_from_hint(void **state)
{
	struct sim_fx *f = *state;

	sim_fx_v4(f, "kho-v4");
	sim_fx_expect_fail(f, KHO_ABI_V3, KHO_E_COMPAT);
}

static void test_map_property_missing(void **state)
{
	struct sim_fx *f = *state;

	sim_fx_v4(f, "kho-v4");
	assert_int_equal(fdt_delprop(f->fdt, 0, "preserved-memory-map"), 0);
	sim_fx_expect_fail(f, KHO_ABI_AUTO, KHO_E_PROP);
}

static void test_map_property_4_bytes(void **state)
{
	struct sim_fx *f = *state;

	sim_fx_v4(f, "kho-v4");
	assert_int_equal(fdt_setprop_u32(f->fdt, 0, "preserved-memory-map", (u32)f->map),
			 0);
	sim_fx_expect_fail(f, KHO_ABI_AUTO, KHO_E_PROP);
}

static void test_map_zero_v4(void **state)
{
	struct sim_fx *f = *state;

	sim_fx_v4(f, "kho-v4");
	sim_fx_set_map(f, 0);
	sim_fx_expect_fail(f, KHO_ABI_AUTO, KHO_E_MAP_ZERO);
}

static void test_map_zero_v3(void **state)
{
	struct sim_fx *f = *state;

	sim_fx_v4(f, "kho-v3");
	sim_fx_set_map(f, 0);
	sim_fx_expect_fail(f, KHO_ABI_V3, KHO_E_MAP_ZERO);
}

static void test_map_zero_v1_4k_nz(void **state)
{
	struct sim_fx *f = *state;

	sim_fx_v1(f);
	sim_fx_set_map(f, 0);
	sim_fx_expect_fail(f, KHO_ABI_V1_4K_NZ, KHO_E_MAP_ZERO);
}

/* ------------------------------- radix pointers ----------------------------- */

static void test_radix_root_outside_ram(void **state)
{
	struct sim_fx *f = *state;

	sim_fx_v4(f, "kho-v4");
	sim_fx_set_map(f, 0x2000);
	sim_fx_expect_fail(f, KHO_ABI_AUTO, KHO_E_OUTSIDE_RAM);
}

static void test_radix_child_outside_ram(void **state)
{
	struct sim_fx *f = *state;

	sim_fx_v4(f, "kho-v4");
	sim_fx_set_map(f, sim_fx_root(f, 2, 0x200000000ull));
	sim_fx_expect_fail(f, KHO_ABI_AUTO, KHO_E_OUTSIDE_RAM);
}

static void test_radix_child_in_unreadable_ram(void **state)
{
	struct sim_fx *f = *state;

	sim_fx_v4(f, "kho-v4");
	sim_fx_set_map(f, sim_fx_root(f, 2, SIM_DARK_BASE));
	sim_fx_expect_fail(f, KHO_ABI_AUTO, KHO_E_UNMAPPED);
}

static void test_radix_root_misaligned(void **state)
{
	struct sim_fx *f = *state;

	sim_fx_v4(f, "kho-v4");
	sim_fx_set_map(f, f->map + 8);
	sim_fx_expect_fail(f, KHO_ABI_AUTO, KHO_E_MISALIGNED);
}

static void test_radix_child_misaligned(void **state)
{
	struct sim_fx *f = *state;
	u64 child = sim_page(&f->a);

	sim_fx_v4(f, "kho-v4");
	sim_fx_set_map(f, sim_fx_root(f, 2, child + 0x10));
	sim_fx_expect_fail(f, KHO_ABI_AUTO, KHO_E_MISALIGNED);
}

static void test_radix_table_points_to_itself(void **state)
{
	struct sim_fx *f = *state;
	u64 root;

	sim_fx_v4(f, "kho-v4");
	root = sim_page(&f->a);
	sim_put_u64(&f->s, root + 8 * 2, root);
	sim_fx_set_map(f, root);
	sim_fx_expect_fail(f, KHO_ABI_AUTO, KHO_E_CYCLE);
}

static void test_radix_two_slots_one_node(void **state)
{
	struct sim_fx *f = *state;
	u64 root, shared;

	sim_fx_v4(f, "kho-v4");
	shared = sim_page(&f->a);
	root = sim_fx_root(f, 0, shared);
	sim_put_u64(&f->s, root + 8 * 2, shared);
	sim_fx_set_map(f, root);
	sim_fx_expect_fail(f, KHO_ABI_AUTO, KHO_E_CYCLE);
}

static void test_radix_leaf_shared_by_two_tables(void **state)
{
	struct sim_fx *f = *state;
	static const unsigned int slot[6] = { 0, 8, 0, 0, 0, 2 };
	u64 root, leaf, node;

	sim_fx_v4(f, "kho-v4");
	root = sim_fx_path(f, slot, &leaf);
	node = root;
	/* L1 slot 9 points at the same leaf as slot 8 */
	for (int level = 5; level > 1; level--)
		node = sim_get_u64(&f->s, node + 8 * slot[level]);
	sim_put_u64(&f->s, node + 8 * 9, leaf);
	sim_fx_set_map(f, root);
	sim_fx_expect_fail(f, KHO_ABI_AUTO, KHO_E_CYCLE);
}

static void test_radix_root_slot_beyond_key_width(void **state)
{
	struct sim_fx *f = *state;

	sim_fx_v4(f, "kho-v4");
	sim_fx_set_map(
		f, sim_fx_root(f, 4, sim_page(&f->a))); /* keys are 53 bits: slots 0-3 */
	sim_fx_expect_fail(f, KHO_ABI_AUTO, KHO_E_KEY);
}

/* The last slot inside the key width is an ordinary one. */
static void test_radix_root_last_slot_in_key_width(void **state)
{
	struct sim_fx *f = *state;

	sim_fx_v4(f, "kho-v4");
	sim_fx_set_map(f, sim_fx_root(f, 3, sim_page(&f->a)));
	sim_expect(sim_fx_consume(f, KHO_ABI_AUTO), 0);
}

static void test_radix_leaf_bit_beyond_ram(void **state)
{
	struct sim_fx *f = *state;
	u64 root = 0;

	sim_fx_v4(f, "kho-v4");
	sim_radix_add(&f->s, &f->a, &root, 0x100000000ull, 0); /* 4 GiB: a hole */
	sim_fx_set_map(f, root);
	sim_fx_expect_fail(f, KHO_ABI_AUTO, KHO_E_OUTSIDE_RAM);
}

static void test_radix_block_crosses_bank_end(void **state)
{
	struct sim_fx *f = *state;
	u64 root = 0;

	/* An order-13 (32 MiB) block at the low bank's base: the bank has 12 MiB. */
	sim_fx_v4(f, "kho-v4");
	sim_radix_add(&f->s, &f->a, &root, SIM_LOW_BASE, 13);
	sim_fx_set_map(f, root);
	sim_fx_expect_fail(f, KHO_ABI_AUTO, KHO_E_OUTSIDE_RAM);
}

static void test_radix_block_wraps(void **state)
{
	struct sim_fx *f = *state;
	static const unsigned int slot[6] = { 0, 511, 511, 511, 511, 3 };
	u64 root, leaf;

	/* key 0x1F_FFFF_FFFF_FFFF: order 0 at 0xFFFF_FFFF_FFFF_F000, ends at 2^64 */
	sim_fx_v4(f, "kho-v4");
	root = sim_fx_path(f, slot, &leaf);
	sim_set_bit(&f->s, leaf, 32767);
	sim_fx_set_map(f, root);
	sim_fx_expect_fail(f, KHO_ABI_AUTO, KHO_E_WRAP);
}

static void test_radix_order_19_rejected_by_v3(void **state)
{
	struct sim_fx *f = *state;
	u64 root = 0;

	/* 7.1 shifts an int: orders above 18 are out of its ABI. */
	sim_fx_v4(f, "kho-v3");
	sim_radix_add(&f->s, &f->a, &root, 0, 19);
	sim_fx_set_map(f, root);
	sim_fx_expect_fail(f, KHO_ABI_V3, KHO_E_ORDER);
}

static void test_radix_leaf_under_zero_prefix(void **state)
{
	struct sim_fx *f = *state;
	static const unsigned int slot[6] = { 0, 0, 0, 0, 0, 0 };
	u64 root, leaf;

	/* Keys below 2^15 would encode orders past any page size. */
	sim_fx_v4(f, "kho-v4");
	root = sim_fx_path(f, slot, &leaf);
	sim_set_bit(&f->s, leaf, 1);
	sim_fx_set_map(f, root);
	sim_fx_expect_fail(f, KHO_ABI_AUTO, KHO_E_ORDER);
}

/* --------------------------------- v1 chunks -------------------------------- */

static void test_v1_chunk_list_cycle(void **state)
{
	struct sim_fx *f = *state;

	sim_fx_v1(f);
	sim_put_u64(&f->s, f->map, f->map); /* hdr.next = itself */
	sim_fx_expect_fail(f, KHO_ABI_V1_4K, KHO_E_CYCLE);
}

static void test_v1_chunk_list_cycle_auto(void **state)
{
	struct sim_fx *f = *state;

	sim_fx_v1(f);
	sim_put_u64(&f->s, f->map, f->map);
	sim_fx_expect_fail(f, KHO_ABI_AUTO, KHO_E_CYCLE);
}

static void test_v1_chunk_list_cycle_auto_costs_no_ram_scan(void **state)
{
	struct sim_fx *f = *state;
	u64 second;

	/*
	 * Guessing the bitmap size walks the list before any page record exists. A
	 * loop must be found in steps of the list's length, not of RAM's size: with
	 * a PiB of (unreadable) RAM a RAM-sized budget would run for hours.
	 */
	sim_fx_v1(f);
	second = sim_page(&f->a);
	sim_v1_chunk(&f->s, second, f->map, 0, 0);
	sim_put_u64(&f->s, f->map, second);
	sim_expect(kho_mem_add_ram(&f->s.mem, 1ull << 50, 1ull << 50), 0);
	alarm(10); /* SIGALRM ends the test binary: a failure */
	sim_fx_expect_fail(f, KHO_ABI_AUTO, KHO_E_CYCLE);
	alarm(0);
}

static void test_v1_num_elms_256(void **state)
{
	struct sim_fx *f = *state;

	sim_fx_v1(f);
	sim_put_u32(&f->s, f->map + 12, 256);
	sim_fx_expect_fail(f, KHO_ABI_V1_4K, KHO_E_COUNT);
}

static void test_v1_order_19(void **state)
{
	struct sim_fx *f = *state;

	sim_fx_v1(f);
	sim_put_u32(&f->s, f->map + 8, 19);
	sim_v1_entry(&f->s, f->map, 0, 0, sim_get_u64(&f->s, f->map + 0x18));
	sim_fx_expect_fail(f, KHO_ABI_V1_4K, KHO_E_ORDER);
}

static void test_v1_chunk_misaligned(void **state)
{
	struct sim_fx *f = *state;

	sim_fx_v1(f);
	sim_fx_set_map(f, f->map + 0x800);
	sim_fx_expect_fail(f, KHO_ABI_V1_4K, KHO_E_MISALIGNED);
}

static void test_v1_phys_start_misaligned(void **state)
{
	struct sim_fx *f = *state;

	/* A 4 KiB order-0 bitmap spans 128 MiB: phys_start must be aligned to it. */
	sim_fx_v1(f);
	sim_put_u64(&f->s, f->map + 0x10, 0x40000000ull + 16 * MiB);
	sim_fx_expect_fail(f, KHO_ABI_V1_4K, KHO_E_MISALIGNED);
}

static void test_v1_bitmap_outside_ram(void **state)
{
	struct sim_fx *f = *state;

	sim_fx_v1(f);
	sim_put_u64(&f->s, f->map + 0x18, 0x3000);
	sim_fx_expect_fail(f, KHO_ABI_V1_4K, KHO_E_OUTSIDE_RAM);
}

static void test_v1_bitmap_unreadable(void **state)
{
	struct sim_fx *f = *state;

	sim_fx_v1(f);
	sim_put_u64(&f->s, f->map + 0x18, SIM_DARK_BASE);
	sim_fx_expect_fail(f, KHO_ABI_V1_4K, KHO_E_UNMAPPED);
}

static void test_v1_bit_beyond_ram(void **state)
{
	struct sim_fx *f = *state;
	u64 bm;

	sim_fx_v1(f);
	bm = sim_get_u64(&f->s, f->map + 0x18);
	sim_set_bit(&f->s, bm, 32000); /* 0x4000_0000 + 125 MiB: past the 12 MiB bank */
	sim_fx_expect_fail(f, KHO_ABI_V1_4K, KHO_E_OUTSIDE_RAM);
}

static void test_v1_block_wraps(void **state)
{
	struct sim_fx *f = *state;
	u64 bm;

	sim_fx_v1(f);
	bm = sim_page(&f->a); /* only the last bit set */
	sim_put_u64(&f->s, f->map + 0x18, bm);
	sim_put_u64(&f->s, f->map + 0x10, 0xFFFFFFFFF8000000ull);
	sim_set_bit(&f->s, bm, 32767); /* the last page of the address space */
	sim_fx_expect_fail(f, KHO_ABI_V1_4K, KHO_E_WRAP);
}

/* --------------------------------- scratch --------------------------------- */

static void test_scratch_over_preserved(void **state)
{
	struct sim_fx *f = *state;

	sim_fx_v4(f, "kho-v4");
	sim_fx_chosen(f, SIM_DATA, 4 * MiB); /* SIM_DATA holds a preserved page */
	sim_fx_expect_fail(f, KHO_ABI_AUTO, KHO_E_OVERLAP);
}

static void test_scratch_over_kho_fdt(void **state)
{
	struct sim_fx *f = *state;

	sim_fx_v4(f, "kho-v4");
	sim_fx_chosen(f, SIM_LOW_BASE, 4 * MiB); /* covers the KHO FDT page */
	sim_fx_expect_fail(f, KHO_ABI_AUTO, KHO_E_OVERLAP);
}

static void test_scratch_2m_aligned_v4(void **state)
{
	struct sim_fx *f = *state;

	sim_fx_v4(f, "kho-v4");
	sim_fx_chosen(f, SIM_SCRATCH + 2 * MiB, 2 * MiB);
	sim_fx_expect_fail(f, KHO_ABI_AUTO, KHO_E_SCRATCH_ALIGN);
}

static void test_scratch_2m_aligned_ok_for_v3(void **state)
{
	struct sim_fx *f = *state;

	sim_fx_v4(f, "kho-v3");
	sim_fx_chosen(f, SIM_SCRATCH + 2 * MiB, 2 * MiB);
	sim_expect(sim_fx_consume(f, KHO_ABI_AUTO), 0);
}

static void test_scratch_1m_aligned_v3(void **state)
{
	struct sim_fx *f = *state;

	sim_fx_v4(f, "kho-v3");
	sim_fx_chosen(f, SIM_SCRATCH + 1 * MiB, 2 * MiB);
	sim_fx_expect_fail(f, KHO_ABI_AUTO, KHO_E_SCRATCH_ALIGN);
}

static void test_scratch_size_not_aligned(void **state)
{
	struct sim_fx *f = *state;

	sim_fx_v4(f, "kho-v4");
	sim_fx_chosen(f, SIM_SCRATCH, SIM_SCRATCH_SIZE - 0x1000);
	sim_fx_expect_fail(f, KHO_ABI_AUTO, KHO_E_SCRATCH_ALIGN);
}

static void test_scratch_len_not_multiple_of_16(void **state)
{
	struct sim_fx *f = *state;

	sim_fx_v4(f, "kho-v4");
	sim_chosen_pair(f->dt, 2, 2, SIM_FDT, 0x1000, SIM_SCR_ARRAY, 24);
	sim_fx_expect_fail(f, KHO_ABI_AUTO, KHO_E_SCRATCH);
}

static void test_scratch_len_zero(void **state)
{
	struct sim_fx *f = *state;

	sim_fx_v4(f, "kho-v4");
	sim_chosen_pair(f->dt, 2, 2, SIM_FDT, 0x1000, SIM_SCR_ARRAY, 0);
	sim_fx_expect_fail(f, KHO_ABI_AUTO, KHO_E_SCRATCH);
}

static void test_scratch_array_misaligned(void **state)
{
	struct sim_fx *f = *state;

	sim_fx_v4(f, "kho-v4");
	sim_chosen_pair(f->dt, 2, 2, SIM_FDT, 0x1000, SIM_SCR_ARRAY + 4, 16);
	sim_fx_expect_fail(f, KHO_ABI_AUTO, KHO_E_MISALIGNED);
}

static void test_scratch_area_outside_ram(void **state)
{
	struct sim_fx *f = *state;

	sim_fx_v4(f, "kho-v4");
	sim_fx_chosen(f, 0x100000000ull, 4 * MiB);
	sim_fx_expect_fail(f, KHO_ABI_AUTO, KHO_E_OUTSIDE_RAM);
}

static void test_scratch_area_wraps(void **state)
{
	struct sim_fx *f = *state;

	sim_fx_v4(f, "kho-v4");
	sim_fx_chosen(f, 0xFFFFFFFFFFC00000ull, 8 * MiB);
	sim_fx_expect_fail(f, KHO_ABI_AUTO, KHO_E_WRAP);
}

static void test_scratch_array_outside_ram(void **state)
{
	struct sim_fx *f = *state;

	sim_fx_v4(f, "kho-v4");
	sim_chosen_pair(f->dt, 2, 2, SIM_FDT, 0x1000, 0x3000, 16);
	sim_fx_expect_fail(f, KHO_ABI_AUTO, KHO_E_OUTSIDE_RAM);
}

static void test_zero_size_scratch_entry_accepted(void **state)
{
	struct sim_fx *f = *state;

	/* Linux 7.0/7.1 emit a size-0 global area: skip it, do not reject. */
	sim_fx_v4(f, "kho-v4");
	sim_put_u64(&f->s, SIM_SCR_ARRAY + 16, 0x123);
	sim_put_u64(&f->s, SIM_SCR_ARRAY + 24, 0);
	sim_chosen_pair(f->dt, 2, 2, SIM_FDT, 0x1000, SIM_SCR_ARRAY, 32);
	sim_expect(sim_fx_consume(f, KHO_ABI_AUTO), 0);
	assert_int_equal(f->in.nr_scratch, 2);
}

/* --------------------------------- sub-blobs -------------------------------- */

static void test_duplicate_blob_names(void **state)
{
	struct sim_fx *f = *state;

	sim_fx_v4(f, "kho-v4");
	sim_fx_dup_blob_fdt(f);
	sim_fx_expect_fail(f, KHO_ABI_AUTO, KHO_E_DUP_BLOB);
}

static void test_blob_size_wrong_length(void **state)
{
	struct sim_fx *f = *state;
	int node;

	sim_fx_v4(f, "kho-v4");
	sim_kho_blob(f->fdt, "blob", "preserved-data", SIM_DATA, NULL, 0);
	node = fdt_subnode_offset(f->fdt, 0, "blob");
	assert_int_equal(fdt_setprop_u32(f->fdt, node, "blob-size", 0x1000), 0);
	sim_fx_expect_fail(f, KHO_ABI_AUTO, KHO_E_PROP);
}

static void test_blob_size_missing(void **state)
{
	struct sim_fx *f = *state;

	sim_fx_v4(f, "kho-v4");
	sim_kho_blob(f->fdt, "blob", "preserved-data", SIM_DATA, NULL, 0);
	sim_fx_expect_fail(f, KHO_ABI_AUTO, KHO_E_PROP);
}

static void test_blob_data_missing(void **state)
{
	struct sim_fx *f = *state;

	sim_fx_v4(f, "kho-v4");
	sim_kho_blob(f->fdt, "blob", NULL, 0, "blob-size", 0x1000);
	sim_fx_expect_fail(f, KHO_ABI_AUTO, KHO_E_PROP);
}

static void test_blob_wraps(void **state)
{
	struct sim_fx *f = *state;

	sim_fx_v4(f, "kho-v4");
	sim_kho_blob(f->fdt, "blob", "preserved-data", 0xFFFFFFFFFFFFF000ull, "blob-size",
		     0x2000);
	sim_fx_expect_fail(f, KHO_ABI_AUTO, KHO_E_WRAP);
}

static void test_blob_outside_ram(void **state)
{
	struct sim_fx *f = *state;

	sim_fx_v4(f, "kho-v4");
	sim_kho_blob(f->fdt, "blob", "preserved-data", 0x100000000ull, "blob-size", 64);
	sim_fx_expect_fail(f, KHO_ABI_AUTO, KHO_E_OUTSIDE_RAM);
}

static void test_blob_in_scratch(void **state)
{
	struct sim_fx *f = *state;

	sim_fx_v4(f, "kho-v4");
	sim_kho_blob(f->fdt, "blob", "preserved-data", SIM_SCRATCH + 0x1000, "blob-size",
		     64);
	sim_fx_expect_fail(f, KHO_ABI_AUTO, KHO_E_OVERLAP);
}

static void test_v1_blob_not_an_fdt(void **state)
{
	struct sim_fx *f = *state;

	sim_fx_v1(f);
	sim_kho_blob(f->fdt, "blob", "fdt", SIM_DATA, NULL, 0); /* poison, not an FDT */
	sim_fx_expect_fail(f, KHO_ABI_V1_4K, KHO_E_BLOB);
}

static void test_v1_blob_misaligned(void **state)
{
	struct sim_fx *f = *state;
	u64 blob[32];

	/* libfdt, so every Linux consumer, refuses an FDT that is not 8-byte aligned. */
	sim_fx_v1(f);
	assert_int_equal(fdt_create_empty_tree(blob, sizeof(blob)), 0);
	memcpy(sim_at(&f->s, SIM_DATA + 4, sizeof(blob)), blob, sizeof(blob));
	sim_kho_blob(f->fdt, "blob", "fdt", SIM_DATA + 4, NULL, 0);
	sim_fx_expect_fail(f, KHO_ABI_V1_4K, KHO_E_MISALIGNED);
}

static void test_v1_blob_fdt_prop_missing(void **state)
{
	struct sim_fx *f = *state;

	sim_fx_v1(f);
	sim_kho_blob(f->fdt, "blob", NULL, 0, NULL, 0);
	sim_fx_expect_fail(f, KHO_ABI_V1_4K, KHO_E_PROP);
}

static void test_find_missing_blob(void **state)
{
	struct sim_fx *f = *state;
	struct kho_blob b;

	sim_fx_v4(f, "kho-v4");
	sim_expect(sim_fx_consume(f, KHO_ABI_AUTO), 0);
	sim_expect(kho_in_find_blob(&f->in, "LUO", &b), -KHO_E_NOT_FOUND);
	sim_assert_strerror_distinct(-KHO_E_NOT_FOUND);
}

/* ------------------------ handover against firmware ------------------------ */

static void test_map_node_in_firmware(void **state)
{
	struct sim_fx *f = *state;
	u64 root = SIM_FW + 0x80000;

	sim_fx_v4(f, "kho-v4");
	sim_zero(&f->s, root, 0x1000);
	sim_fx_set_map(f, root);
	sim_fx_add_firmware(f);
	sim_fx_expect_fail(f, KHO_ABI_AUTO, KHO_E_PROTECTED);
}

static void test_preserved_block_in_firmware(void **state)
{
	struct sim_fx *f = *state;

	sim_fx_v4(f, "kho-v4");
	sim_radix_add(&f->s, &f->a, &f->map, SIM_FW + 0x2000, 0);
	sim_fx_add_firmware(f);
	sim_fx_expect_fail(f, KHO_ABI_AUTO, KHO_E_PROTECTED);
}

static void test_preserved_run_over_preserved_and_firmware(void **state)
{
	struct sim_fx *f = *state;

	u64 b = SIM_DATA + 0x10000;

	/*
	 * The order-1 block [b, b+8K) is walked first (root slot 1); the order-0 run
	 * [b+4K, b+12K) then overlaps it and, further up, the firmware.
	 */
	sim_fx_v4(f, "kho-v4");
	sim_radix_add(&f->s, &f->a, &f->map, b, 1);
	sim_radix_add(&f->s, &f->a, &f->map, b + 0x1000, 0);
	sim_radix_add(&f->s, &f->a, &f->map, b + 0x2000, 0);
	sim_expect(kho_rmap_add(&f->rm, b + 0x2000, b + 0x3000, KHO_KIND_FIRMWARE, "fw"),
		   0);
	sim_fx_expect_fail(f, KHO_ABI_AUTO, KHO_E_PROTECTED);
}

static void test_kho_fdt_in_firmware(void **state)
{
	struct sim_fx *f = *state;

	sim_fx_v4(f, "kho-v4");
	sim_expect(
		kho_rmap_add(&f->rm, SIM_FDT, SIM_FDT + 0x1000, KHO_KIND_FIRMWARE, "fw"),
		0);
	sim_fx_expect_fail(f, KHO_ABI_AUTO, KHO_E_PROTECTED);
}

static void test_map_node_on_kho_fdt_page(void **state)
{
	struct sim_fx *f = *state;

	sim_fx_v4(f, "kho-v4");
	sim_fx_set_map(f, SIM_FDT);
	sim_fx_expect_fail(f, KHO_ABI_AUTO, KHO_E_OVERLAP);
}

static void test_map_node_on_scratch_array(void **state)
{
	struct sim_fx *f = *state;

	sim_fx_v4(f, "kho-v4");
	sim_fx_set_map(f, sim_fx_root(f, 2, SIM_SCR_ARRAY));
	sim_fx_expect_fail(f, KHO_ABI_AUTO, KHO_E_OVERLAP);
}

static void test_rmap_full(void **state)
{
	struct sim_fx *f = *state;

	sim_fx_v4(f, "kho-v4");
	kho_rmap_init(&f->rm, f->store, 2);
	sim_fx_expect_fail(f, KHO_ABI_AUTO, KHO_E_NOSPC);
}

/* ------------------------------ caller errors ------------------------------ */

static void test_open_bad_page_shift(void **state)
{
	struct sim_fx *f = *state;

	sim_fx_v4(f, "kho-v4");
	sim_snapshot(&f->s);
	sim_expect(kho_in_open(&f->in, f->dt, &f->s.mem, 13, KHO_ABI_AUTO), -KHO_E_INVAL);
	sim_assert_strerror_distinct(-KHO_E_INVAL);
	sim_assert_unchanged(&f->s, NULL, 0, "kho_in_open");
}

static void test_open_v1_with_16k_pages(void **state)
{
	struct sim_fx *f = *state;

	sim_fx_v1(f);
	sim_snapshot(&f->s);
	sim_expect(kho_in_open(&f->in, f->dt, &f->s.mem, 14, KHO_ABI_AUTO), -KHO_E_ABI);
	sim_assert_strerror_distinct(-KHO_E_ABI);
	sim_assert_unchanged(&f->s, NULL, 0, "kho_in_open");
}

static void test_out_pool_empty(void **state)
{
	struct sim_fx *f = *state;
	struct kho_out out;
	struct sim_span pool = { SIM_POOL, SIM_POOL + 0x1000 };

	sim_alloc_init(&f->a, &f->s, SIM_POOL, SIM_POOL + 0x1000, 12); /* one page */
	sim_snapshot(&f->s);
	sim_expect(kho_out_init(&out, &f->s.mem, KHO_ABI_V4, 12, &f->a.pa, NULL),
		   -KHO_E_NOMEM);
	sim_assert_strerror_distinct(-KHO_E_NOMEM);
	sim_assert_unchanged(&f->s, &pool, 1, "kho_out_init");
}

static void test_out_chosen_no_room(void **state)
{
	struct sim_fx *f = *state;
	struct kho_out out;
	const struct kho_scratch sc = { SIM_SCRATCH, SIM_SCRATCH_SIZE };

	sim_expect(kho_out_init(&out, &f->s.mem, KHO_ABI_V4, 12, &f->a.pa, NULL), 0);
	sim_expect(kho_out_scratch(&out, SIM_SCR_ARRAY, &sc, 1), 0);
	fdt_pack(f->dt); /* no free space left in the OS DT */
	sim_expect(kho_out_chosen(&out, f->dt), -KHO_E_FDT);
	sim_assert_strerror_distinct(-KHO_E_FDT);
}

static void test_out_metadata_on_v1(void **state)
{
	struct sim_fx *f = *state;
	struct kho_out out;

	sim_expect(kho_out_init(&out, &f->s.mem, KHO_ABI_V1_4K, 12, &f->a.pa, NULL), 0);
	sim_expect(kho_out_metadata(&out, "6.18.0", 1), -KHO_E_ABI);
	sim_assert_strerror_distinct(-KHO_E_ABI);
}

static void test_out_chosen_cells_too_small(void **state)
{
	struct sim_fx *f = *state;
	struct sim_alloc high;
	struct kho_out out;
	const struct kho_scratch sc = { SIM_SCRATCH, SIM_SCRATCH_SIZE };

	/* The KHO FDT above 4 GiB cannot be named with one address cell. */
	sim_alloc_init(&high, &f->s, SIM_HIGH_BASE, SIM_HIGH_BASE + MiB, 12);
	sim_os_dt(f->dt, sizeof(f->dt), &f->s, 1, 1);
	sim_expect(kho_out_init(&out, &f->s.mem, KHO_ABI_V4, 12, &high.pa, NULL), 0);
	sim_expect(kho_out_scratch(&out, SIM_SCR_ARRAY, &sc, 1), 0);
	sim_expect(kho_out_chosen(&out, f->dt), -KHO_E_CELLS);
	sim_assert_strerror_distinct(-KHO_E_CELLS);
}

static void test_every_code_has_own_string(void **state)
{
	(void)state;
	for (int code = 0; code < KHO_E_COUNT_MAX; code++) {
		sim_assert_strerror_distinct(code);
		sim_assert_strerror_distinct(-code);
	}
	assert_string_equal(kho_strerror(-KHO_E_COUNT_MAX), kho_strerror(1000));
}

#define T(f) cmocka_unit_test_setup_teardown(f, sim_fx_setup, sim_fx_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_fixture_v4_is_valid),
		T(test_fixture_v1_is_valid),
		T(test_no_handover_props),
		T(test_no_chosen_node),
		T(test_only_fdt_prop),
		T(test_chosen_wrong_length),
		T(test_chosen_1_1_cells_for_2_2_dt),
		T(test_root_cells_invalid),
		T(test_os_dt_not_an_fdt),
		T(test_fdt_bad_magic),
		T(test_fdt_bad_version),
		T(test_fdt_truncated_struct_block),
		T(test_fdt_shorter_than_header),
		T(test_fdt_totalsize_over_advertised),
		T(test_fdt_length_zero),
		T(test_fdt_length_over_256k),
		T(test_fdt_misaligned),
		T(test_fdt_outside_ram),
		T(test_fdt_in_unreadable_ram),
		T(test_unknown_compatible),
		T(test_kho_v2_never_released),
		T(test_no_compatible),
		T(test_compatible_differs_from_hint),
		T(test_map_property_missing),
		T(test_map_property_4_bytes),
		T(test_map_zero_v4),
		T(test_map_zero_v3),
		T(test_map_zero_v1_4k_nz),
		T(test_radix_root_outside_ram),
		T(test_radix_child_outside_ram),
		T(test_radix_child_in_unreadable_ram),
		T(test_radix_root_misaligned),
		T(test_radix_child_misaligned),
		T(test_radix_table_points_to_itself),
		T(test_radix_two_slots_one_node),
		T(test_radix_leaf_shared_by_two_tables),
		T(test_radix_root_slot_beyond_key_width),
		T(test_radix_root_last_slot_in_key_width),
		T(test_radix_leaf_bit_beyond_ram),
		T(test_radix_block_crosses_bank_end),
		T(test_radix_block_wraps),
		T(test_radix_order_19_rejected_by_v3),
		T(test_radix_leaf_under_zero_prefix),
		T(test_v1_chunk_list_cycle),
		T(test_v1_chunk_list_cycle_auto),
		T(test_v1_chunk_list_cycle_auto_costs_no_ram_scan),
		T(test_v1_num_elms_256),
		T(test_v1_order_19),
		T(test_v1_chunk_misaligned),
		T(test_v1_phys_start_misaligned),
		T(test_v1_bitmap_outside_ram),
		T(test_v1_bitmap_unreadable),
		T(test_v1_bit_beyond_ram),
		T(test_v1_block_wraps),
		T(test_scratch_over_preserved),
		T(test_scratch_over_kho_fdt),
		T(test_scratch_2m_aligned_v4),
		T(test_scratch_2m_aligned_ok_for_v3),
		T(test_scratch_1m_aligned_v3),
		T(test_scratch_size_not_aligned),
		T(test_scratch_len_not_multiple_of_16),
		T(test_scratch_len_zero),
		T(test_scratch_array_misaligned),
		T(test_scratch_area_outside_ram),
		T(test_scratch_area_wraps),
		T(test_scratch_array_outside_ram),
		T(test_zero_size_scratch_entry_accepted),
		T(test_duplicate_blob_names),
		T(test_blob_size_wrong_length),
		T(test_blob_size_missing),
		T(test_blob_data_missing),
		T(test_blob_wraps),
		T(test_blob_outside_ram),
		T(test_blob_in_scratch),
		T(test_v1_blob_not_an_fdt),
		T(test_v1_blob_misaligned),
		T(test_v1_blob_fdt_prop_missing),
		T(test_find_missing_blob),
		T(test_map_node_in_firmware),
		T(test_preserved_block_in_firmware),
		T(test_preserved_run_over_preserved_and_firmware),
		T(test_kho_fdt_in_firmware),
		T(test_map_node_on_kho_fdt_page),
		T(test_map_node_on_scratch_array),
		T(test_rmap_full),
		T(test_open_bad_page_shift),
		T(test_open_v1_with_16k_pages),
		T(test_out_pool_empty),
		T(test_out_chosen_no_room),
		T(test_out_metadata_on_v1),
		T(test_out_chosen_cells_too_small),
		T(test_every_code_has_own_string),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
