/* SPDX-License-Identifier: MIT */
/*
 * Produce, then consume, for every ABI: blocks of several orders (also above
 * 4 GiB), ranges with the kernel's greedy split, reserve_mem, kexec-metadata,
 * dma allocations, the scratch array and /chosen. What the consumer finds must
 * be exactly what was preserved, block by block; the producer may write only
 * its page pool and the scratch array, the consumer nothing at all.
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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"

#define MiB (1024ull * 1024)
#define NR_RANGES 256
#define MAX_BLOCKS 128
#define LOW_SIZE (16 * MiB)
#define HIGH_SIZE (16 * MiB)
#define HIGH_SCRATCH (SIM_HIGH_BASE + 12 * MiB)

struct blk {
	u64 phys;
	unsigned int order;
};

struct rt {
	struct sim s;
	struct sim_alloc a;
	u8 dt[8192] __attribute__((aligned(8))); /* libfdt wants 8 */
	struct kho_range out_store[NR_RANGES], in_store[NR_RANGES];
	struct kho_rmap out_rm, in_rm;
	struct kho_out out;
	struct kho_in in;
	struct blk want[MAX_BLOCKS]; /* every block the test preserved */
	unsigned int nwant;
};

static int setup(void **state)
{
	struct rt *t = calloc(1, sizeof(*t));

	if (!t)
		return -1;
	sim_std(&t->s, LOW_SIZE, HIGH_SIZE);
	sim_poison(&t->s);
	sim_snapshot(&t->s);
	sim_alloc_init(&t->a, &t->s, SIM_POOL, SIM_POOL_END, 12);
	sim_os_dt(t->dt, sizeof(t->dt), &t->s, 2, 2);
	kho_rmap_init(&t->out_rm, t->out_store, NR_RANGES);
	kho_rmap_init(&t->in_rm, t->in_store, NR_RANGES);
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	struct rt *t = *state;

	sim_fini(&t->s);
	free(t);
	return 0;
}

static void want_block(struct rt *t, u64 phys, unsigned int order)
{
	if (t->nwant == MAX_BLOCKS)
		fail_msg("test: too many expected blocks");
	t->want[t->nwant].phys = phys;
	t->want[t->nwant].order = order;
	t->nwant++;
}

static void init(struct rt *t, enum kho_abi abi)
{
	sim_expect(kho_out_init(&t->out, &t->s.mem, abi, 12, &t->a.pa, &t->out_rm), 0);
	want_block(t, t->out.fdt_phys, 0);
}

static void preserve(struct rt *t, u64 phys, unsigned int order)
{
	sim_expect(kho_out_preserve(&t->out, phys, order), 0);
	want_block(t, phys, order);
}

/* The kernel's split (ABI notes 2.3), computed here without libkho. */
static unsigned int ref_split(u64 pfn, u64 end)
{
	unsigned int o = 0;

	while (o < 63 && !(pfn & ((u64)1 << o)) && ((u64)2 << o) <= end - pfn)
		o++;
	return o;
}

static unsigned int want_range(struct rt *t, u64 phys, u64 size)
{
	u64 pfn = phys >> 12, end = (phys + size) >> 12;
	unsigned int n = 0;

	while (pfn < end) {
		unsigned int o = ref_split(pfn, end);
		want_block(t, pfn << 12, o);
		pfn += (u64)1 << o;
		n++;
	}
	return n;
}

static void preserve_range(struct rt *t, u64 phys, u64 size)
{
	int n = kho_out_preserve_range(&t->out, phys, size);

	if (n < 0)
		sim_expect(n, 0);
	assert_int_equal(n, want_range(t, phys, size));
}

static const struct kho_scratch scratch2[2] = {
	{ SIM_SCRATCH, SIM_SCRATCH_SIZE },
	{ HIGH_SCRATCH, 4 * MiB },
};

static void finish(struct rt *t)
{
	sim_expect(kho_out_scratch(&t->out, SIM_SCR_ARRAY, scratch2, 2), 0);
	sim_expect(kho_out_finish(&t->out), 0);
	sim_expect(kho_out_chosen(&t->out, t->dt), 0);
}

/* The producer may only have written its pool and the scratch array. */
static void assert_producer_footprint(struct rt *t)
{
	const struct sim_span allowed[2] = {
		sim_alloc_span(&t->a),
		{ SIM_SCR_ARRAY, SIM_SCR_ARRAY + sizeof(scratch2) },
	};

	sim_assert_unchanged(&t->s, allowed, 2, "the producer");
}

static void consume(struct rt *t, enum kho_abi hint)
{
	sim_snapshot(&t->s);
	kho_rmap_init(&t->in_rm, t->in_store, NR_RANGES);
	sim_expect(kho_in_open(&t->in, t->dt, &t->s.mem, 12, hint), 0);
	sim_expect(kho_in_protect(&t->in, &t->in_rm), 0);
	sim_assert_unchanged(&t->s, NULL, 0, "the consumer");
}

static void assert_preserved_ranges(struct rt *t)
{
	struct sim_span want[MAX_BLOCKS], got[MAX_BLOCKS];
	unsigned int nw, ng;

	for (unsigned int i = 0; i < t->nwant; i++) {
		want[i].start = t->want[i].phys;
		want[i].end = t->want[i].phys + ((u64)0x1000 << t->want[i].order);
	}
	nw = sim_spans_merge(want, t->nwant);
	ng = sim_rmap_spans(&t->in_rm, KHO_KIND_PRESERVED, got, MAX_BLOCKS);
	sim_assert_spans(got, ng, want, nw, "consumer's preserved ranges");
}

