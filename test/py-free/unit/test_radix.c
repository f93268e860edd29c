/* SPDX-License-Identifier: MIT */
/*
 * Radix key encoding and index split (ABI notes 2.2): the worked examples of the
 * table, the alignment rule, decoding, and the per-page-size constants.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <inttypes.h>
#include <kho/map.h>

#include "sim.h"

struct radix_row {
	u64 phys;
	unsigned int order;
	u64 key;
	unsigned int slot[6]; /* [5]..[1]: L5..L1, [0] unused */
	unsigned int bit;
};

/* The "Worked examples" table of the ABI notes, row by row. */
static const struct radix_row rows[] = {
	{ 0x123456000ull, 0, 0x0010000000123456ull, { 0, 36, 0, 0, 0, 2 }, 0x3456 },
	{ 0xFFFFF000ull, 0, 0x00100000000FFFFFull, { 0, 31, 0, 0, 0, 2 }, 32767 },
	{ 0x40000000ull, 9, 0x0000080000000200ull, { 0, 0, 0, 0, 2, 0 }, 512 },
	{ 0x80000000ull, 18, 0x0000000400000002ull, { 0, 0, 0, 2, 0, 0 }, 2 },
};

static void check_row(const struct radix_row *r)
{
	u64 key = kho_radix_encode(r->phys, r->order, 12);

	if (key != r->key)
		fail_msg("encode(0x%" PRIx64 ", order %u) = 0x%" PRIx64
			 ", spec says 0x%" PRIx64,
			 r->phys, r->order, key, r->key);
	for (unsigned int level = 5; level >= 1; level--) {
		unsigned int got = kho_radix_table_index(key, level, 12);
		if (got != r->slot[level])
			fail_msg("key 0x%" PRIx64 ": L%u slot %u, spec says %u", key,
				 level, got, r->slot[level]);
	}
	if (kho_radix_bit_index(key, 12) != r->bit)
		fail_msg("key 0x%" PRIx64 ": leaf bit %u, spec says %u", key,
			 kho_radix_bit_index(key, 12), r->bit);
}

static void test_spec_example_order0(void **state)
{
	(void)state;
	check_row(&rows[0]);
}

static void test_spec_row_top_of_4g(void **state)
{
	(void)state;
	check_row(&rows[1]);
}

static void test_spec_row_2m_order9(void **state)
{
	(void)state;
	check_row(&rows[2]);
}

static void test_spec_row_1g_order18(void **state)
{
	(void)state;
	check_row(&rows[3]);
}

static void test_decode_inverts_encode(void **state)
{
	(void)state;
	for (unsigned int i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		u64 phys = 0;
		unsigned int order = 99;

		sim_expect(kho_radix_decode(rows[i].key, 12, &phys, &order), 0);
		if (phys != rows[i].phys || order != rows[i].order)
			fail_msg("decode(0x%" PRIx64 ") = 0x%" PRIx64
				 "/%u, want 0x%" PRIx64 "/%u",
				 rows[i].key, phys, order, rows[i].phys, rows[i].order);
	}
}

static void test_order_bit_position(void **state)
{
	(void)state;
	/* order bit at 52 - order: 52, 51, 43, 34 for orders 0, 1, 9, 18 */
	assert_int_equal(kho_radix_encode(0, 0, 12), (u64)1 << 52);
	assert_int_equal(kho_radix_encode(0, 1, 12), (u64)1 << 51);
	assert_int_equal(kho_radix_encode(0, 9, 12), (u64)1 << 43);
	assert_int_equal(kho_radix_encode(0, 18, 12), (u64)1 << 34);
}

static void test_root_slot_by_order(void **state)
{
	(void)state;
	/* order 0 -> root slot 2, order 1 -> slot 1, order >= 2 -> slot 0 */
	assert_int_equal(kho_radix_table_index(kho_radix_encode(0x1000, 0, 12), 5, 12),
			 2);
	assert_int_equal(kho_radix_table_index(kho_radix_encode(0x2000, 1, 12), 5, 12),
			 1);
	assert_int_equal(kho_radix_table_index(kho_radix_encode(0x4000, 2, 12), 5, 12),
			 0);
	assert_int_equal(
		kho_radix_table_index(kho_radix_encode(0x8000000000ull, 10, 12), 5, 12),
		0);
}

static void test_misaligned_encodes_to_zero(void **state)
{
	(void)state;
	assert_int_equal(kho_radix_encode(0x1000, 1, 12), 0);
	assert_int_equal(kho_radix_encode(0x40001000ull, 9, 12), 0);
	assert_int_equal(kho_radix_encode(0x123, 0, 12), 0);
	assert_int_equal(kho_radix_encode(0x40000000ull + 0x200000, 10, 12), 0);
}

