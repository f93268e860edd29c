/* SPDX-License-Identifier: MIT */
/*
 * The AArch32 LPAE identity-map builder (arch/arm/pgtable.c) on the host:
 * descriptor bits per memory type and regime (PL1 and HYP), levels (1 GiB and
 * 2 MiB blocks, 4 KiB pages), table descriptors holding the pool's physical
 * address (not the host pointer), block splitting when a later region overrides
 * part of a block (no cacheable alias of a non-cacheable buffer), the 4 GiB
 * limit of a 32-bit VA, pool and argument errors, and the QEMU virt layout the
 * stage maps.
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
#define POOL_PAGES 32
#define POOL_PHYS 0x4f000000ull /* where the walker would see the pool */

static void *pool;

static int setup(void **state)
{
	(void)state;
	pool = aligned_alloc(APGT_PAGE_SIZE, POOL_PAGES * APGT_PAGE_SIZE);
	return pool ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	free(pool);
	return 0;
}

static void init(struct arm_pgt *t, int hyp)
{
	assert_int_equal(
		arm_pgt_init(t, pool, POOL_PHYS, POOL_PAGES * APGT_PAGE_SIZE, hyp), 0);
}

/* The leaf of va: identity-mapped, at level, with the MAIR index. */
static uint64_t expect_leaf(const struct arm_pgt *t, uint64_t va, unsigned int level,
			    unsigned int mair)
{
	uint64_t span = 1ull << (12 + 9 * (3 - level));
	unsigned int l = 99;
	uint64_t d = arm_pgt_lookup(t, va, &l);

	if (!d)
		fail_msg("0x%" PRIx64 " is not mapped", va);
	assert_int_equal(l, level);
	assert_int_equal((d & APGT_ADDR_MASK & ~(span - 1)) | (va & (span - 1)), va);
	assert_int_equal(APGT_ATTRIDX_OF(d), mair);
	/* Block: 0b01 at levels 1-2; page: 0b11 at level 3. */
	assert_int_equal(d & 3, level == 3 ? 3 : 1);
	assert_true(d & APGT_AF);
	return d;
}

static void test_init_errors(void **state)
{
	struct arm_pgt t;

	(void)state;
	assert_int_equal(arm_pgt_init(&t, (char *)pool + 8, POOL_PHYS, APGT_PAGE_SIZE, 0),
			 -KHO_E_MISALIGNED);
	assert_int_equal(arm_pgt_init(&t, pool, POOL_PHYS + 8, APGT_PAGE_SIZE, 0),
			 -KHO_E_MISALIGNED);
	assert_int_equal(arm_pgt_init(&t, pool, POOL_PHYS, APGT_PAGE_SIZE - 1, 0),
			 -KHO_E_NOMEM);
	/* Table addresses are 40 bits in a long descriptor. */
	assert_int_equal(arm_pgt_init(&t, pool, (1ull << 40) - APGT_PAGE_SIZE,
				      2 * APGT_PAGE_SIZE, 0),
			 -KHO_E_INVAL);
	assert_int_equal(
		arm_pgt_init(&t, pool, (1ull << 40) - APGT_PAGE_SIZE, APGT_PAGE_SIZE, 0),
		0);
}

static void test_map_errors(void **state)
{
	struct arm_pgt t;

	(void)state;
	init(&t, 0);
	assert_int_equal(arm_pgt_map(&t, 0x40000000, 0, ARCH_MEM_NORMAL_WB),
			 -KHO_E_INVAL);
	assert_int_equal(arm_pgt_map(&t, 0x40000800, 4096, ARCH_MEM_NORMAL_WB),
			 -KHO_E_MISALIGNED);
	assert_int_equal(arm_pgt_map(&t, 0x40000000, 0x800, ARCH_MEM_NORMAL_WB),
			 -KHO_E_MISALIGNED);
	assert_int_equal(arm_pgt_map(&t, 0x40000000, 4096, (enum arch_mem_attr)7),
			 -KHO_E_INVAL);
	assert_int_equal(arm_pgt_map(&t, ~0ull - 4095, 8192, ARCH_MEM_NORMAL_WB),
			 -KHO_E_WRAP);
	/* A 32-bit VA: nothing at or above 4 GiB can be identity-mapped. */
	assert_int_equal(arm_pgt_map(&t, 0xc0000000, 2 * GiB, ARCH_MEM_NORMAL_WB),
			 -KHO_E_INVAL);
	assert_int_equal(arm_pgt_map(&t, 0x100000000ull, 4096, ARCH_MEM_NORMAL_WB),
			 -KHO_E_INVAL);
	assert_int_equal(arm_pgt_map(&t, 0xfffff000, 4096, ARCH_MEM_NORMAL_WB), 0);
	assert_int_equal(arm_pgt_lookup(&t, 0x100000000ull, NULL), 0);
}