struct blk_list {
	struct blk b[MAX_BLOCKS * 4];
	unsigned int n;
};

static int collect_blocks(void *arg, u64 phys, u64 size, unsigned int order)
{
	struct blk_list *l = arg;
	u64 step = (u64)0x1000 << order;

	for (u64 at = phys; at < phys + size; at += step) {
		if (l->n == MAX_BLOCKS * 4)
			return -KHO_E_NOSPC;
		l->b[l->n].phys = at;
		l->b[l->n].order = order;
		l->n++;
	}
	return 0;
}

static int blk_cmp(const void *a, const void *b)
{
	const struct blk *x = a, *y = b;

	if (x->order != y->order)
		return x->order < y->order ? -1 : 1;
	return x->phys < y->phys ? -1 : x->phys > y->phys;
}

/* Every block with its order, not only the union of the ranges. */
static void assert_blocks(struct rt *t)
{
	struct blk_list got = { .n = 0 };
	struct blk want[MAX_BLOCKS];
	struct kho_walk w = { .block = collect_blocks, .arg = &got };

	sim_expect(kho_in_walk(&t->in, &w), 0);
	memcpy(want, t->want, t->nwant * sizeof(*want));
	qsort(want, t->nwant, sizeof(*want), blk_cmp);
	qsort(got.b, got.n, sizeof(*got.b), blk_cmp);
	for (unsigned int i = 0; i < got.n && i < t->nwant; i++)
		if (got.b[i].phys != want[i].phys || got.b[i].order != want[i].order)
			fail_msg("block %u: got 0x%" PRIx64
				 "/order %u, expected 0x%" PRIx64 "/order %u",
				 i, got.b[i].phys, got.b[i].order, want[i].phys,
				 want[i].order);
	assert_int_equal(got.n, t->nwant);
}

/* ------------------------------- full scenario ------------------------------ */

static u64 blob_phys(struct rt *t, const char *name)
{
	int node = fdt_subnode_offset(t->out.fdt, 0, name), len;
	const void *p =
		fdt_getprop(t->out.fdt, node,
			    kho_abi_is_v1(t->out.abi) ? "fdt" : "preserved-data", &len);

	assert_non_null(p);
	assert_int_equal(len, 8);
	return kho_get_u64(p);
}

static void produce_everything(struct rt *t, enum kho_abi abi)
{
	init(t, abi);
	preserve(t, SIM_DATA, 0);
	preserve(t, SIM_DATA + 0x2000, 1);
	preserve(t, SIM_DATA + MiB, 8);
	preserve(t, SIM_HIGH_BASE + 0x1000, 0);
	preserve(t, SIM_HIGH_BASE + 4 * MiB, 10);
	preserve_range(t, SIM_DATA + 0x201000, 0x9000);
	sim_expect(kho_out_reserve_mem(&t->out, "trace", SIM_DATA + 3 * MiB, 0x43000), 0);
	want_range(t, SIM_DATA + 3 * MiB, 0x43000);
	sim_expect(kho_out_reserve_mem(&t->out, "log", SIM_HIGH_BASE + 0x801000, 0x2000),
		   0);
	want_range(t, SIM_HIGH_BASE + 0x801000, 0x2000);
	want_block(t, t->out.memblock_phys, 0);
	if (kho_abi_is_v1(abi)) {
		sim_expect(kho_out_metadata(&t->out, "7.0.0", 1), -KHO_E_ABI);
		sim_expect(kho_out_dma_alloc(&t->out, SIM_DATA + 4 * MiB, 5000, 0, 0),
			   -KHO_E_ABI);
	} else {
		sim_expect(kho_out_metadata(&t->out, "7.3.4", 2), 0);
		want_block(t, blob_phys(t, "kexec-metadata"), 0);
		sim_expect(kho_out_dma_alloc(&t->out, SIM_DATA + 4 * MiB, 5000, 0, 0), 0);
		want_block(t, SIM_DATA + 4 * MiB, 1);
		sim_expect(
			kho_out_dma_alloc(&t->out, SIM_HIGH_BASE + 9 * MiB, 4096, 0, 1),
			0);
		want_block(t, SIM_HIGH_BASE + 9 * MiB, 0);
		want_block(t, t->out.dma_phys, 0);
	}
	finish(t);
}

struct blob_seen {
	unsigned int n;
	const char *name[8];
	u64 size[8];
};

static int see_blob(void *arg, const struct kho_blob *b)
{
	struct blob_seen *s = arg;

	if (s->n < 8) {
		s->name[s->n] = b->name;
		s->size[s->n] = b->size;
	}
	s->n++;
	return 0;
}

static u64 blob_size(const struct blob_seen *s, const char *name)
{
	for (unsigned int i = 0; i < s->n && i < 8; i++)
		if (!strcmp(s->name[i], name))
			return s->size[i];
	fail_msg("blob %s not listed", name);
	return 0;
}

static void assert_scratch(struct rt *t)
{
	struct sim_span got[8];
	const struct sim_span want[2] = {
		{ SIM_SCRATCH, SIM_SCRATCH + SIM_SCRATCH_SIZE },
		{ HIGH_SCRATCH, HIGH_SCRATCH + 4 * MiB },
	};
	const struct kho_range *arr = kho_rmap_find(&t->in_rm, SIM_SCR_ARRAY);

	assert_int_equal(t->in.nr_scratch, 2);
	assert_memory_equal(t->in.scratch, scratch2, sizeof(scratch2));
	sim_assert_spans(got, sim_rmap_spans(&t->in_rm, KHO_KIND_SCRATCH, got, 8), want,
			 2, "scratch areas");
	assert_non_null(arr);
	assert_int_equal(arr->kind, KHO_KIND_META);
}

