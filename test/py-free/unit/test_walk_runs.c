/* SPDX-License-Identifier: MIT */
/*
 * The map walk's run output: bitmaps of many shapes (random words, sparse and
 * dense bits, runs across words, all-one words, the last bit) read through a v1
 * chunk list, with the per-run callback and with batches of several sizes, each
 * compared with the bits set, merged here bit by bit. Also what batches promise
 * (one order, no two touching runs in a call), a callback error stopping the
 * walk, and the runs before a bad one reported first when runs must be checked
 * against RAM.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <inttypes.h>
#include <kho/err.h>
#include <kho/map.h>
#include <stdlib.h>
#include <string.h>

#define PAGE 4096u
#define NR_BITMAPS 3
#define WORDS (PAGE / 8)
#define MAP_BASE 0x10000000ull	 /* chunk page, then one page per bitmap */
#define DATA_BASE 0x100000000ull /* described memory: RAM without a window */
#define SPAN(order) ((u64)PAGE * 8 << (12 + (order)))
#define MAX_RANGES (NR_BITMAPS * WORDS * 32 + 1)

struct walk_fx {
	struct kho_mem mem;
	u8 *map; /* host view of MAP_BASE */
	u64 rng;
	unsigned int order;
};

struct out {
	struct kho_run *v;
	unsigned int n;
	unsigned int calls, fail_at, cap;
	unsigned int order;
	u64 last_end; /* end of the last run of the previous call */
};

static u64 rnd(struct walk_fx *f)
{
	f->rng ^= f->rng >> 12;
	f->rng ^= f->rng << 25;
	f->rng ^= f->rng >> 27;
	return f->rng * 0x2545f4914f6cdd1dull;
}

/* f->mem with only the map pages, RAM and readable. */
static int map_only(struct walk_fx *f)
{
	kho_mem_init(&f->mem);
	return kho_mem_add_ram(&f->mem, MAP_BASE, (1 + NR_BITMAPS) * PAGE) ||
	       kho_mem_add_window(&f->mem, MAP_BASE, (1 + NR_BITMAPS) * PAGE, f->map);
}

static int setup(void **state)
{
	struct walk_fx *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	f->map = aligned_alloc(PAGE, (1 + NR_BITMAPS) * PAGE);
	if (!f->map)
		return -1;
	memset(f->map, 0, (1 + NR_BITMAPS) * PAGE);
	if (map_only(f) || kho_mem_add_ram(&f->mem, DATA_BASE, NR_BITMAPS * SPAN(1)))
		return -1;
	f->rng = 0x9e3779b97f4a7c15ull;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct walk_fx *f = *state;

	free(f->map);
	free(f);
	return 0;
}

static u64 *bitmap(struct walk_fx *f, unsigned int k)
{
	return (u64 *)(f->map + PAGE * (1 + k));
}

/* One chunk of f->order naming every bitmap, spans back to back from DATA_BASE. */
static void make_chunk(struct walk_fx *f)
{
	struct khoser_mem_chunk *c = (struct khoser_mem_chunk *)f->map;

	memset(c, 0, PAGE);
	c->hdr.order = f->order;
	c->hdr.num_elms = NR_BITMAPS;
	for (unsigned int k = 0; k < NR_BITMAPS; k++) {
		c->bitmaps[k].phys_start = DATA_BASE + k * SPAN(f->order);
		c->bitmaps[k].bitmap = MAP_BASE + PAGE * (1 + k);
	}
}

/* A word of one of several shapes. */
static u64 rand_word(struct walk_fx *f)
{
	u64 a = rnd(f), b = rnd(f);

	switch (rnd(f) % 8) {
	case 0:
		return 0;
	case 1:
		return ~(u64)0;
	case 2:
		return a & b & rnd(f); /* sparse */
	case 3:
		return a | b; /* dense */
	case 4:
		return 0x5555555555555555ull << (a % 2);
	case 5:
		return ~(u64)0 << (a % 64); /* a run to the top bit */
	case 6:
		return ~(u64)0 >> (a % 64); /* a run from bit 0 */
	default:
		return a;
	}
}

static void rand_bitmaps(struct walk_fx *f)
{
	for (unsigned int k = 0; k < NR_BITMAPS; k++)
		for (unsigned int i = 0; i < WORDS; i++)
			bitmap(f, k)[i] = rand_word(f);
}

/* Append [phys, phys + size) to o, merged with the last range if they touch. */
static void append(struct out *o, u64 phys, u64 size)
{
	if (o->n && o->v[o->n - 1].phys + o->v[o->n - 1].size == phys) {
		o->v[o->n - 1].size += size;
		return;
	}
	assert_true(o->n < MAX_RANGES);
	o->v[o->n].phys = phys;
	o->v[o->n++].size = size;
}

