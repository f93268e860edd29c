/* SPDX-License-Identifier: MIT */
/*
 * Property test with a fixed seed: random preservation sets (1-40 blocks of
 * orders 0-10 in a bank below and one above 4 GiB, with duplicates, adjacent and
 * overlapping blocks, and sometimes the KHO FDT page among them) are produced,
 * consumed into a fresh reservation map, and the preserved ranges compared with
 * a sorted, merged interval list computed here. The producer's own map must agree
 * too, and the consumer must find exactly the distinct blocks.
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
#define MAX_SET 40
#define MAX_ORDER 10
#define NR_RANGES 512
#define CHECK_RAM_EVERY 1000 /* whole-RAM no-write check, every n-th set */

struct region {
	u64 start, end;
};

/* Where random blocks may go: clear of the FDT, array, pool and scratch. */
static const struct region data[2] = {
	{ SIM_DATA, SIM_LOW_BASE + 32 * MiB },
	{ SIM_HIGH_BASE, SIM_HIGH_BASE + 16 * MiB },
};

struct blk {
	u64 phys;
	unsigned int order;
};

struct prop {
	struct sim s;
	struct sim_alloc a;
	u8 dt[4096] __attribute__((aligned(8))); /* libfdt wants 8 */
	struct kho_range out_store[NR_RANGES], in_store[NR_RANGES];
	struct kho_rmap out_rm, in_rm;
	struct kho_out out;
	struct kho_in in;
	u64 rng;
	struct blk set[MAX_SET];
	unsigned int n;
};

/* xorshift64*: small, fixed, and the same on every host. */
static u64 rnd(struct prop *p)
{
	p->rng ^= p->rng >> 12;
	p->rng ^= p->rng << 25;
	p->rng ^= p->rng >> 27;
	return p->rng * 2685821657736338717ull;
}

static u64 below(struct prop *p, u64 n)
{
	return rnd(p) % n;
}

static u64 bsize(unsigned int order)
{
	return (u64)0x1000 << order;
}

static int in_data(u64 phys, unsigned int order)
{
	for (int i = 0; i < 2; i++)
		if (phys >= data[i].start && phys + bsize(order) <= data[i].end)
			return 1;
	return 0;
}

static unsigned int rand_order(struct prop *p)
{
	/* half the blocks small, so runs and shared leaves are common */
	return (unsigned int)(below(p, 2) ? below(p, 3) : below(p, MAX_ORDER + 1));
}

static struct blk rand_block(struct prop *p)
{
	const struct region *r = &data[below(p, 2)];
	struct blk b;
	u64 first, slots;

	b.order = rand_order(p);
	first = (r->start + bsize(b.order) - 1) & ~(bsize(b.order) - 1);
	slots = (r->end - first) / bsize(b.order);
	b.phys = first + below(p, slots) * bsize(b.order);
	return b;
}

/* The largest order <= max at which phys is aligned. */
static unsigned int align_order(u64 phys, unsigned int max)
{
	unsigned int o = 0;

	while (o < max && !(phys & (bsize(o + 1) - 1)))
		o++;
	return o;
}

/* A block related to prev: duplicate, adjacent above or below, around or inside. */
static struct blk near_block(struct prop *p, const struct blk *prev)
{
	struct blk b = *prev;
	unsigned int o;

	switch (below(p, 4)) {
	case 0:
		break;
	case 1:
		b.phys = prev->phys + bsize(prev->order);
		b.order = (unsigned int)below(p, align_order(b.phys, MAX_ORDER) + 1);
		break;
	case 2:
		o = (unsigned int)below(p, align_order(prev->phys, MAX_ORDER) + 1);
		b.phys = prev->phys - bsize(o);
		b.order = o;
		break;
	default:
		b.order = (unsigned int)below(p, MAX_ORDER + 1);
		b.phys = (prev->phys + below(p, bsize(prev->order))) &
			 ~(bsize(b.order) - 1);
		break;
	}
	return in_data(b.phys, b.order) ? b : rand_block(p);
}

static void make_set(struct prop *p)
{
	p->n = 1 + (unsigned int)below(p, MAX_SET);
	for (unsigned int i = 0; i < p->n; i++)
		p->set[i] = i && below(p, 2) ? near_block(p, &p->set[below(p, i)])
					     : rand_block(p);
}

static void print_set(const struct prop *p, unsigned int iter, enum kho_abi abi)
{
	print_error("%s, set %u (%u blocks, KHO FDT at 0x%" PRIx64 "):\n",
		    kho_abi_name(abi), iter, p->n, p->out.fdt_phys);
	for (unsigned int i = 0; i < p->n; i++)
		print_error("  0x%" PRIx64 " order %u\n", p->set[i].phys,
			    p->set[i].order);
}

/* Reference: merged union of the set and the KHO FDT page. */
static unsigned int reference(const struct prop *p, struct sim_span *v)
{
	for (unsigned int i = 0; i < p->n; i++) {
		v[i].start = p->set[i].phys;
		v[i].end = p->set[i].phys + bsize(p->set[i].order);
	}
	v[p->n].start = p->out.fdt_phys;
	v[p->n].end = p->out.fdt_phys + 0x1000;
	return sim_spans_merge(v, p->n + 1);
}