static void roundtrip(struct rt *t, enum kho_abi abi)
{
	struct blob_seen seen = { 0 };
	const void *memblock;

	produce_everything(t, abi);
	assert_producer_footprint(t);
	consume(t, abi);
	assert_int_equal(t->in.abi, abi);
	assert_preserved_ranges(t);
	assert_blocks(t);
	assert_scratch(t);
	memblock = sim_at(&t->s, t->out.memblock_phys, 0x1000);
	if (kho_abi_is_v1(abi)) {
		assert_int_equal(kho_in_for_each_blob(&t->in, see_blob, &seen), 1);
	} else {
		assert_int_equal(kho_in_for_each_blob(&t->in, see_blob, &seen), 3);
		assert_int_equal(blob_size(&seen, "kexec-metadata"), 73);
		assert_int_equal(blob_size(&seen, "dma-alloc"),
				 2 * sizeof(struct dma_alloc_ser));
	}
	assert_int_equal(blob_size(&seen, "memblock"), fdt_totalsize(memblock));
}

static void test_roundtrip_v1_512(void **state)
{
	roundtrip(*state, KHO_ABI_V1_512);
}

static void test_roundtrip_v1_4k(void **state)
{
	roundtrip(*state, KHO_ABI_V1_4K);
}

static void test_roundtrip_v1_4k_nz(void **state)
{
	roundtrip(*state, KHO_ABI_V1_4K_NZ);
}

static void test_roundtrip_v3(void **state)
{
	roundtrip(*state, KHO_ABI_V3);
}

static void test_roundtrip_v4(void **state)
{
	roundtrip(*state, KHO_ABI_V4);
}

static void test_roundtrip_v4_auto_hint(void **state)
{
	struct rt *t = *state;

	produce_everything(t, KHO_ABI_V4);
	consume(t, KHO_ABI_AUTO);
	assert_int_equal(t->in.abi, KHO_ABI_V4);
	assert_preserved_ranges(t);
}

static void test_roundtrip_v1_512_auto_hint(void **state)
{
	struct rt *t = *state;

	produce_everything(t, KHO_ABI_V1_512);
	consume(t, KHO_ABI_AUTO);
	assert_int_equal(t->in.abi, KHO_ABI_V1_512);
	assert_preserved_ranges(t);
	assert_blocks(t);
}

/* ------------------------------ greedy split ------------------------------- */

static void test_split_order_formula(void **state)
{
	(void)state;
	/* min(ctz(pfn), floor(log2(end - pfn))) */
	assert_int_equal(kho_split_order(0x40A01, 0x40A0A), 0);
	assert_int_equal(kho_split_order(0x40A02, 0x40A0A), 1);
	assert_int_equal(kho_split_order(0x40A04, 0x40A0A), 2);
	assert_int_equal(kho_split_order(0x40A08, 0x40A0A), 1);
	assert_int_equal(kho_split_order(0x40000, 0x40400), 10);
	assert_int_equal(kho_split_order(0x40000, 0x403FF), 9);
	assert_int_equal(kho_split_order(0, 1), 0);
	assert_int_equal(kho_split_order(0, 0x80000), 19);
}

static void test_preserve_range_greedy_blocks(void **state)
{
	struct rt *t = *state;

	init(t, KHO_ABI_V4);
	preserve_range(t, SIM_DATA + 0x201000, 0x9000);	     /* orders 0, 1, 2, 1 */
	preserve_range(t, SIM_HIGH_BASE + 0x3000, 0x1FD000); /* orders 0, 2, 3, ..., 8 */
	assert_int_equal(t->nwant, 1 + 4 + 8);
	finish(t);
	consume(t, KHO_ABI_V4);
	assert_blocks(t);
}

static void test_preserve_range_bad_args(void **state)
{
	struct rt *t = *state;

	init(t, KHO_ABI_V4);
	sim_expect(kho_out_preserve_range(&t->out, SIM_DATA + 0x800, 0x1000),
		   -KHO_E_INVAL);
	sim_expect(kho_out_preserve_range(&t->out, SIM_DATA, 0x1800), -KHO_E_INVAL);
	sim_expect(kho_out_preserve_range(&t->out, SIM_DATA, 0), -KHO_E_INVAL);
	sim_expect(kho_out_preserve_range(&t->out, 0xFFFFFFFFFFFF0000ull, 0x20000),
		   -KHO_E_WRAP);
}

static void test_preserve_range_failure_leaves_nothing(void **state)
{
	struct rt *t = *state;

	/* The last 64 KiB of the low bank and 64 KiB past its end. */
	init(t, KHO_ABI_V4);
	sim_expect(kho_out_preserve_range(&t->out, SIM_LOW_BASE + LOW_SIZE - 0x10000,
					  0x20000),
		   -KHO_E_OUTSIDE_RAM);
	finish(t);
	consume(t, KHO_ABI_V4);
	assert_preserved_ranges(t);
	assert_blocks(t);
}

