/* SPDX-License-Identifier: MIT */
/*
 * Forwarding a hand-over: kho_in_carry() into a new one, leaf by leaf when the
 * incoming radix map was protected into the new hand-over's reservation map, block
 * by block otherwise; kho_radix_merge() refusing source pages the protect step did
 * not record as map memory; kho_rmap_append(), which the protect step feeds with a
 * walk's ascending runs. The incoming radix maps are made by hand (sim.h), the
 * kho-v1 one by libkho's producer: a few hundred blocks of mixed orders at seeded
 * random places. Each new map is walked and compared, block by block, with the
 * list the test drew.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <inttypes.h>
#include <kho/in.h>
#include <kho/out.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"

#define MiB (1024ull * 1024)
#define GiB (1024 * MiB)
#define LOW_SIZE (16 * MiB)
#define HIGH_SIZE (16 * MiB)
#define DARK_RAM 0x100000000ull /* 1 GiB of RAM without a window, above 4 GiB */
#define DARK_SIZE GiB
#define POOL_NEW SIM_HIGH_BASE		   /* map pages of the new hand-over */
#define POOL_ALT (SIM_HIGH_BASE + 2 * MiB) /* map pages of a second new one */
#define NR_IN 300			   /* random blocks of the incoming map */
#define NR_OWN 12			   /* the new firmware's own blocks */
#define MAX_BLK 1024
#define NR_RANGES 2048
#define LEAF_SHIFT 15 /* a 4 KiB leaf holds 2^15 keys */

struct blk {
	u64 phys;
	unsigned int order;
};

struct blist {
	struct blk b[MAX_BLK];
	unsigned int n;
};

/* Where random blocks go: clear of the FDT, pools and scratch (sim.h layout). */
static const struct sim_span regions[] = {
	{ SIM_DATA, SIM_LOW_BASE + LOW_SIZE },
	{ SIM_HIGH_BASE + 4 * MiB, SIM_HIGH_BASE + HIGH_SIZE },
	{ DARK_RAM, DARK_RAM + DARK_SIZE },
};
#define NR_REGIONS (sizeof(regions) / sizeof(regions[0]))

struct cf {
	struct sim s;
	struct sim_alloc prev_pool, new_pool, alt_pool;
	u8 dt[8192] __attribute__((aligned(8))); /* libfdt wants 8 */
	struct kho_range store[NR_RANGES];
	struct kho_rmap rm;
	struct kho_in in;
	struct kho_out prev, out, alt;
	struct blist inb;  /* blocks of the incoming map, its FDT page first */
	struct blist own;  /* the new firmware's own blocks */
	struct blist got;  /* what a walk of a new map found */
	struct blist want; /* what it should find */
	u64 rng;
};

static const struct kho_scratch scratch1 = { SIM_SCRATCH, SIM_SCRATCH_SIZE };

static int setup(void **state)
{
	struct cf *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	sim_std(&f->s, LOW_SIZE, HIGH_SIZE);
	if (kho_mem_add_ram(&f->s.mem, DARK_RAM, DARK_SIZE))
		return -1;
	sim_alloc_init(&f->prev_pool, &f->s, SIM_POOL, SIM_POOL_END, 12);
	sim_alloc_init(&f->new_pool, &f->s, POOL_NEW, POOL_NEW + 2 * MiB, 12);
	sim_alloc_init(&f->alt_pool, &f->s, POOL_ALT, POOL_ALT + 2 * MiB, 12);
	sim_os_dt(f->dt, sizeof(f->dt), &f->s, 2, 2);
	kho_rmap_init(&f->rm, f->store, NR_RANGES);
	f->rng = 0x243f6a8885a308d3ull;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct cf *f = *state;

	sim_fini(&f->s);
	free(f);
	return 0;
}

static u64 rnd(struct cf *f)
{
	f->rng ^= f->rng >> 12;
	f->rng ^= f->rng << 25;
	f->rng ^= f->rng >> 27;
	return f->rng * 0x2545f4914f6cdd1dull;
}

static u64 blk_size(unsigned int order)
{
	return (u64)SIM_PAGE << order;
}

