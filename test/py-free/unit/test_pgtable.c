/* SPDX-License-Identifier: MIT */
/*
 * The AArch64 identity-map builder (arch/arm64/pgtable.c) on the host:
 * descriptor bits per memory type and regime, levels (1 GiB and 2 MiB blocks,
 * 4 KiB pages), block splitting when a later region overrides part of a block
 * (no cacheable alias of a non-cacheable buffer), pool and argument errors,
 * TCR values, and a property test against a model of "last region wins".
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <inttypes.h>
#include <kho/err.h>
#include <stdlib.h>

#include "pgtable.h"

#define KiB 1024ull
#define MiB (1024 * KiB)
#define GiB (1024 * MiB)
#define POOL_PAGES 64

static void *pool;

static int setup(void **state)
{
	(void)state;
	pool = aligned_alloc(PGT_PAGE_SIZE, POOL_PAGES * PGT_PAGE_SIZE);
	return pool ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	free(pool);
	return 0;
}

static void init39(struct arm64_pgt *t)
{
	assert_int_equal(arm64_pgt_init(t, pool, POOL_PAGES * PGT_PAGE_SIZE, 39, 0), 0);
}

/* Output address of the leaf d at level for va. */
static uint64_t out_addr(uint64_t d, unsigned int level, uint64_t va)
{
	uint64_t span = 1ull << (12 + 9 * (3 - level));

	return (d & PGT_ADDR_MASK & ~(span - 1)) | (va & (span - 1));
}

/* The leaf of va: identity-mapped, at level, with attr's MAIR index. */
static uint64_t expect_leaf(const struct arm64_pgt *t, uint64_t va, unsigned int level,
			    unsigned int mair)
{
	unsigned int l = 99;
	uint64_t d = arm64_pgt_lookup(t, va, &l);

	if (!d)
		fail_msg("0x%" PRIx64 " is not mapped", va);
	assert_int_equal(l, level);
	assert_int_equal(out_addr(d, l, va), va);
	assert_int_equal(PGT_ATTRIDX_OF(d), mair);
	/* Block: 0b01 at levels 1-2; page: 0b11 at level 3. */
	assert_int_equal(d & 3, level == 3 ? 3 : 1);
	assert_true(d & PGT_AF);
	return d;
}

static void test_init_errors(void **state)
{
	struct arm64_pgt t;

	(void)state;
	assert_int_equal(arm64_pgt_init(&t, pool, PGT_PAGE_SIZE, 40, 0), -KHO_E_INVAL);
	assert_int_equal(arm64_pgt_init(&t, (char *)pool + 8, PGT_PAGE_SIZE, 39, 0),
			 -KHO_E_MISALIGNED);
	assert_int_equal(arm64_pgt_init(&t, pool, PGT_PAGE_SIZE - 1, 39, 0),
			 -KHO_E_NOMEM);
	assert_int_equal(arm64_pgt_init(&t, pool, PGT_PAGE_SIZE, 48, 0), 0);
	assert_int_equal(t.start_level, 0);
}

static void test_gib_block(void **state)
{
	struct arm64_pgt t;
	uint64_t d;

	(void)state;
	init39(&t);
	assert_int_equal(arm64_pgt_map(&t, 1 * GiB, 1 * GiB, ARCH_MEM_NORMAL_WB), 0);
	d = expect_leaf(&t, 1 * GiB + 0x1234000, 1, PGT_MAIR_WB);
	assert_int_equal(d & (3ull << 8), PGT_SH_INNER);
	assert_false(d & (PGT_XN | PGT_PXN | PGT_AP1));
	assert_int_equal(t.used, 1); /* the root only */
	assert_int_equal(arm64_pgt_lookup(&t, 2 * GiB, NULL), 0);
	assert_int_equal(arm64_pgt_lookup(&t, 1 * GiB - 1, NULL), 0);
}