static void test_preserve_range_failure_keeps_earlier_blocks(void **state)
{
	struct rt *t = *state;
	u64 last = SIM_LOW_BASE + LOW_SIZE - 0x10000;

	/* A block preserved by an earlier call must survive a failed range over it. */
	init(t, KHO_ABI_V4);
	preserve(t, last, 4); /* the split's first block: [last, last + 64 KiB) */
	sim_expect(kho_out_preserve_range(&t->out, last, 0x20000), -KHO_E_OUTSIDE_RAM);
	assert_true(
		kho_rmap_covered(&t->out_rm, last, last + 0x10000, KHO_KIND_PRESERVED));
	finish(t);
	consume(t, KHO_ABI_V4);
	assert_preserved_ranges(t);
	assert_blocks(t);
}

static void test_preserve_errors(void **state)
{
	struct rt *t = *state;

	init(t, KHO_ABI_V3);
	sim_expect(kho_out_preserve(&t->out, SIM_DATA + 0x1000, 1), -KHO_E_MISALIGNED);
	sim_expect(kho_out_preserve(&t->out, 0x100000000ull, 0), -KHO_E_OUTSIDE_RAM);
	sim_expect(kho_out_preserve(&t->out, 0, 19), -KHO_E_ORDER); /* 7.1: int shift */
	sim_expect(kho_out_preserve(&t->out, SIM_SCRATCH - 0x1000, 0), 0);
	/* the pool's second page is the radix root: map memory */
	sim_expect(kho_out_preserve(&t->out, SIM_POOL + 0x1000, 0), -KHO_E_OVERLAP);
	sim_expect(kho_rmap_add(&t->out_rm, SIM_FW, SIM_FW_END, KHO_KIND_FIRMWARE, "fw"),
		   0);
	sim_expect(kho_out_preserve(&t->out, SIM_FW + 0x4000, 2), -KHO_E_PROTECTED);
}

static void test_preserve_over_preserved_and_firmware(void **state)
{
	struct rt *t = *state;

	/* The first range met is preserved memory, a later one the firmware. */
	init(t, KHO_ABI_V4);
	preserve(t, SIM_DATA, 0);
	sim_expect(kho_rmap_add(&t->out_rm, SIM_DATA + 0x2000, SIM_DATA + 0x3000,
				KHO_KIND_FIRMWARE, "fw"),
		   0);
	sim_expect(kho_out_preserve(&t->out, SIM_DATA, 2), -KHO_E_PROTECTED);
	sim_expect(kho_out_preserve_range(&t->out, SIM_DATA, 0x4000), -KHO_E_PROTECTED);
	finish(t);
	consume(t, KHO_ABI_V4);
	assert_blocks(t);
}

/* -------------------------------- reserve_mem ------------------------------- */

static void test_reserve_mem_failure_leaves_nothing(void **state)
{
	struct rt *t = *state;

	init(t, KHO_ABI_V4);
	sim_expect(kho_out_reserve_mem(&t->out, "trace", 0x100000000ull, 0x1000),
		   -KHO_E_OUTSIDE_RAM);
	finish(t);
	consume(t, KHO_ABI_V4);
	assert_blocks(t); /* only the KHO FDT page: no orphan memblock page */
	assert_int_equal(kho_in_for_each_blob(&t->in, NULL, NULL), 0);
}

static u64 u64_prop(const void *fdt, int node, const char *name)
{
	int len;
	const void *p = fdt_getprop(fdt, node, name, &len);

	if (!p || len != 8)
		fail_msg("property %s: missing or %d bytes, expected 8 native bytes",
			 name, len);
	return kho_get_u64(p);
}

static void test_reserve_mem_blob_readback(void **state)
{
	struct rt *t = *state;
	struct kho_blob b;
	const void *mb;
	int node;

	init(t, KHO_ABI_V4);
	sim_expect(kho_out_reserve_mem(&t->out, "trace", SIM_DATA + 3 * MiB, 0x43000), 0);
	sim_expect(kho_out_reserve_mem(&t->out, "oops", SIM_HIGH_BASE + 2 * MiB, MiB), 0);
	finish(t);
	consume(t, KHO_ABI_V4);
	sim_expect(kho_in_find_blob(&t->in, "memblock", &b), 0);
	mb = sim_at(&t->s, b.phys, b.size);
	assert_int_equal(fdt_check_header(mb), 0);
	assert_int_equal(b.size, fdt_totalsize(mb));
	assert_int_equal(fdt_node_check_compatible(mb, 0, "memblock-v1"), 0);
	node = fdt_subnode_offset(mb, 0, "trace");
	assert_true(node >= 0);
	assert_int_equal(fdt_node_check_compatible(mb, node, "reserve-mem-v1"), 0);
	assert_int_equal(u64_prop(mb, node, "start"), SIM_DATA + 3 * MiB);
	assert_int_equal(u64_prop(mb, node, "size"), 0x43000);
	node = fdt_subnode_offset(mb, 0, "oops");
	assert_true(node >= 0);
	assert_int_equal(fdt_node_check_compatible(mb, node, "reserve-mem-v1"), 0);
	assert_int_equal(u64_prop(mb, node, "start"), SIM_HIGH_BASE + 2 * MiB);
	assert_int_equal(u64_prop(mb, node, "size"), MiB);
	/* the regions and the blob page itself are preserved */
	assert_true(kho_rmap_covered(&t->in_rm, SIM_DATA + 3 * MiB,
				     SIM_DATA + 3 * MiB + 0x43000, KHO_KIND_PRESERVED));
	assert_true(
		kho_rmap_covered(&t->in_rm, b.phys, b.phys + 0x1000, KHO_KIND_PRESERVED));
}

