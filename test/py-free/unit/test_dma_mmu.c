/* SPDX-License-Identifier: MIT */
/*
 * No cacheable alias of a non-coherent DMA buffer in the stage's MMU: the
 * regions the stage maps (RAM write-back, its image, device MMIO, then
 * boot_dma_nc_regions()) go through the real table builder
 * (arch/arm64/pgtable.c), and every leaf descriptor of the resulting tables is
 * enumerated. Each page of a non-coherent buffer's preserved block must be
 * mapped by exactly one descriptor, at its own address, Normal non-cacheable;
 * coherent buffers and the rest of RAM stay write-back.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <boot/dma.h>
#include <inttypes.h>
#include <kho/err.h>
#include <stdlib.h>
#include <string.h>

#include "bootsim.h"
#include "pgtable.h"

#define KiB 1024ull
#define MiB (1024 * KiB)
#define PAGE 4096ull
#define RAM (256 * MiB)
#define UART 0x09000000ull
#define POOL_PAGES 64
#define MAX_NC 8

struct fx {
	struct bootsim bs;
	void *pool;
	struct arm64_pgt t;
	struct arch_region nc[MAX_NC];
	int nnc;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	f->pool = aligned_alloc(PGT_PAGE_SIZE, POOL_PAGES * PGT_PAGE_SIZE);
	bs_init(&f->bs, RAM);
	*state = f;
	return f->pool ? 0 : -1;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	bs_fini(&f->bs);
	free(f->pool);
	free(f);
	return 0;
}

/* The board's buffers read as the stage reads them, mapped as the stage maps. */
static void map_like_the_stage(struct fx *f, const struct bs_buf *bufs, unsigned int n)
{
	bs_board(&f->bs, bufs, n);
	boot_init(&f->bs.st, &f->bs.s.mem, f->bs.store, BS_RANGES, &f->bs.cfg);
	assert_int_equal(boot_read_fw(&f->bs.st, f->bs.board), (int)n);
	f->nnc = boot_dma_nc_regions(&f->bs.st, f->nc, MAX_NC);
	assert_true(f->nnc >= 0);
	/* stage_mmu_map(): RAM, the stage image, devices, then the extra regions. */
	assert_int_equal(
		arm64_pgt_init(&f->t, f->pool, POOL_PAGES * PGT_PAGE_SIZE, 39, 0), 0);
	sim_expect(arm64_pgt_map(&f->t, SIM_LOW_BASE, RAM, ARCH_MEM_NORMAL_WB), 0);
	sim_expect(arm64_pgt_map(&f->t, BS_STAGE, BS_STAGE_SIZE, ARCH_MEM_NORMAL_WB), 0);
	sim_expect(arm64_pgt_map(&f->t, UART, PAGE, ARCH_MEM_DEVICE), 0);
	for (int i = 0; i < f->nnc; i++)
		sim_expect(
			arm64_pgt_map(&f->t, f->nc[i].base, f->nc[i].size, f->nc[i].attr),
			0);
}

/* One leaf descriptor: the VA range it translates and where to. */
struct leaf {
	u64 va, pa, size;
	unsigned int mair;
};

struct leaves {
	struct leaf *l;
	unsigned int n, cap;
};

static void add_leaf(struct leaves *ls, u64 va, u64 d, unsigned int level)
{
	u64 size = 1ull << (12 + 9 * (3 - level));

	if (ls->n == ls->cap) {
		ls->cap = ls->cap ? 2 * ls->cap : 1024;
		ls->l = realloc(ls->l, ls->cap * sizeof(*ls->l));
		assert_non_null(ls->l);
	}
	ls->l[ls->n++] = (struct leaf){ va, d & PGT_ADDR_MASK & ~(size - 1), size,
					(unsigned int)PGT_ATTRIDX_OF(d) };
}

/* Every valid leaf under the table at level, whose first entry maps va. */
static void walk(struct leaves *ls, const u64 *tab, unsigned int level, u64 va)
{
	unsigned int shift = 12 + 9 * (3 - level);

	for (unsigned int i = 0; i < PGT_ENTRIES; i++) {
		u64 d = tab[i], at = va + ((u64)i << shift);

		if (!(d & PGT_VALID))
			continue;
		if (level < 3 && (d & PGT_TABLE))
			walk(ls, (const u64 *)(uintptr_t)(d & PGT_ADDR_MASK), level + 1,
			     at);
		else
			add_leaf(ls, at, d, level);
	}
}