static void put(struct blist *l, u64 phys, unsigned int order)
{
	if (l->n == MAX_BLK)
		fail_msg("test: more than %u blocks", MAX_BLK);
	l->b[l->n].phys = phys;
	l->b[l->n].order = order;
	l->n++;
}

static int hits(const struct blist *l, u64 phys, u64 size)
{
	for (unsigned int i = 0; i < l->n; i++)
		if (phys < l->b[i].phys + blk_size(l->b[i].order) &&
		    l->b[i].phys < phys + size)
			return 1;
	return 0;
}

static int is_free(const struct cf *f, u64 phys, unsigned int order)
{
	return !hits(&f->inb, phys, blk_size(order)) &&
	       !hits(&f->own, phys, blk_size(order));
}

/* Mostly small orders, some large; the large ones mostly in the dark RAM. */
static unsigned int rand_order(struct cf *f)
{
	static const unsigned char orders[16] = { 0, 0, 0, 0, 0, 0, 0, 0,
						  1, 1, 1, 2, 2, 4, 7, 10 };

	return orders[rnd(f) % 16];
}

/* n blocks at random free places of the regions, naturally aligned. */
static void draw_blocks(struct cf *f, struct blist *l, unsigned int n)
{
	for (unsigned int i = 0, tries = 0; i < n; tries++) {
		unsigned int order = rand_order(f);
		const struct sim_span *r = &regions[rnd(f) % NR_REGIONS];
		u64 slots = (r->end - r->start) / blk_size(order);
		u64 phys = r->start + rnd(f) % slots * blk_size(order);

		if (tries > 100 * n)
			fail_msg("test: no room for %u random blocks", n);
		if (!is_free(f, phys, order))
			continue;
		put(l, phys, order);
		i++;
	}
}

static const struct sim_span *region_of(u64 phys, u64 size)
{
	for (unsigned int i = 0; i < NR_REGIONS; i++)
		if (phys >= regions[i].start && phys + size <= regions[i].end)
			return &regions[i];
	return NULL;
}

static u64 leaf_of(u64 phys, unsigned int order)
{
	return sim_radix_key(phys, order) >> LEAF_SHIFT;
}

/*
 * The new firmware's blocks: each next to a random incoming block, of its order
 * and in its leaf, so that the carry merges into leaves that already hold bits.
 */
static void draw_own(struct cf *f)
{
	while (f->own.n < NR_OWN) {
		const struct blk *b = &f->inb.b[1 + rnd(f) % (f->inb.n - 1)];
		u64 size = blk_size(b->order);
		const struct sim_span *r = region_of(b->phys, size);

		for (u64 k = 1; k <= 64; k++) {
			u64 phys = k % 2 ? b->phys + (k + 1) / 2 * size
					 : b->phys - k / 2 * size;

			if (region_of(phys, size) != r || !is_free(f, phys, b->order) ||
			    leaf_of(phys, b->order) != leaf_of(b->phys, b->order))
				continue;
			put(&f->own, phys, b->order);
			break;
		}
	}
}

static void point_chosen(struct cf *f, u64 fdt)
{
	sim_put_u64(&f->s, SIM_SCR_ARRAY, scratch1.addr);
	sim_put_u64(&f->s, SIM_SCR_ARRAY + 8, scratch1.size);
	sim_chosen_pair(f->dt, 2, 2, fdt, 0x1000, SIM_SCR_ARRAY, 16);
}

/* A previous kho-v3/v4 hand-over made by hand: its FDT page and NR_IN blocks. */
static void prev_radix(struct cf *f, const char *compat)
{
	u64 map = 0;

	put(&f->inb, SIM_FDT, 0);
	draw_blocks(f, &f->inb, NR_IN);
	for (unsigned int i = 0; i < f->inb.n; i++)
		sim_radix_add(&f->s, &f->prev_pool, &map, f->inb.b[i].phys,
			      f->inb.b[i].order);
	sim_kho_fdt(&f->s, SIM_FDT, 0x1000, compat, 1, map);
	point_chosen(f, SIM_FDT);
}