/* 1 GiB blocks at level 1, 2 MiB at level 2, pages at level 3. */
static void test_levels(void **state)
{
	struct arm_pgt t;

	(void)state;
	init(&t, 0);
	assert_int_equal(arm_pgt_map(&t, 0x40000000, GiB, ARCH_MEM_NORMAL_WB), 0);
	assert_int_equal(arm_pgt_map(&t, 0x80200000, 2 * MiB, ARCH_MEM_NORMAL_WB), 0);
	assert_int_equal(arm_pgt_map(&t, 0x80403000, 8 * KiB, ARCH_MEM_NORMAL_WB), 0);
	expect_leaf(&t, 0x40000000, 1, APGT_MAIR_WB);
	expect_leaf(&t, 0x7fffffff, 1, APGT_MAIR_WB);
	expect_leaf(&t, 0x80200000, 2, APGT_MAIR_WB);
	expect_leaf(&t, 0x80404fff, 3, APGT_MAIR_WB);
	assert_int_equal(arm_pgt_lookup(&t, 0x80402fff, NULL), 0);
	assert_int_equal(arm_pgt_lookup(&t, 0x80405000, NULL), 0);
	assert_int_equal(arm_pgt_lookup(&t, 0x3fffffff, NULL), 0);
	/* Level 1 and one table each for level 2 and 3. */
	assert_int_equal(t.used, 3);
}

/* Table descriptors hold the physical address of the next table, in the pool. */
static void test_table_phys(void **state)
{
	struct arm_pgt t;
	const uint64_t *l1 = pool;
	uint64_t d;

	(void)state;
	init(&t, 0);
	assert_int_equal(arm_pgt_root(&t), POOL_PHYS);
	assert_int_equal(arm_pgt_map(&t, 0x09000000, 4096, ARCH_MEM_DEVICE), 0);
	d = l1[0];
	assert_int_equal(d & 3, 3);
	assert_int_equal(d & APGT_ADDR_MASK, POOL_PHYS + APGT_PAGE_SIZE);
	d = ((const uint64_t *)pool)[APGT_ENTRIES + (0x09000000 >> 21)];
	assert_int_equal(d & APGT_ADDR_MASK, POOL_PHYS + 2 * APGT_PAGE_SIZE);
	/* Only the four level-1 entries of a 32-bit VA are ever used. */
	for (unsigned int i = APGT_L1_ENTRIES; i < APGT_ENTRIES; i++)
		assert_int_equal(l1[i], 0);
}

/* A non-cacheable buffer inside a RAM block: split, no cacheable alias left. */
static void test_nc_split(void **state)
{
	struct arm_pgt t;
	uint64_t d;

	(void)state;
	init(&t, 0);
	assert_int_equal(arm_pgt_map(&t, 0x40000000, GiB, ARCH_MEM_NORMAL_WB), 0);
	assert_int_equal(arm_pgt_map(&t, 0x68200000, 12 * KiB, ARCH_MEM_NORMAL_NC), 0);
	for (uint64_t va = 0x68200000; va < 0x68203000; va += 4096) {
		d = expect_leaf(&t, va, 3, APGT_MAIR_NC);
		assert_true(d & APGT_XN);
		assert_true(d & APGT_PXN);
	}
	expect_leaf(&t, 0x68203000, 3, APGT_MAIR_WB);
	expect_leaf(&t, 0x681ff000, 2, APGT_MAIR_WB);
	expect_leaf(&t, 0x68400000, 2, APGT_MAIR_WB);
	expect_leaf(&t, 0x40000000, 2, APGT_MAIR_WB);
	expect_leaf(&t, 0x7fe00000, 2, APGT_MAIR_WB);
	/* Every 4 KiB of the old 1 GiB block is still mapped, identity. */
	for (uint64_t va = 0x40000000; va < 0x80000000; va += 2 * MiB)
		assert_int_not_equal(arm_pgt_lookup(&t, va, NULL), 0);
}