static void test_reserve_mem_limits(void **state)
{
	struct rt *t = *state;
	char name[8];

	init(t, KHO_ABI_V4);
	sim_expect(kho_out_reserve_mem(&t->out, "sixteen-chars-xx", SIM_DATA, 0x1000),
		   -KHO_E_INVAL);
	sim_expect(kho_out_reserve_mem(&t->out, "", SIM_DATA, 0x1000), -KHO_E_INVAL);
	for (int i = 0; i < 8; i++) {
		snprintf(name, sizeof(name), "r%d", i);
		sim_expect(kho_out_reserve_mem(&t->out, name, SIM_DATA + (u64)i * 0x10000,
					       0x1000),
			   0);
	}
	sim_expect(kho_out_reserve_mem(&t->out, "r0", SIM_DATA + MiB, 0x1000),
		   -KHO_E_DUP_BLOB);
	sim_expect(kho_out_reserve_mem(&t->out, "r8", SIM_DATA + MiB, 0x1000),
		   -KHO_E_NOSPC);
}

/* ------------------------------ kexec-metadata ------------------------------ */

static void test_metadata_blob(void **state)
{
	struct rt *t = *state;
	struct kho_blob b;
	const struct kho_kexec_metadata *m;

	init(t, KHO_ABI_V4);
	sim_expect(kho_out_metadata(&t->out, "7.3.4-arm64", 5), 0);
	finish(t);
	consume(t, KHO_ABI_V4);
	sim_expect(kho_in_find_blob(&t->in, "kexec-metadata", &b), 0);
	assert_int_equal(b.size, 73);
	m = sim_at(&t->s, b.phys, 73);
	assert_int_equal(m->version, 1);
	assert_string_equal(m->previous_release, "7.3.4-arm64");
	assert_int_equal(m->kexec_count, 5);
	assert_true(
		kho_rmap_covered(&t->in_rm, b.phys, b.phys + 0x1000, KHO_KIND_PRESERVED));
}

static void test_metadata_rules(void **state)
{
	struct rt *t = *state;
	char longname[70];

	memset(longname, 'x', 65);
	longname[65] = 0;
	init(t, KHO_ABI_V3);
	sim_expect(kho_out_metadata(&t->out, longname, 1), -KHO_E_INVAL);
	sim_expect(kho_out_metadata(&t->out, "7.1.3", 1), 0);
	sim_expect(kho_out_metadata(&t->out, "7.1.3", 2), -KHO_E_DUP_BLOB);
}

static void test_metadata_not_in_v1(void **state)
{
	struct rt *t = *state;

	init(t, KHO_ABI_V1_4K_NZ);
	sim_expect(kho_out_metadata(&t->out, "7.0.0", 1), -KHO_E_ABI);
}

/* ------------------------------------ dma ----------------------------------- */

static void test_get_order(void **state)
{
	(void)state;
	assert_int_equal(kho_get_order(5000, 12), 1);
	assert_int_equal(kho_get_order(4096, 12), 0);
	assert_int_equal(kho_get_order(1, 12), 0);
	assert_int_equal(kho_get_order(3 * 4096 + 1, 12), 2);
	assert_int_equal(kho_get_order(4 * 4096, 12), 2);
	assert_int_equal(kho_get_order(4 * 4096 + 1, 12), 3);
}

static void test_dma_orders_from_size(void **state)
{
	struct rt *t = *state;

	init(t, KHO_ABI_V4);
	sim_expect(kho_out_dma_alloc(&t->out, SIM_DATA, 5000, 0, 0), 0);
	want_block(t, SIM_DATA, 1); /* 2 pages */
	sim_expect(kho_out_dma_alloc(&t->out, SIM_DATA + MiB, 4096, 0, 0), 0);
	want_block(t, SIM_DATA + MiB, 0);
	sim_expect(kho_out_dma_alloc(&t->out, SIM_HIGH_BASE + MiB, 3 * 4096 + 1, 0, 0),
		   0);
	want_block(t, SIM_HIGH_BASE + MiB, 2); /* 4 pages */
	want_block(t, t->out.dma_phys, 0);
	finish(t);
	consume(t, KHO_ABI_V4);
	assert_preserved_ranges(t);
	assert_blocks(t);
}

static void test_dma_blob_entries(void **state)
{
	struct rt *t = *state;
	struct kho_blob b;
	const u8 *e;

	init(t, KHO_ABI_V4);
	sim_expect(
		kho_out_dma_alloc(&t->out, SIM_DATA, 5000, KHO_DMA_ATTR_WRITE_COMBINE, 0),
		0);
	sim_expect(kho_out_dma_alloc(&t->out, SIM_HIGH_BASE, 4096, KHO_DMA_ATTR_MMIO, 1),
		   0);
	finish(t);
	consume(t, KHO_ABI_V4);
	sim_expect(kho_in_find_blob(&t->in, "dma-alloc", &b), 0);
	assert_int_equal(b.size, 64);
	e = sim_at(&t->s, b.phys, 64);
	assert_int_equal(kho_get_u64(e + 0), SIM_DATA);
	assert_int_equal(kho_get_u64(e + 8), 5000);
	assert_int_equal(kho_get_u64(e + 16), KHO_DMA_ATTR_WRITE_COMBINE);
	assert_int_equal(e[24], 0);
	assert_int_equal(kho_get_u64(e + 32), SIM_HIGH_BASE);
	assert_int_equal(kho_get_u64(e + 40), 4096);
	assert_int_equal(kho_get_u64(e + 48), KHO_DMA_ATTR_MMIO);
	assert_int_equal(e[56], 1);
}