/* A previous kho-v1 hand-over (libkho's producer): its FDT page and NR_IN blocks. */
static void prev_v1(struct cf *f)
{
	sim_expect(kho_out_init(&f->prev, &f->s.mem, KHO_ABI_V1_4K_NZ, 12,
				&f->prev_pool.pa, NULL),
		   0);
	put(&f->inb, f->prev.fdt_phys, 0);
	draw_blocks(f, &f->inb, NR_IN);
	for (unsigned int i = 1; i < f->inb.n; i++)
		sim_expect(
			kho_out_preserve(&f->prev, f->inb.b[i].phys, f->inb.b[i].order),
			0);
	sim_expect(kho_out_scratch(&f->prev, SIM_SCR_ARRAY, &scratch1, 1), 0);
	sim_expect(kho_out_finish(&f->prev), 0);
	sim_expect(kho_out_chosen(&f->prev, f->dt), 0);
}

static void open_in(struct cf *f, enum kho_abi abi)
{
	sim_expect(kho_in_open(&f->in, f->dt, &f->s.mem, 12, abi), 0);
	assert_int_equal(f->in.abi, abi);
}

/* A new hand-over of abi holding the firmware's own blocks, not yet the carry. */
static void new_out(struct cf *f, struct kho_out *out, struct sim_alloc *pool,
		    enum kho_abi abi, struct kho_rmap *rm)
{
	sim_expect(kho_out_init(out, &f->s.mem, abi, 12, &pool->pa, rm), 0);
	for (unsigned int i = 0; i < f->own.n; i++)
		sim_expect(kho_out_preserve(out, f->own.b[i].phys, f->own.b[i].order), 0);
}

static int collect(void *arg, u64 phys, u64 size, unsigned int order)
{
	struct blist *l = arg;

	for (u64 at = phys; at < phys + size; at += blk_size(order))
		put(l, at, order);
	return 0;
}

/* Every block of out's finished map, read back with libkho's walk. */
static void walk_out(struct cf *f, const struct kho_out *out, struct blist *l)
{
	struct kho_walk w = { .mem = &f->s.mem,
			      .page_shift = 12,
			      .max_order = kho_abi_max_order(out->abi, 12),
			      .block = collect,
			      .arg = l };

	l->n = 0;
	if (kho_abi_is_v1(out->abi))
		sim_expect(kho_v1_walk(&w, out->map, kho_abi_bitmap_bytes(out->abi)), 0);
	else
		sim_expect(kho_radix_walk(&w, out->map), 0);
}