/*
 * Each page of [base, base+size): mapped once, at its own address, with mair;
 * and no descriptor anywhere maps it with another attribute.
 */
static void assert_only_mapping(const struct leaves *ls, u64 base, u64 size,
				unsigned int mair)
{
	for (u64 pa = base; pa < base + size; pa += PAGE) {
		unsigned int hits = 0;

		for (unsigned int i = 0; i < ls->n; i++) {
			const struct leaf *l = &ls->l[i];

			if (pa < l->pa || pa >= l->pa + l->size)
				continue;
			hits++;
			if (l->mair != mair)
				fail_msg("0x%" PRIx64
					 " is mapped with MAIR index %u at VA "
					 "0x%" PRIx64 ", want %u",
					 pa, l->mair, l->va + (pa - l->pa), mair);
			if (l->va + (pa - l->pa) != pa)
				fail_msg("0x%" PRIx64 " is also mapped at VA 0x%" PRIx64,
					 pa, l->va + (pa - l->pa));
		}
		if (hits != 1)
			fail_msg("0x%" PRIx64 " is mapped by %u descriptors, want 1", pa,
				 hits);
	}
}

static void check_tables(struct fx *f, const struct bs_buf *bufs, unsigned int n)
{
	struct leaves ls = { NULL, 0, 0 };

	walk(&ls, f->t.root, f->t.start_level, 0);
	for (unsigned int i = 0; i < n; i++) {
		const struct bs_buf *b = &bufs[i];
		u64 ext = PAGE << kho_get_order(b->size, 12);
		int nc = !strcmp(b->kind, "dma") && !strcmp(b->device, BS_NC_DEV);

		assert_only_mapping(&ls, b->phys, nc ? ext : b->size,
				    nc ? PGT_MAIR_NC : PGT_MAIR_WB);
	}
	/* The RAM around them stays write-back; MMIO stays device. */
	assert_only_mapping(&ls, SIM_LOW_BASE, 2 * MiB, PGT_MAIR_WB);
	assert_only_mapping(&ls, SIM_LOW_BASE + RAM - 2 * MiB, 2 * MiB, PGT_MAIR_WB);
	assert_only_mapping(&ls, UART, PAGE, PGT_MAIR_DEVICE);
	free(ls.l);
}

static void test_nc_block_inside_a_ram_block(void **state)
{
	struct fx *f = *state;
	const struct bs_buf bufs[] = {
		{ "log", "log", 0x4e000000, MiB, 1, 0, NULL, 0 },
		/* 12 KiB: the 16 KiB block, NC, its 2 MiB block split into pages. */
		{ "dma0", "dma", 0x4e200000, 0x3000, 1, 0, BS_NC_DEV, 0 },
		{ "dma1", "dma", 0x4e300000, 0x2000, 1, 0, BS_COH_DEV, 0 },
	};

	map_like_the_stage(f, bufs, 3);
	assert_int_equal(f->nnc, 1);
	check_tables(f, bufs, 3);
}

static void test_nc_blocks_of_several_sizes(void **state)
{
	struct fx *f = *state;
	const struct bs_buf bufs[] = {
		/* 2 MiB + 1 page: order 10, a 4 MiB block of two 2 MiB descriptors. */
		{ "dma0", "dma", 0x4e400000, 2 * MiB + PAGE, 1, 0, BS_NC_DEV, 0 },
		/* One page at the end of a 2 MiB block, next to a coherent one. */
		{ "dma1", "dma", 0x4e9ff000, PAGE, 1, 0, BS_NC_DEV, 0 },
		{ "dma2", "dma", 0x4ea00000, PAGE, 1, 0, BS_COH_DEV, 0 },
		/* 5 pages: order 3, 32 KiB. */
		{ "dma3", "dma", 0x4eb08000, 5 * PAGE, 1, 0, BS_NC_DEV, 0 },
	};

	map_like_the_stage(f, bufs, 4);
	assert_int_equal(f->nnc, 3);
	check_tables(f, bufs, 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_nc_block_inside_a_ram_block, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_nc_blocks_of_several_sizes, setup,
						teardown),
	};

	return cmocka_run_group_tests_name("dma-mmu", tests, NULL, NULL);
}