static int blk_cmp(const void *a, const void *b)
{
	const struct blk *x = a, *y = b;

	if (x->order != y->order)
		return x->order < y->order ? -1 : 1;
	return x->phys < y->phys ? -1 : x->phys > y->phys;
}

/* Distinct (phys, order) keys: what the map holds once, however often set. */
static u64 distinct_blocks(const struct prop *p)
{
	struct blk b[MAX_SET + 1];
	u64 n = 0;

	memcpy(b, p->set, p->n * sizeof(*b));
	b[p->n].phys = p->out.fdt_phys;
	b[p->n].order = 0;
	qsort(b, p->n + 1, sizeof(*b), blk_cmp);
	for (unsigned int i = 0; i <= p->n; i++)
		n += !i || blk_cmp(&b[i], &b[i - 1]);
	return n;
}

static int produce(struct prop *p, enum kho_abi abi)
{
	const struct kho_scratch sc = { SIM_SCRATCH, SIM_SCRATCH_SIZE };
	int err;

	err = kho_out_init(&p->out, &p->s.mem, abi, 12, &p->a.pa, &p->out_rm);
	for (unsigned int i = 0; !err && i < p->n; i++)
		err = kho_out_preserve(&p->out, p->set[i].phys, p->set[i].order);
	if (!err)
		err = kho_out_scratch(&p->out, SIM_SCR_ARRAY, &sc, 1);
	if (!err)
		err = kho_out_finish(&p->out);
	return err ? err : kho_out_chosen(&p->out, p->dt);
}

static int one_set(struct prop *p, enum kho_abi abi, unsigned int iter)
{
	struct sim_span want[MAX_SET + 1], got[NR_RANGES];
	struct kho_in_stats st;
	unsigned int nw, ng;
	int err;

	make_set(p);
	sim_alloc_reset(&p->a);
	if (!below(p, 8)) /* the KHO FDT page among the random blocks */
		sim_alloc_free(&p->a, SIM_DATA + below(p, 16 * MiB / 0x1000) * 0x1000);
	kho_rmap_init(&p->out_rm, p->out_store, NR_RANGES);
	kho_rmap_init(&p->in_rm, p->in_store, NR_RANGES);
	err = produce(p, abi);
	if (err) {
		print_set(p, iter, abi);
		sim_expect(err, 0);
	}
	if (iter % CHECK_RAM_EVERY == 0)
		sim_snapshot(&p->s);
	err = kho_in_open(&p->in, p->dt, &p->s.mem, 12, abi);
	if (!err)
		err = kho_in_protect_stats(&p->in, &p->in_rm, &st);
	if (err) {
		print_set(p, iter, abi);
		sim_expect(err, 0);
	}
	if (iter % CHECK_RAM_EVERY == 0)
		sim_assert_unchanged(&p->s, NULL, 0, "the consumer");
	nw = reference(p, want);
	ng = sim_rmap_spans(&p->in_rm, KHO_KIND_PRESERVED, got, NR_RANGES);
	if (ng != nw || memcmp(got, want, nw * sizeof(*want))) {
		print_set(p, iter, abi);
		sim_assert_spans(got, ng, want, nw, "consumer's preserved ranges");
	}
	ng = sim_rmap_spans(&p->out_rm, KHO_KIND_PRESERVED, got, NR_RANGES);
	if (ng != nw || memcmp(got, want, nw * sizeof(*want))) {
		print_set(p, iter, abi);
		sim_assert_spans(got, ng, want, nw, "producer's preserved ranges");
	}
	if (st.blocks != distinct_blocks(p)) {
		print_set(p, iter, abi);
		fail_msg("consumer found %" PRIu64 " blocks, the set has %" PRIu64
			 " distinct",
			 st.blocks, distinct_blocks(p));
	}
	return 0;
}

static int setup(void **state)
{
	struct prop *p = calloc(1, sizeof(*p));

	if (!p)
		return -1;
	sim_std(&p->s, 32 * MiB, 16 * MiB);
	sim_alloc_init(&p->a, &p->s, SIM_POOL, SIM_POOL_END, 12);
	sim_os_dt(p->dt, sizeof(p->dt), &p->s, 2, 2);
	*state = p;
	return 0;
}

static int teardown(void **state)
{
	struct prop *p = *state;

	sim_fini(&p->s);
	free(p);
	return 0;
}

static void run(struct prop *p, enum kho_abi abi, unsigned int sets, u64 seed)
{
	p->rng = seed;
	for (unsigned int i = 0; i < sets; i++)
		one_set(p, abi, i);
}

static void test_random_sets_v4(void **state)
{
	run(*state, KHO_ABI_V4, 10000, 0x6b686f2d763421ull);
}

static void test_random_sets_v1_4k(void **state)
{
	run(*state, KHO_ABI_V1_4K, 10000, 0x6b686f2d7631ull);
}

static void test_random_sets_v1_512(void **state)
{
	run(*state, KHO_ABI_V1_512, 2000, 0x353132ull);
}

static void test_random_sets_v1_4k_nz(void **state)
{
	run(*state, KHO_ABI_V1_4K_NZ, 1000, 0x6e7aull);
}

static void test_random_sets_v3(void **state)
{
	run(*state, KHO_ABI_V3, 2000, 0x7633ull);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_random_sets_v4),	    T(test_random_sets_v1_4k),
		T(test_random_sets_v1_512), T(test_random_sets_v1_4k_nz),
		T(test_random_sets_v3),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