/* The expected ranges, bit by bit. */
static u64 reference(struct walk_fx *f, struct out *o)
{
	u64 bs = (u64)PAGE << f->order, count = 0;

	for (unsigned int k = 0; k < NR_BITMAPS; k++)
		for (u64 b = 0; b < WORDS * 64; b++)
			if (bitmap(f, k)[b / 64] >> (b % 64) & 1) {
				append(o, DATA_BASE + k * SPAN(f->order) + b * bs, bs);
				count++;
			}
	return count;
}

static int on_block(void *arg, u64 phys, u64 size, unsigned int order)
{
	struct out *o = arg;

	if (order != o->order)
		fail_msg("run of order %u in a map of order %u", order, o->order);
	if (++o->calls == o->fail_at)
		return -KHO_E_NOSPC;
	append(o, phys, size);
	return 0;
}

static int on_runs(void *arg, const struct kho_run *r, unsigned int n, unsigned int order)
{
	struct out *o = arg;

	if (!n || (o->cap && n > o->cap) || order != o->order)
		fail_msg("batch of %u runs of order %u (cap %u, map order %u)", n, order,
			 o->cap, o->order);
	if (++o->calls == o->fail_at)
		return -KHO_E_NOSPC;
	for (unsigned int k = 0; k < n; k++) {
		if (k && r[k - 1].phys + r[k - 1].size >= r[k].phys)
			fail_msg("runs %u and %u of a batch touch or are out of order",
				 k - 1, k);
		if (!r[k].size || r[k].size % ((u64)PAGE << order))
			fail_msg("run of 0x%" PRIx64 " bytes", r[k].size);
		append(o, r[k].phys, r[k].size);
	}
	o->last_end = r[n - 1].phys + r[n - 1].size;
	return 0;
}

static struct out *new_out(unsigned int order)
{
	struct out *o = calloc(1, sizeof(*o));

	assert_non_null(o);
	o->v = calloc(MAX_RANGES, sizeof(*o->v));
	assert_non_null(o->v);
	o->order = order;
	return o;
}

static void free_out(struct out *o)
{
	free(o->v);
	free(o);
}

/* Walk with block() (cap ~0u) or with runs() into a buffer of cap (0: none). */
static int walk(struct walk_fx *f, struct out *o, unsigned int cap, u64 *blocks)
{
	struct kho_run *buf = cap && cap != ~0u ? calloc(cap, sizeof(*buf)) : NULL;
	struct kho_walk w = {
		.mem = &f->mem, .page_shift = 12, .max_order = 18, .arg = o
	};
	int err;

	if (cap == ~0u) {
		w.block = on_block;
	} else {
		w.runs = on_runs;
		w.run_buf = buf;
		w.run_cap = cap;
		o->cap = cap;
	}
	err = kho_v1_walk(&w, MAP_BASE, PAGE);
	*blocks = w.blocks;
	free(buf);
	return err;
}

static void same(const struct out *want, const struct out *got, unsigned int cap)
{
	if (got->n != want->n)
		fail_msg("cap %u: %u ranges, the bits make %u", cap, got->n, want->n);
	for (unsigned int i = 0; i < want->n; i++)
		if (got->v[i].phys != want->v[i].phys ||
		    got->v[i].size != want->v[i].size)
			fail_msg("cap %u: range %u is 0x%" PRIx64 "+0x%" PRIx64
				 ", the bits make 0x%" PRIx64 "+0x%" PRIx64,
				 cap, i, got->v[i].phys, got->v[i].size, want->v[i].phys,
				 want->v[i].size);
}

static void check_all_outputs(struct walk_fx *f)
{
	static const unsigned int caps[] = { ~0u, 0, 1, 2, 7, 31, 32, 64, 1000 };
	struct out *want = new_out(f->order);
	u64 count = reference(f, want), blocks;

	make_chunk(f);
	for (unsigned int c = 0; c < sizeof(caps) / sizeof(caps[0]); c++) {
		struct out *got = new_out(f->order);

		assert_int_equal(walk(f, got, caps[c], &blocks), 0);
		same(want, got, caps[c]);
		if (blocks != count)
			fail_msg("cap %u: %" PRIu64 " blocks counted, %" PRIu64
				 " bits set",
				 caps[c], blocks, count);
		free_out(got);
	}
	free_out(want);
}

static void test_random_bitmaps_order0(void **state)
{
	struct walk_fx *f = *state;

	for (int i = 0; i < 20; i++) {
		rand_bitmaps(f);
		check_all_outputs(f);
	}
}