static void test_mib_blocks_and_pages(void **state)
{
	struct arm64_pgt t;

	(void)state;
	init39(&t);
	/* 4 KiB at both ends, 2 MiB blocks in between. */
	assert_int_equal(arm64_pgt_map(&t, 1 * GiB + 2 * MiB - 4 * KiB, 4 * MiB + 8 * KiB,
				       ARCH_MEM_NORMAL_WB),
			 0);
	expect_leaf(&t, 1 * GiB + 2 * MiB - 4 * KiB, 3, PGT_MAIR_WB);
	expect_leaf(&t, 1 * GiB + 2 * MiB, 2, PGT_MAIR_WB);
	expect_leaf(&t, 1 * GiB + 5 * MiB, 2, PGT_MAIR_WB);
	expect_leaf(&t, 1 * GiB + 6 * MiB, 3, PGT_MAIR_WB);
	assert_int_equal(arm64_pgt_lookup(&t, 1 * GiB + 6 * MiB + 4 * KiB, NULL), 0);
	assert_int_equal(arm64_pgt_lookup(&t, 1 * GiB + 2 * MiB - 8 * KiB, NULL), 0);
	assert_int_equal(t.used, 4); /* root, one level 2, two level 3 */
}

static void test_device_attrs(void **state)
{
	struct arm64_pgt t;
	uint64_t d;

	(void)state;
	init39(&t);
	assert_int_equal(arm64_pgt_map(&t, 0, 1 * GiB, ARCH_MEM_DEVICE), 0);
	d = expect_leaf(&t, 0x09000000, 1, PGT_MAIR_DEVICE);
	assert_true(d & PGT_XN);
	assert_true(d & PGT_PXN);
	assert_int_equal(d & (3ull << 8), 0);
}

static void test_nc_page_inside_ram_block(void **state)
{
	struct arm64_pgt t;
	const uint64_t nc = 1 * GiB + 2 * MiB + 4 * KiB;
	unsigned int n_nc = 0;
	uint64_t d;

	(void)state;
	init39(&t);
	assert_int_equal(arm64_pgt_map(&t, 1 * GiB, 1 * GiB, ARCH_MEM_NORMAL_WB), 0);
	assert_int_equal(arm64_pgt_map(&t, nc, 4 * KiB, ARCH_MEM_NORMAL_NC), 0);
	d = expect_leaf(&t, nc, 3, PGT_MAIR_NC);
	assert_true(d & PGT_XN);
	/* The rest of the split block keeps its attributes, level by level. */
	expect_leaf(&t, nc - 4 * KiB, 3, PGT_MAIR_WB);
	expect_leaf(&t, nc + 4 * KiB, 3, PGT_MAIR_WB);
	expect_leaf(&t, 1 * GiB, 2, PGT_MAIR_WB);
	expect_leaf(&t, 2 * GiB - 2 * MiB, 2, PGT_MAIR_WB);
	/* No cacheable alias: exactly one page of the 2 MiB is NC. */
	for (uint64_t va = 1 * GiB + 2 * MiB; va < 1 * GiB + 4 * MiB; va += 4 * KiB) {
		d = arm64_pgt_lookup(&t, va, NULL);
		assert_int_equal(out_addr(d, 3, va), va);
		n_nc += PGT_ATTRIDX_OF(d) == PGT_MAIR_NC;
	}
	assert_int_equal(n_nc, 1);
	assert_int_equal(t.used, 3);
}

static void test_nc_whole_block(void **state)
{
	struct arm64_pgt t;

	(void)state;
	init39(&t);
	assert_int_equal(arm64_pgt_map(&t, 1 * GiB, 1 * GiB, ARCH_MEM_NORMAL_WB), 0);
	assert_int_equal(
		arm64_pgt_map(&t, 1 * GiB + 4 * MiB, 2 * MiB, ARCH_MEM_NORMAL_NC), 0);
	expect_leaf(&t, 1 * GiB + 5 * MiB, 2, PGT_MAIR_NC);
	expect_leaf(&t, 1 * GiB + 6 * MiB, 2, PGT_MAIR_WB);
	assert_int_equal(t.used, 2);
}

static void test_later_region_wins(void **state)
{
	struct arm64_pgt t;

	(void)state;
	init39(&t);
	assert_int_equal(arm64_pgt_map(&t, 1 * GiB, 4 * KiB, ARCH_MEM_NORMAL_NC), 0);
	assert_int_equal(arm64_pgt_map(&t, 1 * GiB, 1 * GiB, ARCH_MEM_NORMAL_WB), 0);
	expect_leaf(&t, 1 * GiB, 1, PGT_MAIR_WB);
}