static void test_decode_rejects_zero_and_wide_keys(void **state)
{
	u64 phys;
	unsigned int order;

	(void)state;
	sim_expect(kho_radix_decode(0, 12, &phys, &order), -KHO_E_KEY);
	sim_expect(kho_radix_decode((u64)1 << 53, 12, &phys, &order), -KHO_E_KEY);
	sim_expect(kho_radix_decode((u64)1 << 63, 12, &phys, &order), -KHO_E_KEY);
}

static void test_high_address_above_4g(void **state)
{
	u64 phys = SIM_HIGH_BASE + 0x5000, got;
	unsigned int order;
	u64 key = kho_radix_encode(phys, 0, 12);

	(void)state;
	assert_int_equal(key, sim_radix_key(phys, 0));
	sim_expect(kho_radix_decode(key, 12, &got, &order), 0);
	assert_int_equal(got, phys);
	assert_int_equal(order, 0);
}

static void test_constants_4k(void **state)
{
	(void)state;
	assert_int_equal(KHO_RADIX_KEY_WIDTH(12), 53);
	assert_int_equal(KHO_TABLE_SIZE_LOG2(12), 9);
	assert_int_equal(KHO_BITMAP_SIZE_LOG2(12), 15);
	assert_int_equal(KHO_TREE_MAX_DEPTH(12), 6);
}

static void test_constants_16k(void **state)
{
	(void)state;
	assert_int_equal(KHO_RADIX_KEY_WIDTH(14), 51);
	assert_int_equal(KHO_TABLE_SIZE_LOG2(14), 11);
	assert_int_equal(KHO_BITMAP_SIZE_LOG2(14), 17);
	assert_int_equal(KHO_TREE_MAX_DEPTH(14), 5);
}

static void test_constants_64k(void **state)
{
	(void)state;
	assert_int_equal(KHO_RADIX_KEY_WIDTH(16), 49);
	assert_int_equal(KHO_TABLE_SIZE_LOG2(16), 13);
	assert_int_equal(KHO_BITMAP_SIZE_LOG2(16), 19);
	assert_int_equal(KHO_TREE_MAX_DEPTH(16), 4);
}

static void test_index_split_64k(void **state)
{
	/* 64 KiB pages: order bit 48 - order, leaf 19 bits, tables 13 bits */
	u64 phys = 0x123450000ull;
	u64 key = kho_radix_encode(phys, 0, 16), back;
	unsigned int order;

	(void)state;
	assert_int_equal(key, ((u64)1 << 48) | (phys >> 16));
	assert_int_equal(kho_radix_bit_index(key, 16), key & 0x7ffff);
	assert_int_equal(kho_radix_table_index(key, 1, 16), (key >> 19) & 0x1fff);
	assert_int_equal(kho_radix_table_index(key, 3, 16), (key >> 45) & 0x1fff);
	sim_expect(kho_radix_decode(key, 16, &back, &order), 0);
	assert_int_equal(back, phys);
	assert_int_equal(order, 0);
}

static void test_index_split_16k(void **state)
{
	u64 phys = 0x40008000ull;
	u64 key = kho_radix_encode(phys, 1, 14), back;
	unsigned int order;

	(void)state;
	/* 16 KiB pages: order bit 50 - order, leaf 17 bits, tables 11 bits */
	assert_int_equal(key, ((u64)1 << 49) | (phys >> 15));
	assert_int_equal(kho_radix_table_index(key, 4, 14), (key >> 50) & 0x7ff);
	sim_expect(kho_radix_decode(key, 14, &back, &order), 0);
	assert_int_equal(back, phys);
	assert_int_equal(order, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spec_example_order0),
		cmocka_unit_test(test_spec_row_top_of_4g),
		cmocka_unit_test(test_spec_row_2m_order9),
		cmocka_unit_test(test_spec_row_1g_order18),
		cmocka_unit_test(test_decode_inverts_encode),
		cmocka_unit_test(test_order_bit_position),
		cmocka_unit_test(test_root_slot_by_order),
		cmocka_unit_test(test_misaligned_encodes_to_zero),
		cmocka_unit_test(test_decode_rejects_zero_and_wide_keys),
		cmocka_unit_test(test_high_address_above_4g),
		cmocka_unit_test(test_constants_4k),
		cmocka_unit_test(test_constants_16k),
		cmocka_unit_test(test_constants_64k),
		cmocka_unit_test(test_index_split_64k),
		cmocka_unit_test(test_index_split_16k),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