static void test_random_bitmaps_order1(void **state)
{
	struct walk_fx *f = *state;

	f->order = 1;
	for (int i = 0; i < 5; i++) {
		rand_bitmaps(f);
		check_all_outputs(f);
	}
}

/*
 * Every other bit, all ones, nothing but the last bit; then runs that touch
 * across bitmaps (on_runs() checks that no two runs of one call touch).
 */
static void test_fixed_shapes(void **state)
{
	struct walk_fx *f = *state;

	memset(bitmap(f, 0), 0x55, PAGE);
	memset(bitmap(f, 1), 0xff, PAGE);
	memset(bitmap(f, 2), 0, PAGE);
	bitmap(f, 2)[WORDS - 1] = (u64)1 << 63;
	check_all_outputs(f);
	memset(bitmap(f, 0), 0xaa, PAGE);
	memset(bitmap(f, 2), 0xff, PAGE);
	check_all_outputs(f);
}

static void test_runs_error_stops_the_walk(void **state)
{
	struct walk_fx *f = *state;
	struct out *o = new_out(0);
	u64 blocks;

	memset(bitmap(f, 0), 0x55, PAGE);
	make_chunk(f);
	o->fail_at = 3;
	assert_int_equal(walk(f, o, 4, &blocks), -KHO_E_NOSPC);
	assert_int_equal(o->calls, 3);
	assert_int_equal(o->n, 8); /* the runs of the first two calls */
	free_out(o);
}

/* blocks counts the runs block() was given, the refused one included. */
static void test_block_error_stops_the_count(void **state)
{
	struct walk_fx *f = *state;
	struct out *o = new_out(0);
	u64 blocks;

	memset(bitmap(f, 0), 0x55, PAGE);
	make_chunk(f);
	o->fail_at = 2;
	assert_int_equal(walk(f, o, ~0u, &blocks), -KHO_E_NOSPC);
	assert_int_equal(o->calls, 2);
	assert_int_equal(blocks, 2);
	free_out(o);
}

/*
 * Bitmap 0 describes memory only partly in RAM: its runs are checked one by one,
 * and those before the first run outside RAM still reach the caller.
 */
static void test_checked_runs_before_a_bad_one(void **state)
{
	struct walk_fx *f = *state;
	struct kho_mem full = f->mem;
	u64 blocks;

	assert_int_equal(map_only(f), 0);
	/* Two adjacent banks (pages 0-33 and 34-95), then no RAM. */
	assert_int_equal(kho_mem_add_ram(&f->mem, DATA_BASE, 34 * PAGE), 0);
	assert_int_equal(kho_mem_add_ram(&f->mem, DATA_BASE + 34 * PAGE, 62 * PAGE), 0);
	memset(bitmap(f, 0), 0, PAGE);
	bitmap(f, 0)[0] = 0x0f0f0f0f0f0f0f0full; /* 8 runs, one over both banks */
	bitmap(f, 0)[2] = 0x0f0f;		 /* pages 128-131: outside RAM */
	for (unsigned int cap = 0; cap <= 4; cap++) {
		struct out *o = new_out(0), *cb = new_out(0);

		make_chunk(f);
		assert_int_equal(walk(f, o, cap, &blocks), -KHO_E_OUTSIDE_RAM);
		assert_int_equal(walk(f, cb, ~0u, &blocks), -KHO_E_OUTSIDE_RAM);
		same(cb, o, cap);
		assert_int_equal(o->n, 8);
		assert_true(o->v[7].phys == DATA_BASE + 56 * PAGE);
		free_out(o);
		free_out(cb);
	}
	f->mem = full;
}

/*
 * The same when the first run is outside RAM: nothing reaches the caller, with
 * block() (c 0) or batches of any size.
 */
static void test_checked_first_run_bad(void **state)
{
	struct walk_fx *f = *state;
	struct kho_mem full = f->mem;
	u64 blocks;

	assert_int_equal(map_only(f), 0);
	assert_int_equal(kho_mem_add_ram(&f->mem, DATA_BASE, 96 * PAGE), 0);
	memset(bitmap(f, 0), 0, PAGE);
	bitmap(f, 0)[2] = 0x0f0f; /* pages 128-131 and 136-139: outside RAM */
	for (unsigned int c = 0; c < 4; c++) {
		struct out *o = new_out(0);

		make_chunk(f);
		assert_int_equal(walk(f, o, c - 1, &blocks), -KHO_E_OUTSIDE_RAM);
		assert_int_equal(o->calls, 0);
		assert_int_equal(blocks, 0);
		free_out(o);
	}
	f->mem = full;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_random_bitmaps_order0, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_random_bitmaps_order1, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_fixed_shapes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_runs_error_stops_the_walk, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_block_error_stops_the_count, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_checked_runs_before_a_bad_one, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_checked_first_run_bad, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