static void test_48bit_va(void **state)
{
	struct arm64_pgt t;
	const uint64_t high = 1ull << 40; /* above the 39-bit range */

	(void)state;
	init39(&t);
	assert_int_equal(arm64_pgt_map(&t, high, 1 * GiB, ARCH_MEM_NORMAL_WB),
			 -KHO_E_INVAL);
	assert_int_equal(arm64_pgt_init(&t, pool, POOL_PAGES * PGT_PAGE_SIZE, 48, 0), 0);
	assert_int_equal(arm64_pgt_map(&t, high, 1 * GiB, ARCH_MEM_NORMAL_WB), 0);
	assert_int_equal(arm64_pgt_map(&t, 1 * GiB, 1 * GiB, ARCH_MEM_NORMAL_WB), 0);
	expect_leaf(&t, high + 3 * MiB, 1, PGT_MAIR_WB);
	expect_leaf(&t, 1 * GiB + 3 * MiB, 1, PGT_MAIR_WB);
	assert_int_equal(t.used, 3); /* level 0 root, two level 1 tables */
	assert_int_equal(arm64_pgt_map(&t, 1ull << 48, 4 * KiB, ARCH_MEM_NORMAL_WB),
			 -KHO_E_INVAL);
}

static void test_one_range_attrs(void **state)
{
	struct arm64_pgt t;
	uint64_t d;

	(void)state;
	assert_int_equal(arm64_pgt_init(&t, pool, POOL_PAGES * PGT_PAGE_SIZE, 39, 1), 0);
	assert_int_equal(arm64_pgt_map(&t, 0, 1 * GiB, ARCH_MEM_DEVICE), 0);
	assert_int_equal(arm64_pgt_map(&t, 1 * GiB, 1 * GiB, ARCH_MEM_NORMAL_WB), 0);
	d = expect_leaf(&t, 0x09000000, 1, PGT_MAIR_DEVICE);
	assert_true(d & PGT_AP1);  /* RES1 at EL2 */
	assert_true(d & PGT_XN);   /* XN */
	assert_false(d & PGT_PXN); /* RES0 at EL2 */
	d = expect_leaf(&t, 1 * GiB, 1, PGT_MAIR_WB);
	assert_true(d & PGT_AP1);
	assert_false(d & PGT_XN);
}

static void test_pool_exhausted(void **state)
{
	struct arm64_pgt t;

	(void)state;
	assert_int_equal(arm64_pgt_init(&t, pool, 2 * PGT_PAGE_SIZE, 39, 0), 0);
	/* Needs a level 2 and a level 3 table: only one page is left. */
	assert_int_equal(arm64_pgt_map(&t, 1 * GiB, 4 * KiB, ARCH_MEM_NORMAL_WB),
			 -KHO_E_NOMEM);
	assert_int_equal(t.used, 2);
}

static void test_map_errors(void **state)
{
	struct arm64_pgt t;

	(void)state;
	init39(&t);
	assert_int_equal(arm64_pgt_map(&t, 1 * GiB + 8, 4 * KiB, ARCH_MEM_NORMAL_WB),
			 -KHO_E_MISALIGNED);
	assert_int_equal(arm64_pgt_map(&t, 1 * GiB, 4 * KiB + 1, ARCH_MEM_NORMAL_WB),
			 -KHO_E_MISALIGNED);
	assert_int_equal(arm64_pgt_map(&t, 1 * GiB, 0, ARCH_MEM_NORMAL_WB), -KHO_E_INVAL);
	assert_int_equal(arm64_pgt_map(&t, 1 * GiB, 4 * KiB, (enum arch_mem_attr)7),
			 -KHO_E_INVAL);
	assert_int_equal(arm64_pgt_map(&t, ~0ull - 4095, 8 * KiB, ARCH_MEM_NORMAL_WB),
			 -KHO_E_WRAP);
	assert_int_equal(t.used, 1);
}