static int blk_cmp(const void *a, const void *b)
{
	const struct blk *x = a, *y = b;

	if (x->phys != y->phys)
		return x->phys < y->phys ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* Sort both lists, then fail at the first difference. */
static void assert_same_blocks(struct blist *got, struct blist *want, const char *what)
{
	qsort(got->b, got->n, sizeof(got->b[0]), blk_cmp);
	qsort(want->b, want->n, sizeof(want->b[0]), blk_cmp);
	for (unsigned int i = 0; i < got->n && i < want->n; i++)
		if (blk_cmp(&got->b[i], &want->b[i]))
			fail_msg("%s: block %u is 0x%" PRIx64
				 "/order %u, expected 0x%" PRIx64 "/order %u",
				 what, i, got->b[i].phys, got->b[i].order,
				 want->b[i].phys, want->b[i].order);
	if (got->n != want->n)
		fail_msg("%s: %u blocks, expected %u", what, got->n, want->n);
}

/* What out's map must hold: the incoming blocks, the own ones and out's FDT page. */
static void expect_out(struct cf *f, const struct kho_out *out)
{
	f->want.n = 0;
	for (unsigned int i = 0; i < f->inb.n; i++)
		put(&f->want, f->inb.b[i].phys, f->inb.b[i].order);
	for (unsigned int i = 0; i < f->own.n; i++)
		put(&f->want, f->own.b[i].phys, f->own.b[i].order);
	put(&f->want, out->fdt_phys, 0);
}

static void drop_block(struct blist *l, u64 phys)
{
	for (unsigned int i = 0; i < l->n; i++)
		if (l->b[i].phys == phys) {
			l->b[i] = l->b[--l->n];
			return;
		}
	fail_msg("test: block 0x%" PRIx64 " is not in the list", phys);
}

/* ------------------------------ kho_in_carry() ------------------------------ */

/* Incoming radix map protected into out's rmap: merged leaf by leaf. */
static void carry_merged(void **state, enum kho_abi abi, const char *compat)
{
	struct cf *f = *state;

	f->rng += abi; /* another layout per ABI */
	prev_radix(f, compat);
	draw_own(f);
	open_in(f, abi);
	sim_expect(kho_in_protect(&f->in, &f->rm), 0);
	new_out(f, &f->out, &f->new_pool, abi, &f->rm);
	sim_expect(kho_in_carry(&f->in, &f->out), 0);
	sim_expect(kho_out_finish(&f->out), 0);
	walk_out(f, &f->out, &f->got);
	expect_out(f, &f->out);
	assert_same_blocks(&f->got, &f->want, "the carried map");
}

static void test_carry_merges_v3(void **state)
{
	carry_merged(state, KHO_ABI_V3, KHO_FDT_COMPATIBLE_V3);
}

static void test_carry_merges_v4(void **state)
{
	carry_merged(state, KHO_ABI_V4, KHO_FDT_COMPATIBLE_V4);
}

/* Without an rmap the carry goes block by block, and makes the same map. */
static void test_carry_merge_equals_per_block(void **state)
{
	struct cf *f = *state;
	struct blist *alt = malloc(sizeof(*alt));

	assert_non_null(alt);
	prev_radix(f, KHO_FDT_COMPATIBLE_V4);
	draw_own(f);
	open_in(f, KHO_ABI_V4);
	sim_expect(kho_in_protect(&f->in, &f->rm), 0);
	new_out(f, &f->out, &f->new_pool, KHO_ABI_V4, &f->rm);
	new_out(f, &f->alt, &f->alt_pool, KHO_ABI_V4, NULL);
	sim_expect(kho_in_carry(&f->in, &f->out), 0);
	sim_expect(kho_in_carry(&f->in, &f->alt), 0);
	sim_expect(kho_out_finish(&f->out), 0);
	sim_expect(kho_out_finish(&f->alt), 0);
	walk_out(f, &f->out, &f->got);
	walk_out(f, &f->alt, alt);
	drop_block(&f->got, f->out.fdt_phys);
	drop_block(alt, f->alt.fdt_phys);
	assert_same_blocks(&f->got, alt, "merged map against the per-block one");
	expect_out(f, &f->out);
	drop_block(&f->want, f->out.fdt_phys);
	assert_same_blocks(alt, &f->want, "the per-block map");
	free(alt);
}

/* Merging needs the incoming map pages in out's rmap: without, -KHO_E_INVAL. */
static void test_carry_refuses_unprotected_radix(void **state)
{
	struct cf *f = *state;

	prev_radix(f, KHO_FDT_COMPATIBLE_V4);
	open_in(f, KHO_ABI_V4);
	new_out(f, &f->out, &f->new_pool, KHO_ABI_V4, &f->rm);
	sim_expect(kho_in_carry(&f->in, &f->out), -KHO_E_INVAL);
}

/* kho-v1 goes block by block: protected into out's rmap or not, it works. */
static void test_carry_v1_protected(void **state)
{
	struct cf *f = *state;

	prev_v1(f);
	draw_own(f);
	open_in(f, KHO_ABI_V1_4K_NZ);
	sim_expect(kho_in_protect(&f->in, &f->rm), 0);
	new_out(f, &f->out, &f->new_pool, KHO_ABI_V1_4K_NZ, &f->rm);
	sim_expect(kho_in_carry(&f->in, &f->out), 0);
	sim_expect(kho_out_finish(&f->out), 0);
	walk_out(f, &f->out, &f->got);
	expect_out(f, &f->out);
	assert_same_blocks(&f->got, &f->want, "the carried v1 map");
}

/*
 * A carry that runs out of map pages fails, and every incoming block stays
 * recorded as preserved: kho_out_preserve() takes back only what it added.
 */
static void test_carry_out_of_pages_keeps_protection(void **state)
{
	struct cf *f = *state;
	struct sim_alloc tiny;

	prev_v1(f);
	open_in(f, KHO_ABI_V1_4K_NZ);
	sim_expect(kho_in_protect(&f->in, &f->rm), 0);
	sim_alloc_init(&tiny, &f->s, POOL_NEW, POOL_NEW + 3 * SIM_PAGE, 12);
	sim_expect(
		kho_out_init(&f->out, &f->s.mem, KHO_ABI_V1_4K_NZ, 12, &tiny.pa, &f->rm),
		0);
	sim_expect(kho_in_carry(&f->in, &f->out), -KHO_E_NOMEM);
	for (unsigned int i = 0; i < f->inb.n; i++)
		if (!kho_rmap_covered(&f->rm, f->inb.b[i].phys,
				      f->inb.b[i].phys + blk_size(f->inb.b[i].order),
				      KHO_KIND_PRESERVED))
			fail_msg("incoming block 0x%" PRIx64
				 " order %u lost its protection",
				 f->inb.b[i].phys, f->inb.b[i].order);
}

/*
 * Not protected: the merge would refuse (see above), the per-block path records
 * every block in out's rmap as kho_out_preserve() does.
 */
static void test_carry_v1_unprotected_goes_block_by_block(void **state)
{
	struct cf *f = *state;
	struct sim_span got[MAX_BLK], want[MAX_BLK];
	unsigned int ng, nw;

	prev_v1(f);
	draw_own(f);
	open_in(f, KHO_ABI_V1_4K_NZ);
	new_out(f, &f->out, &f->new_pool, KHO_ABI_V1_4K_NZ, &f->rm);
	sim_expect(kho_in_carry(&f->in, &f->out), 0);
	sim_expect(kho_out_finish(&f->out), 0);
	walk_out(f, &f->out, &f->got);
	expect_out(f, &f->out);
	for (unsigned int i = 0; i < f->want.n; i++) {
		want[i].start = f->want.b[i].phys;
		want[i].end = want[i].start + blk_size(f->want.b[i].order);
	}
	nw = sim_spans_merge(want, f->want.n);
	ng = sim_rmap_spans(&f->rm, KHO_KIND_PRESERVED, got, MAX_BLK);
	sim_assert_spans(got, ng, want, nw, "preserved ranges of the new rmap");
	assert_same_blocks(&f->got, &f->want, "the carried v1 map");
}

/* kho-v3 into kho-v4: not the same ABI, so block by block (no protect needed). */
static void test_carry_v3_into_v4_goes_block_by_block(void **state)
{
	struct cf *f = *state;

	prev_radix(f, KHO_FDT_COMPATIBLE_V3);
	draw_own(f);
	open_in(f, KHO_ABI_V3);
	new_out(f, &f->out, &f->new_pool, KHO_ABI_V4, &f->rm);
	sim_expect(kho_in_carry(&f->in, &f->out), 0);
	sim_expect(kho_out_finish(&f->out), 0);
	walk_out(f, &f->out, &f->got);
	expect_out(f, &f->out);
	assert_same_blocks(&f->got, &f->want, "v3 carried into v4");
}

/* ----------------------------- kho_radix_merge() ---------------------------- */

/* A hand-made source tree in the previous pool: two blocks in two leaves. */
static u64 two_leaf_tree(struct cf *f)
{
	u64 src = 0;

	sim_radix_add(&f->s, &f->prev_pool, &src, SIM_DATA + 0x2000, 1);
	sim_radix_add(&f->s, &f->prev_pool, &src, SIM_DATA + 0x1000, 0);
	assert_true(src == SIM_POOL);
	return src;
}

static void merge_walk(struct cf *f, u64 root)
{
	struct kho_walk w = { .mem = &f->s.mem,
			      .page_shift = 12,
			      .max_order = 18,
			      .block = collect,
			      .arg = &f->got };

	f->got.n = 0;
	sim_expect(kho_radix_walk(&w, root), 0);
}

static void test_merge_refuses_unrecorded_source(void **state)
{
	struct cf *f = *state;
	u64 root = 0, src = two_leaf_tree(f);

	sim_expect(kho_rmap_add(&f->rm, SIM_FW, SIM_FW_END, KHO_KIND_FIRMWARE, "fw"), 0);
	sim_expect(kho_radix_merge(&f->s.mem, 12, &root, src, &f->new_pool.pa, &f->rm),
		   -KHO_E_INVAL);
	assert_true(root == 0);
	assert_int_equal(f->new_pool.count, 0);
	assert_int_equal(f->rm.nr, 1);
}

/* Every source page is map memory but the root, which is meta: nothing merged. */
static void test_merge_refuses_source_page_of_other_kind(void **state)
{
	struct cf *f = *state;
	u64 root = 0, src = two_leaf_tree(f);

	sim_expect(kho_rmap_add(&f->rm, src, src + SIM_PAGE, KHO_KIND_META, "x"), 0);
	sim_expect(kho_rmap_add(&f->rm, src + SIM_PAGE, f->prev_pool.next, KHO_KIND_MAP,
				NULL),
		   0);
	sim_expect(kho_radix_merge(&f->s.mem, 12, &root, src, &f->new_pool.pa, &f->rm),
		   -KHO_E_INVAL);
	assert_true(root == 0);
	assert_int_equal(f->new_pool.count, 0);
}

/* Source pages recorded as preserved (a producer preserving its map) are fine. */
static void test_merge_accepts_source_recorded_preserved(void **state)
{
	struct cf *f = *state;
	u64 root = 0, src = two_leaf_tree(f);

	sim_expect(kho_rmap_add(&f->rm, SIM_POOL, f->prev_pool.next, KHO_KIND_PRESERVED,
				NULL),
		   0);
	sim_expect(kho_radix_merge(&f->s.mem, 12, &root, src, &f->new_pool.pa, &f->rm),
		   0);
	merge_walk(f, root);
	f->want.n = 0;
	put(&f->want, SIM_DATA + 0x2000, 1);
	put(&f->want, SIM_DATA + 0x1000, 0);
	assert_same_blocks(&f->got, &f->want, "merged tree");
	/* the new tree's pages are map memory in rm, clear of the source's */
	assert_true(kho_rmap_covered(&f->rm, root, root + SIM_PAGE, KHO_KIND_MAP));
}

static void test_merge_needs_source_and_rmap(void **state)
{
	struct cf *f = *state;
	u64 root = 0, src = two_leaf_tree(f);

	sim_expect(kho_radix_merge(&f->s.mem, 12, &root, 0, &f->new_pool.pa, &f->rm),
		   -KHO_E_MAP_ZERO);
	sim_expect(kho_radix_merge(&f->s.mem, 12, &root, src, &f->new_pool.pa, NULL),
		   -KHO_E_INVAL);
	assert_true(root == 0);
}

/* ----------------------------- kho_rmap_append() ---------------------------- */

#define P KHO_KIND_PRESERVED
#define M KHO_KIND_MAP

struct want_range {
	u64 start, end;
	unsigned int kind;
	const char *label;
};

static void assert_map(const struct kho_rmap *rm, const struct want_range *w,
		       unsigned int n)
{
	for (unsigned int i = 0; i < rm->nr && i < n; i++)
		if (rm->r[i].start != w[i].start || rm->r[i].end != w[i].end ||
		    rm->r[i].kind != w[i].kind || rm->r[i].label != w[i].label)
			fail_msg("range %u is [0x%" PRIx64 ", 0x%" PRIx64
				 ") %s, expected [0x%" PRIx64 ", 0x%" PRIx64 ") %s",
				 i, rm->r[i].start, rm->r[i].end,
				 kho_kind_name(rm->r[i].kind), w[i].start, w[i].end,
				 kho_kind_name(w[i].kind));
	if (rm->nr != n)
		fail_msg("%u ranges, expected %u", rm->nr, n);
}

#define ASSERT_MAP(rm, ...)                                                              \
	do {                                                                             \
		const struct want_range w_[] = { __VA_ARGS__ };                          \
		assert_map((rm), w_, sizeof(w_) / sizeof(w_[0]));                        \
	} while (0)

#define RUNS(...) ((const struct kho_run[]){ __VA_ARGS__ })
#define NRUNS(...) (sizeof(RUNS(__VA_ARGS__)) / sizeof(struct kho_run))
#define APPEND(rm, kind, ...)                                                            \
	kho_rmap_append((rm), RUNS(__VA_ARGS__), NRUNS(__VA_ARGS__), (kind))

static void test_append_ascending(void **state)
{
	struct kho_range st[8];
	struct kho_rmap rm;

	(void)state;
	kho_rmap_init(&rm, st, 8);
	assert_int_equal(APPEND(&rm, P, { 0x1000, 0x1000 }, { 0x3000, 0x2000 },
				{ 0x100000000ull, 0x1000 }),
			 3);
	ASSERT_MAP(&rm, { 0x1000, 0x2000, P, NULL }, { 0x3000, 0x5000, P, NULL },
		   { 0x100000000ull, 0x100001000ull, P, NULL });
	assert_int_equal(kho_rmap_append(&rm, RUNS({ 0x200000000ull, 0x1000 }), 0, P), 0);
	assert_int_equal(rm.nr, 3);
}

/* Not a kind: nothing is appended (kho_rmap_add() of the run says why). */
static void test_append_bad_kind(void **state)
{
	struct kho_range st[8];
	struct kho_rmap rm;

	(void)state;
	kho_rmap_init(&rm, st, 8);
	assert_int_equal(APPEND(&rm, 0, { 0x1000, 0x1000 }), 0);
	assert_int_equal(APPEND(&rm, KHO_KIND_COUNT, { 0x1000, 0x1000 }), 0);
	assert_int_equal(APPEND(&rm, 40, { 0x1000, 0x1000 }), 0);
	assert_int_equal(rm.nr, 0);
	sim_expect(kho_rmap_add(&rm, 0x1000, 0x2000, KHO_KIND_COUNT, NULL), -KHO_E_INVAL);
}

/* Touching the last range (of kind, no label), or the run before: one range. */
static void test_append_merges_touching(void **state)
{
	struct kho_range st[8];
	struct kho_rmap rm;

	(void)state;
	kho_rmap_init(&rm, st, 8);
	sim_expect(kho_rmap_add(&rm, 0x1000, 0x2000, P, NULL), 0);
	assert_int_equal(APPEND(&rm, P, { 0x2000, 0x1000 }, { 0x3000, 0x3000 },
				{ 0x8000, 0x1000 }),
			 3);
	ASSERT_MAP(&rm, { 0x1000, 0x6000, P, NULL }, { 0x8000, 0x9000, P, NULL });
}

static void test_append_stops_touching_other_kind(void **state)
{
	struct kho_range st[8];
	struct kho_rmap rm;

	(void)state;
	kho_rmap_init(&rm, st, 8);
	sim_expect(kho_rmap_add(&rm, 0x1000, 0x2000, M, NULL), 0);
	assert_int_equal(APPEND(&rm, P, { 0x2000, 0x1000 }, { 0x8000, 0x1000 }), 0);
	ASSERT_MAP(&rm, { 0x1000, 0x2000, M, NULL });
}

static void test_append_stops_touching_labelled(void **state)
{
	static const char label[] = "blob";
	struct kho_range st[8];
	struct kho_rmap rm;

	(void)state;
	kho_rmap_init(&rm, st, 8);
	sim_expect(kho_rmap_add(&rm, 0x1000, 0x2000, P, label), 0);
	assert_int_equal(APPEND(&rm, P, { 0x2000, 0x1000 }), 0);
	ASSERT_MAP(&rm, { 0x1000, 0x2000, P, label });
}

/* Above another kind with a gap is an ordinary append. */
static void test_append_above_other_kind(void **state)
{
	struct kho_range st[8];
	struct kho_rmap rm;

	(void)state;
	kho_rmap_init(&rm, st, 8);
	sim_expect(kho_rmap_add(&rm, 0x1000, 0x2000, M, NULL), 0);
	assert_int_equal(APPEND(&rm, P, { 0x3000, 0x1000 }, { 0x4000, 0x1000 }), 2);
	ASSERT_MAP(&rm, { 0x1000, 0x2000, M, NULL }, { 0x3000, 0x5000, P, NULL });
}

/* A run below the last range's end stops the append at its index. */
static void test_append_stops_below_last(void **state)
{
	struct kho_range st[8];
	struct kho_rmap rm;

	(void)state;
	kho_rmap_init(&rm, st, 8);
	sim_expect(kho_rmap_add(&rm, 0x10000, 0x11000, P, NULL), 0);
	assert_int_equal(APPEND(&rm, P, { 0x12000, 0x1000 }, { 0x14000, 0x1000 },
				{ 0x13000, 0x1000 }, { 0x20000, 0x1000 }),
			 2);
	ASSERT_MAP(&rm, { 0x10000, 0x11000, P, NULL }, { 0x12000, 0x13000, P, NULL },
		   { 0x14000, 0x15000, P, NULL });
	/* one starting inside the last range stops it too */
	assert_int_equal(APPEND(&rm, P, { 0x14800, 0x1000 }), 0);
	assert_int_equal(rm.nr, 3);
}

static void test_append_stops_when_full(void **state)
{
	struct kho_range st[3];
	struct kho_rmap rm;

	(void)state;
	kho_rmap_init(&rm, st, 3);
	sim_expect(kho_rmap_add(&rm, 0x1000, 0x2000, P, NULL), 0);
	assert_int_equal(APPEND(&rm, P, { 0x3000, 0x1000 }, { 0x5000, 0x1000 },
				{ 0x7000, 0x1000 }),
			 2);
	ASSERT_MAP(&rm, { 0x1000, 0x2000, P, NULL }, { 0x3000, 0x4000, P, NULL },
		   { 0x5000, 0x6000, P, NULL });
	/* full, a touching run still merges: it needs no slot */
	assert_int_equal(APPEND(&rm, P, { 0x6000, 0x1000 }, { 0x9000, 0x1000 }), 1);
	ASSERT_MAP(&rm, { 0x1000, 0x2000, P, NULL }, { 0x3000, 0x4000, P, NULL },
		   { 0x5000, 0x7000, P, NULL });
}

static void test_append_stops_at_empty_or_wrapping_run(void **state)
{
	struct kho_range st[8];
	struct kho_rmap rm;

	(void)state;
	kho_rmap_init(&rm, st, 8);
	assert_int_equal(
		APPEND(&rm, P, { 0x1000, 0x1000 }, { 0x4000, 0 }, { 0x5000, 0x1000 }), 1);
	assert_int_equal(
		APPEND(&rm, P, { 0x3000, 0x1000 }, { 0xfffffffffffff000ull, 0x2000 }), 1);
	ASSERT_MAP(&rm, { 0x1000, 0x2000, P, NULL }, { 0x3000, 0x4000, P, NULL });
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
#define U(fn) cmocka_unit_test(fn)
	const struct CMUnitTest tests[] = {
		T(test_carry_merges_v3),
		T(test_carry_merges_v4),
		T(test_carry_merge_equals_per_block),
		T(test_carry_refuses_unprotected_radix),
		T(test_carry_v1_protected),
		T(test_carry_out_of_pages_keeps_protection),
		T(test_carry_v1_unprotected_goes_block_by_block),
		T(test_carry_v3_into_v4_goes_block_by_block),
		T(test_merge_refuses_unrecorded_source),
		T(test_merge_refuses_source_page_of_other_kind),
		T(test_merge_accepts_source_recorded_preserved),
		T(test_merge_needs_source_and_rmap),
		U(test_append_ascending),
		U(test_append_bad_kind),
		U(test_append_merges_touching),
		U(test_append_stops_touching_other_kind),
		U(test_append_stops_touching_labelled),
		U(test_append_above_other_kind),
		U(test_append_stops_below_last),
		U(test_append_stops_when_full),
		U(test_append_stops_at_empty_or_wrapping_run),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