static void test_dma_errors(void **state)
{
	struct rt *t = *state;

	init(t, KHO_ABI_V4);
	sim_expect(kho_out_dma_alloc(&t->out, SIM_DATA, 0, 0, 0), -KHO_E_INVAL);
	sim_expect(kho_out_dma_alloc(&t->out, SIM_DATA + 0x1000, 5000, 0, 0),
		   -KHO_E_MISALIGNED);
	sim_expect(kho_out_dma_alloc(&t->out, 0x100000000ull, 4096, 0, 0),
		   -KHO_E_OUTSIDE_RAM);
}

static void test_dma_failed_first_call_leaves_nothing(void **state)
{
	struct rt *t = *state;

	init(t, KHO_ABI_V4);
	sim_expect(kho_out_dma_alloc(&t->out, SIM_DATA + 0x1000, 5000, 0, 0),
		   -KHO_E_MISALIGNED);
	finish(t);
	consume(t, KHO_ABI_V4);
	assert_preserved_ranges(t); /* only the KHO FDT page */
	assert_blocks(t);
	assert_int_equal(kho_in_for_each_blob(&t->in, NULL, NULL), 0);
}

static void test_dma_failed_later_call_leaves_nothing(void **state)
{
	struct rt *t = *state;
	struct kho_blob b;

	init(t, KHO_ABI_V4);
	sim_expect(kho_out_dma_alloc(&t->out, SIM_DATA, 4096, 0, 0), 0);
	want_block(t, SIM_DATA, 0);
	want_block(t, t->out.dma_phys, 0);
	sim_expect(kho_out_dma_alloc(&t->out, SIM_DATA + 0x3000, 3 * 4096 + 1, 0, 0),
		   -KHO_E_MISALIGNED);
	sim_expect(kho_rmap_add(&t->out_rm, SIM_FW, SIM_FW_END, KHO_KIND_FIRMWARE, "fw"),
		   0);
	sim_expect(kho_out_dma_alloc(&t->out, SIM_FW, 4096, 0, 0), -KHO_E_PROTECTED);
	finish(t);
	consume(t, KHO_ABI_V4);
	assert_preserved_ranges(t);
	assert_blocks(t);
	sim_expect(kho_in_find_blob(&t->in, "dma-alloc", &b), 0);
	assert_int_equal(b.size, sizeof(struct dma_alloc_ser));
}

static void test_dma_pool_empty_leaves_nothing(void **state)
{
	struct rt *t = *state;

	/*
	 * Seven pages: the KHO FDT and its tree path. The dma block shares that
	 * leaf, so only the dma-alloc blob page is missing.
	 */
	sim_alloc_init(&t->a, &t->s, SIM_POOL, SIM_POOL + 7 * 0x1000, 12);
	init(t, KHO_ABI_V4);
	sim_expect(kho_out_dma_alloc(&t->out, SIM_DATA, 4096, 0, 0), -KHO_E_NOMEM);
	assert_int_equal(t->out.dma_phys, 0);
	finish(t);
	consume(t, KHO_ABI_V4);
	assert_blocks(t);
	assert_int_equal(kho_in_for_each_blob(&t->in, NULL, NULL), 0);
}

/* ---------------------------------- scratch --------------------------------- */

static void test_scratch_alignment_per_abi(void **state)
{
	struct rt *t = *state;
	const struct kho_scratch two_mib = { SIM_SCRATCH + 2 * MiB, 2 * MiB };

	init(t, KHO_ABI_V4);
	sim_expect(kho_out_scratch(&t->out, SIM_SCR_ARRAY, &two_mib, 1),
		   -KHO_E_SCRATCH_ALIGN);
	sim_alloc_reset(&t->a);
	kho_rmap_init(&t->out_rm, t->out_store, NR_RANGES);
	init(t, KHO_ABI_V3);
	sim_expect(kho_out_scratch(&t->out, SIM_SCR_ARRAY, &two_mib, 1), 0);
}

static void test_scratch_over_preserved_refused(void **state)
{
	struct rt *t = *state;
	const struct kho_scratch over = { SIM_DATA & ~(4 * MiB - 1), 4 * MiB };

	init(t, KHO_ABI_V4);
	preserve(t, SIM_DATA, 0);
	sim_expect(kho_out_scratch(&t->out, SIM_SCR_ARRAY, &over, 1), -KHO_E_OVERLAP);
}

static void test_scratch_zero_size_entry_kept(void **state)
{
	struct rt *t = *state;
	const struct kho_scratch sc[2] = { { SIM_SCRATCH, SIM_SCRATCH_SIZE }, { 0, 0 } };

	init(t, KHO_ABI_V4);
	sim_expect(kho_out_scratch(&t->out, SIM_SCR_ARRAY, sc, 2), 0);
	sim_expect(kho_out_finish(&t->out), 0);
	sim_expect(kho_out_chosen(&t->out, t->dt), 0);
	consume(t, KHO_ABI_V4);
	assert_int_equal(t->in.nr_scratch, 2);
	assert_int_equal(t->in.scratch[1].size, 0);
}

static void test_scratch_count_limits(void **state)
{
	struct rt *t = *state;

	init(t, KHO_ABI_V4);
	sim_expect(kho_out_scratch(&t->out, SIM_SCR_ARRAY, scratch2, 0), -KHO_E_SCRATCH);
	sim_expect(kho_out_scratch(&t->out, SIM_SCR_ARRAY + 4, scratch2, 2),
		   -KHO_E_MISALIGNED);
	sim_expect(kho_out_chosen(&t->out, t->dt), -KHO_E_INVAL); /* no array yet */
}