static void test_tcr(void **state)
{
	uint64_t tcr;

	(void)state;
	tcr = arm64_pgt_tcr(39, 44, 0); /* EL1, cortex-a57 */
	assert_int_equal(tcr & 0x3f, 25);
	assert_int_equal((tcr >> 8) & 0xf, 0x5); /* IRGN0, ORGN0 write-back */
	assert_int_equal((tcr >> 12) & 3, 3);	 /* SH0 inner */
	assert_int_equal((tcr >> 14) & 3, 0);	 /* TG0 4 KiB */
	assert_int_equal((tcr >> 23) & 1, 1);	 /* EPD1 */
	assert_int_equal((tcr >> 30) & 3, 2);	 /* TG1 4 KiB */
	assert_int_equal((tcr >> 32) & 7, 4);	 /* IPS 44 bits */
	tcr = arm64_pgt_tcr(48, 40, 1);		 /* EL2 without VHE */
	assert_int_equal(tcr & 0x3f, 16);
	assert_int_equal((tcr >> 16) & 7, 2); /* PS 40 bits */
	assert_int_equal(tcr >> 32, 0);
	assert_true(tcr & (1ull << 31));
	assert_true(tcr & (1ull << 23));
	assert_int_equal(arm64_pgt_tcr(39, 41, 0), 0);
}

static void test_va_bits(void **state)
{
	(void)state;
	assert_int_equal(arm64_pgt_va_bits(2 * GiB), 39);
	assert_int_equal(arm64_pgt_va_bits(1ull << 39), 39);
	assert_int_equal(arm64_pgt_va_bits((1ull << 39) + 4096), 48);
	assert_int_equal(arm64_pgt_va_bits((1ull << 48) + 4096), 0);
}

/* Property: after mapping random regions in order, each page has the attribute
 * of the last region covering it, at its own address. */
static uint64_t lcg(uint64_t *s)
{
	*s = *s * 6364136223846793005ull + 1442695040888963407ull;
	return *s >> 33;
}

static void test_property_last_wins(void **state)
{
	static const unsigned int mair[] = { PGT_MAIR_WB, PGT_MAIR_NC, PGT_MAIR_DEVICE };
	struct {
		uint64_t base, size;
		enum arch_mem_attr attr;
	} r[12];
	uint64_t seed = 0x6b686f66;
	struct arm64_pgt t;

	(void)state;
	for (unsigned int round = 0; round < 20; round++) {
		init39(&t);
		for (unsigned int i = 0; i < 12; i++) {
			/* Within 0..8 MiB of 1 GiB, sizes from a page to 3 MiB. */
			r[i].base = 1 * GiB + (lcg(&seed) % 2048) * 4 * KiB;
			r[i].size = (1 + lcg(&seed) % 768) * 4 * KiB;
			r[i].attr = (enum arch_mem_attr)(lcg(&seed) % 3);
			if (i == 0) {
				r[i].base = 1 * GiB;
				r[i].size = 1 * GiB;
			}
			assert_int_equal(
				arm64_pgt_map(&t, r[i].base, r[i].size, r[i].attr), 0);
		}
		for (uint64_t va = 1 * GiB; va < 1 * GiB + 12 * MiB; va += 4 * KiB) {
			unsigned int l, want = 3;
			uint64_t d = arm64_pgt_lookup(&t, va, &l);

			for (unsigned int i = 0; i < 12; i++)
				if (va >= r[i].base && va < r[i].base + r[i].size)
					want = mair[r[i].attr];
			assert_int_equal(out_addr(d, l, va), va);
			assert_int_equal(PGT_ATTRIDX_OF(d), want);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_errors),
		cmocka_unit_test(test_gib_block),
		cmocka_unit_test(test_mib_blocks_and_pages),
		cmocka_unit_test(test_device_attrs),
		cmocka_unit_test(test_nc_page_inside_ram_block),
		cmocka_unit_test(test_nc_whole_block),
		cmocka_unit_test(test_later_region_wins),
		cmocka_unit_test(test_48bit_va),
		cmocka_unit_test(test_one_range_attrs),
		cmocka_unit_test(test_pool_exhausted),
		cmocka_unit_test(test_map_errors),
		cmocka_unit_test(test_tcr),
		cmocka_unit_test(test_va_bits),
		cmocka_unit_test(test_property_last_wins),
	};

	return cmocka_run_group_tests_name("pgtable", tests, setup, teardown);
}