/* Attributes per regime: HYP has AP[1] set and no PXN. */
static void test_attrs(void **state)
{
	uint64_t wb = arm_pgt_attrs(ARCH_MEM_NORMAL_WB, 0);
	uint64_t dev = arm_pgt_attrs(ARCH_MEM_DEVICE, 0);
	uint64_t hyp_nc = arm_pgt_attrs(ARCH_MEM_NORMAL_NC, 1);

	(void)state;
	assert_int_equal(APGT_ATTRIDX_OF(wb), APGT_MAIR_WB);
	assert_int_equal(wb & APGT_SH_INNER, APGT_SH_INNER);
	assert_false(wb & (APGT_XN | APGT_PXN | APGT_AP1));
	assert_int_equal(APGT_ATTRIDX_OF(dev), APGT_MAIR_DEVICE);
	assert_true(dev & APGT_XN);
	assert_int_equal(APGT_ATTRIDX_OF(hyp_nc), APGT_MAIR_NC);
	assert_true(hyp_nc & APGT_AP1);
	assert_true(hyp_nc & APGT_XN);
	assert_false(hyp_nc & APGT_PXN);
	assert_int_equal(arm_pgt_attrs((enum arch_mem_attr)9, 0), 0);
	/* MAIR0: Device-nGnRE, Normal NC, Normal WB RW-allocate. */
	assert_int_equal(APGT_MAIR0_VALUE & 0xff, 0x04);
	assert_int_equal((APGT_MAIR0_VALUE >> 8) & 0xff, 0x44);
	assert_int_equal((APGT_MAIR0_VALUE >> 16) & 0xff, 0xff);
	/* TTBCR: EAE, EPD1, T0SZ 0; HTCR: its RES1 bits. */
	assert_int_equal(APGT_TTBCR_VALUE & 0x80800007u, 0x80800000u);
	assert_int_equal(APGT_HTCR_VALUE & 0x80800007u, 0x80800000u);
}

/* The QEMU virt map of the stage: devices, RAM, the NC buffer; pool use. */
static void test_virt_layout(void **state)
{
	struct arm_pgt t;

	(void)state;
	init(&t, 1);
	assert_int_equal(arm_pgt_map(&t, 0x40000000, GiB, ARCH_MEM_NORMAL_WB), 0);
	assert_int_equal(arm_pgt_map(&t, 0, GiB, ARCH_MEM_DEVICE), 0);
	assert_int_equal(arm_pgt_map(&t, 0x68200000, 16 * KiB, ARCH_MEM_NORMAL_NC), 0);
	expect_leaf(&t, 0x09000000, 1, APGT_MAIR_DEVICE);
	expect_leaf(&t, 0x68203000, 3, APGT_MAIR_NC);
	expect_leaf(&t, 0x68204000, 3, APGT_MAIR_WB);
	assert_true(t.used <= 3);
	/* Out of pool: the tables are incomplete and the error says so. */
	assert_int_equal(arm_pgt_init(&t, pool, POOL_PHYS, 2 * APGT_PAGE_SIZE, 0), 0);
	assert_int_equal(arm_pgt_map(&t, 0x40001000, 4096, ARCH_MEM_NORMAL_WB),
			 -KHO_E_NOMEM);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_errors), cmocka_unit_test(test_map_errors),
		cmocka_unit_test(test_levels),	    cmocka_unit_test(test_table_phys),
		cmocka_unit_test(test_nc_split),    cmocka_unit_test(test_attrs),
		cmocka_unit_test(test_virt_layout),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