/* ---------------------------------- /chosen --------------------------------- */

static void test_chosen_cells_2_2(void **state)
{
	struct rt *t = *state;
	struct kho_chosen ch;

	init(t, KHO_ABI_V4);
	finish(t);
	sim_expect(kho_dt_get_chosen(t->dt, &ch), 0);
	assert_int_equal(ch.fdt_phys, t->out.fdt_phys);
	assert_int_equal(ch.fdt_len, 0x1000);
	assert_int_equal(ch.scratch_phys, SIM_SCR_ARRAY);
	assert_int_equal(ch.scratch_len, 32);
}

static void test_chosen_cells_1_1(void **state)
{
	struct rt *t = *state;
	struct kho_chosen ch;
	int len;

	sim_os_dt(t->dt, sizeof(t->dt), &t->s, 1, 1);
	init(t, KHO_ABI_V4);
	sim_expect(kho_out_scratch(&t->out, SIM_SCR_ARRAY, scratch2, 1), 0);
	sim_expect(kho_out_finish(&t->out), 0);
	sim_expect(kho_out_chosen(&t->out, t->dt), 0);
	assert_non_null(fdt_getprop(t->dt, fdt_path_offset(t->dt, "/chosen"),
				    "linux,kho-fdt", &len));
	assert_int_equal(len, 8);
	sim_expect(kho_dt_get_chosen(t->dt, &ch), 0);
	assert_int_equal(ch.fdt_phys, t->out.fdt_phys);
	assert_int_equal(ch.scratch_len, 16);
	consume(t, KHO_ABI_V4);
}

static void test_chosen_1_cell_above_4g(void **state)
{
	struct rt *t = *state;
	struct sim_alloc high;

	sim_alloc_init(&high, &t->s, SIM_HIGH_BASE + 10 * MiB, SIM_HIGH_BASE + 11 * MiB,
		       12);
	sim_os_dt(t->dt, sizeof(t->dt), &t->s, 1, 1);
	sim_expect(kho_out_init(&t->out, &t->s.mem, KHO_ABI_V4, 12, &high.pa, NULL), 0);
	sim_expect(kho_out_scratch(&t->out, SIM_SCR_ARRAY, scratch2, 2), 0);
	sim_expect(kho_out_finish(&t->out), 0);
	sim_expect(kho_out_chosen(&t->out, t->dt), -KHO_E_CELLS);
}

static void test_chosen_stale_props_replaced(void **state)
{
	struct rt *t = *state;
	const u32 junk[3] = { 1, 2, 3 };
	struct kho_chosen ch;
	int chosen, len, count = 0, off;

	sim_chosen_cells(t->dt, "linux,kho-fdt", junk, 3);
	sim_chosen_cells(t->dt, "linux,kho-scratch", junk, 1);
	init(t, KHO_ABI_V4);
	finish(t);
	chosen = fdt_path_offset(t->dt, "/chosen");
	fdt_getprop(t->dt, chosen, "linux,kho-fdt", &len);
	assert_int_equal(len, 16);
	fdt_getprop(t->dt, chosen, "linux,kho-scratch", &len);
	assert_int_equal(len, 16);
	for (off = fdt_first_property_offset(t->dt, chosen); off >= 0;
	     off = fdt_next_property_offset(t->dt, off)) {
		const char *name;
		fdt_getprop_by_offset(t->dt, off, &name, &len);
		count += !strncmp(name, "linux,kho-", 10);
	}
	assert_int_equal(count, 2);
	sim_expect(kho_dt_get_chosen(t->dt, &ch), 0);
	assert_int_equal(ch.fdt_phys, t->out.fdt_phys);
}

static void test_chosen_created_when_absent(void **state)
{
	struct rt *t = *state;
	struct kho_chosen ch;

	assert_int_equal(fdt_del_node(t->dt, fdt_path_offset(t->dt, "/chosen")), 0);
	init(t, KHO_ABI_V4);
	finish(t);
	sim_expect(kho_dt_get_chosen(t->dt, &ch), 0);
	assert_int_equal(ch.scratch_phys, SIM_SCR_ARRAY);
}

/* ------------------------------- empty maps -------------------------------- */

static void hand_empty(struct rt *t, const char *compat, u64 map)
{
	sim_kho_fdt(&t->s, SIM_FDT, 0x1000, compat, 1, map);
	sim_put_u64(&t->s, SIM_SCR_ARRAY, SIM_SCRATCH);
	sim_put_u64(&t->s, SIM_SCR_ARRAY + 8, SIM_SCRATCH_SIZE);
	sim_chosen_pair(t->dt, 2, 2, SIM_FDT, 0x1000, SIM_SCR_ARRAY, 16);
}

static void test_empty_v1_builder_map_zero(void **state)
{
	struct rt *t = *state;
	struct kho_v1_builder b;
	u64 head = 1;

	kho_v1_builder_init(&b, 4096);
	sim_expect(kho_v1_finish(&b, &t->s.mem, 0, &t->a.pa, NULL, &head), 0);
	assert_int_equal(head, 0);
	assert_int_equal(t->a.count, 0);
}

static void test_empty_v1_nz_builder_empty_chunk(void **state)
{
	struct rt *t = *state;
	struct kho_v1_builder b;
	u64 head = 0;

	kho_v1_builder_init(&b, 4096);
	sim_expect(kho_v1_finish(&b, &t->s.mem, 1, &t->a.pa, NULL, &head), 0);
	assert_true(head != 0);
	assert_int_equal(sim_get_u64(&t->s, head), 0);	    /* next */
	assert_int_equal(sim_get_u32(&t->s, head + 8), 0);  /* order */
	assert_int_equal(sim_get_u32(&t->s, head + 12), 0); /* num_elms */
}

static void test_empty_map_zero_v1_512_accepted(void **state)
{
	struct rt *t = *state;

	hand_empty(t, "kho-v1", 0);
	consume(t, KHO_ABI_V1_512);
	assert_int_equal(kho_rmap_total(&t->in_rm, KHO_KIND_PRESERVED), 0);
}

static void test_empty_map_zero_v1_4k_accepted(void **state)
{
	struct rt *t = *state;

	hand_empty(t, "kho-v1", 0);
	consume(t, KHO_ABI_V1_4K);
	assert_int_equal(kho_rmap_total(&t->in_rm, KHO_KIND_PRESERVED), 0);
}

static void test_empty_map_zero_auto_v1_accepted(void **state)
{
	struct rt *t = *state;

	hand_empty(t, "kho-v1", 0);
	consume(t, KHO_ABI_AUTO);
	assert_true(kho_abi_is_v1(t->in.abi));
}

static void test_empty_map_zero_v1_4k_nz_rejected(void **state)
{
	struct rt *t = *state;

	hand_empty(t, "kho-v1", 0);
	sim_expect(kho_in_open(&t->in, t->dt, &t->s.mem, 12, KHO_ABI_V1_4K_NZ),
		   -KHO_E_MAP_ZERO);
}

static void test_empty_map_zero_radix_rejected(void **state)
{
	struct rt *t = *state;

	hand_empty(t, "kho-v3", 0);
	sim_expect(kho_in_open(&t->in, t->dt, &t->s.mem, 12, KHO_ABI_V3),
		   -KHO_E_MAP_ZERO);
	hand_empty(t, "kho-v4", 0);
	sim_expect(kho_in_open(&t->in, t->dt, &t->s.mem, 12, KHO_ABI_V4),
		   -KHO_E_MAP_ZERO);
}

static void test_empty_radix_root_page_accepted(void **state)
{
	struct rt *t = *state;

	hand_empty(t, "kho-v4", sim_page(&t->a)); /* a zeroed root: nothing preserved */
	consume(t, KHO_ABI_V4);
	assert_int_equal(kho_rmap_total(&t->in_rm, KHO_KIND_PRESERVED), 0);
	assert_int_equal(kho_rmap_total(&t->in_rm, KHO_KIND_MAP), 0x1000);
}

static void test_produced_maps_never_zero(void **state)
{
	struct rt *t = *state;

	for (int abi = KHO_ABI_V1_512; abi < KHO_ABI_COUNT; abi++) {
		sim_alloc_reset(&t->a);
		sim_expect(kho_out_init(&t->out, &t->s.mem, (enum kho_abi)abi, 12,
					&t->a.pa, NULL),
			   0);
		sim_expect(kho_out_finish(&t->out), 0);
		if (!t->out.map)
			fail_msg("%s: preserved-memory-map is 0 although the KHO FDT "
				 "page is "
				 "preserved",
				 kho_abi_name((enum kho_abi)abi));
	}
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_roundtrip_v1_512),
		T(test_roundtrip_v1_4k),
		T(test_roundtrip_v1_4k_nz),
		T(test_roundtrip_v3),
		T(test_roundtrip_v4),
		T(test_roundtrip_v4_auto_hint),
		T(test_roundtrip_v1_512_auto_hint),
		T(test_split_order_formula),
		T(test_preserve_range_greedy_blocks),
		T(test_preserve_range_bad_args),
		T(test_preserve_range_failure_leaves_nothing),
		T(test_preserve_range_failure_keeps_earlier_blocks),
		T(test_preserve_errors),
		T(test_preserve_over_preserved_and_firmware),
		T(test_reserve_mem_blob_readback),
		T(test_reserve_mem_limits),
		T(test_reserve_mem_failure_leaves_nothing),
		T(test_metadata_blob),
		T(test_metadata_rules),
		T(test_metadata_not_in_v1),
		T(test_get_order),
		T(test_dma_orders_from_size),
		T(test_dma_blob_entries),
		T(test_dma_errors),
		T(test_dma_failed_first_call_leaves_nothing),
		T(test_dma_failed_later_call_leaves_nothing),
		T(test_dma_pool_empty_leaves_nothing),
		T(test_scratch_alignment_per_abi),
		T(test_scratch_over_preserved_refused),
		T(test_scratch_zero_size_entry_kept),
		T(test_scratch_count_limits),
		T(test_chosen_cells_2_2),
		T(test_chosen_cells_1_1),
		T(test_chosen_1_cell_above_4g),
		T(test_chosen_stale_props_replaced),
		T(test_chosen_created_when_absent),
		T(test_empty_v1_builder_map_zero),
		T(test_empty_v1_nz_builder_empty_chunk),
		T(test_empty_map_zero_v1_512_accepted),
		T(test_empty_map_zero_v1_4k_accepted),
		T(test_empty_map_zero_auto_v1_accepted),
		T(test_empty_map_zero_v1_4k_nz_rejected),
		T(test_empty_map_zero_radix_rejected),
		T(test_empty_radix_root_page_accepted),
		T(test_produced_maps_never_zero),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
