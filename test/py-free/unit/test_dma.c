/* SPDX-License-Identifier: MIT */
/*
 * DMA buffers across the hand-over: the page count of a preserved allocation
 * (1 << get_order(size), never size >> PAGE_SHIFT, never zero) read back from
 * the map; kho_out_dma_truncate() undoing allocations with the same count; the
 * khofw subtree (each field, against the dma-alloc entries); the whole set
 * failing atomically (a misaligned n-th buffer, an allocator that runs dry),
 * with the map and the reservation map checked afterwards; no-map refused for
 * KHO-preserved buffers; the non-cacheable regions; what the stage must clean.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <boot/dma.h>
#include <inttypes.h>
#include <kho/err.h>
#include <kho/in.h>
#include <kho/out.h>
#include <libfdt.h>
#include <stdlib.h>
#include <string.h>

#include "bootsim.h"

#define KiB 1024ull
#define MiB (1024 * KiB)
#define PAGE 4096ull
#define RAM (256 * MiB)
#define LOG_BUF 0x4e000000ull
#define LOG_SIZE 0x100000ull
#define NC_BUF 0x4e200000ull /* 12 KiB: order 2 */
#define NC_SIZE 0x3000ull
#define COH_BUF 0x4e300000ull /* 8 KiB: order 1 */
#define COH_SIZE 0x2000ull
#define CONTAINER 0x48000000ull
#define MAX_BLK 256

struct blk {
	u64 phys;
	unsigned int order;
};

struct blocks {
	struct blk b[MAX_BLK];
	unsigned int n;
};

struct fx {
	struct bootsim bs;
	struct sim_alloc a;
	int limit; /* pages the limited allocator still hands out */
	struct kho_page_alloc limited;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	bs_init(&f->bs, RAM);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	bs_fini(&f->bs);
	free(f);
	return 0;
}

static const struct bs_buf std_bufs[] = {
	{ "log@4e000000", "log", LOG_BUF, LOG_SIZE, 7, 0, NULL, 0 },
	{ "dma@4e200000", "dma", NC_BUF, NC_SIZE, 8, KHO_DMA_ATTR_NO_KERNEL_MAPPING,
	  BS_NC_DEV, 0 },
	{ "dma@4e300000", "dma", COH_BUF, COH_SIZE, 0, KHO_DMA_ATTR_WRITE_COMBINE,
	  BS_COH_DEV, 1 },
};

/* The whole stage flow with the standard buffers, for a kernel speaking abi. */
static int run_std(struct fx *f, u32 abi)
{
	bs_board(&f->bs, std_bufs, 3);
	bs_payload(&f->bs, CONTAINER, abi);
	return bs_run(&f->bs);
}

/* ----------------------------------------------------------- map reading */

static int collect(void *arg, u64 phys, u64 size, unsigned int order)
{
	struct blocks *bl = arg;
	u64 step = PAGE << order;

	for (u64 at = phys; at < phys + size; at += step) {
		if (bl->n == MAX_BLK)
			fail_msg("more than %d blocks", MAX_BLK);
		bl->b[bl->n].phys = at;
		bl->b[bl->n].order = order;
		bl->n++;
	}
	return 0;
}

/* Every block of out's map (v3/v4), as a consumer reads it. */
static void map_blocks(const struct kho_out *out, struct blocks *bl)
{
	struct kho_walk w = {
		.mem = out->mem,
		.page_shift = 12,
		.max_order = kho_abi_max_order(out->abi, 12),
		.block = collect,
		.arg = bl,
	};

	bl->n = 0;
	sim_expect(kho_radix_walk(&w, out->map), 0);
}

/* The order of the block at phys, or -1 if no block starts there. */
static int block_at(const struct blocks *bl, u64 phys)
{
	for (unsigned int i = 0; i < bl->n; i++)
		if (bl->b[i].phys == phys)
			return (int)bl->b[i].order;
	return -1;
}

/* Pages of [start, end) that some block preserves. */
static u64 pages_preserved(const struct blocks *bl, u64 start, u64 end)
{
	u64 n = 0;

	for (u64 p = start; p < end; p += PAGE)
		for (unsigned int i = 0; i < bl->n; i++)
			if (p >= bl->b[i].phys &&
			    p < bl->b[i].phys + (PAGE << bl->b[i].order)) {
				n++;
				break;
			}
	return n;
}

static void assert_same_blocks(const struct blocks *got, const struct blocks *want)
{
	if (got->n != want->n)
		fail_msg("map holds %u blocks, want %u", got->n, want->n);
	for (unsigned int i = 0; i < want->n; i++)
		if (block_at(got, want->b[i].phys) != (int)want->b[i].order)
			fail_msg("block 0x%" PRIx64 " order %u missing after the failure",
				 want->b[i].phys, want->b[i].order);
}

/* -------------------------------------------- page counts (libkho level) */

static void out_init(struct fx *f, struct kho_out *out, struct kho_rmap *rm,
		     struct kho_range *store)
{
	sim_alloc_init(&f->a, &f->bs.s, SIM_POOL, SIM_POOL_END, 12);
	kho_rmap_init(rm, store, BS_RANGES);
	sim_expect(kho_out_init(out, &f->bs.s.mem, KHO_ABI_V4, 12, &f->a.pa, rm), 0);
}

/* One allocation of size at phys: the map holds exactly want_pages pages there. */
static void check_count(struct fx *f, u64 phys, u64 size, unsigned int want_order)
{
	struct kho_range store[BS_RANGES];
	struct kho_rmap rm;
	struct kho_out out;
	struct blocks bl;

	out_init(f, &out, &rm, store);
	sim_expect(kho_out_dma_alloc(&out, phys, size, 0, 0), 0);
	map_blocks(&out, &bl);
	if (block_at(&bl, phys) != (int)want_order)
		fail_msg("size %" PRIu64 ": block at 0x%" PRIx64 " has order %d, want %u",
			 size, phys, block_at(&bl, phys), want_order);
	assert_int_equal(pages_preserved(&bl, phys, phys + (PAGE << (want_order + 1))),
			 1u << want_order);
	assert_true(kho_rmap_covered(&rm, phys, phys + (PAGE << want_order),
				     KHO_KIND_PRESERVED));
	/* Undone with the same count: nothing of it left in the map or rm. */
	sim_expect(kho_out_dma_truncate(&out, 0), 0);
	map_blocks(&out, &bl);
	assert_int_equal(pages_preserved(&bl, phys, phys + (PAGE << (want_order + 1))),
			 0);
	assert_int_equal(kho_rmap_overlap_kind(&rm, phys, phys + (PAGE << want_order)),
			 0);
}

static void test_count_one_byte_is_one_page(void **state)
{
	check_count(*state, SIM_DATA, 1, 0);
}

static void test_count_4097_is_two_pages(void **state)
{
	check_count(*state, SIM_DATA, 4097, 1);
}

static void test_count_power_of_two_is_exact(void **state)
{
	check_count(*state, SIM_DATA, 4096, 0);
	check_count(*state, SIM_DATA, 8192, 1);
	check_count(*state, SIM_DATA, 16384, 2);
	check_count(*state, SIM_DATA, 2 * MiB, 9);
}

static void test_count_three_pages_is_four_not_three(void **state)
{
	/* size >> PAGE_SHIFT would say 3; the allocation is an order-2 block. */
	check_count(*state, SIM_DATA, 3 * PAGE, 2);
	check_count(*state, SIM_DATA, 3 * PAGE + 1, 2);
	check_count(*state, SIM_DATA, 5 * PAGE, 3);
}

static void test_truncate_keeps_the_first(void **state)
{
	struct fx *f = *state;
	struct kho_range store[BS_RANGES];
	struct kho_rmap rm;
	struct kho_out out;
	struct blocks bl;
	struct kho_in in;
	struct kho_blob b;
	u8 dt[8192] __attribute__((aligned(8))); /* libfdt wants 8 */

	out_init(f, &out, &rm, store);
	sim_expect(kho_out_dma_alloc(&out, SIM_DATA, 4097, 0, 0), 0);
	sim_expect(kho_out_dma_alloc(&out, SIM_DATA + 64 * KiB, 3 * PAGE, 0, 0), 0);
	sim_expect(kho_out_dma_alloc(&out, SIM_DATA + 128 * KiB, PAGE, 0, 0), 0);
	sim_expect(kho_out_dma_truncate(&out, 4), -KHO_E_INVAL);
	sim_expect(kho_out_dma_truncate(&out, 1), 0);
	assert_int_equal(out.nr_dma, 1);
	map_blocks(&out, &bl);
	assert_int_equal(block_at(&bl, SIM_DATA), 1);
	assert_int_equal(block_at(&bl, out.dma_phys), 0);
	assert_int_equal(pages_preserved(&bl, SIM_DATA + 64 * KiB, SIM_DATA + 256 * KiB),
			 0);
	/* The consumer sees one entry. */
	sim_expect(kho_out_scratch(&out, SIM_SCR_ARRAY,
				   &(struct kho_scratch){ SIM_SCRATCH, SIM_SCRATCH_SIZE },
				   1),
		   0);
	sim_expect(kho_out_finish(&out), 0);
	sim_os_dt(dt, sizeof(dt), &f->bs.s, 2, 2);
	sim_expect(kho_out_chosen(&out, dt), 0);
	sim_expect(kho_in_open(&in, dt, &f->bs.s.mem, 12, KHO_ABI_V4), 0);
	sim_expect(kho_in_find_blob(&in, "dma-alloc", &b), 0);
	assert_int_equal(b.size, sizeof(struct dma_alloc_ser));
}

static void test_truncate_to_zero_drops_the_blob(void **state)
{
	struct fx *f = *state;
	struct kho_range store[BS_RANGES];
	struct kho_rmap rm;
	struct kho_out out;
	struct blocks before, after;
	u64 blob;

	out_init(f, &out, &rm, store);
	map_blocks(&out, &before);
	sim_expect(kho_out_dma_alloc(&out, SIM_DATA, 3 * PAGE, 0, 0), 0);
	blob = out.dma_phys;
	sim_expect(kho_out_dma_truncate(&out, 0), 0);
	assert_int_equal(out.dma_phys, 0);
	assert_true(fdt_subnode_offset(out.fdt, 0, "dma-alloc") < 0);
	map_blocks(&out, &after);
	assert_same_blocks(&after, &before);
	assert_int_equal(kho_rmap_overlap_kind(&rm, blob, blob + PAGE), 0);
}

static void test_overlapping_allocations_refused(void **state)
{
	struct fx *f = *state;
	struct kho_range store[BS_RANGES];
	struct kho_rmap rm;
	struct kho_out out;

	out_init(f, &out, &rm, store);
	sim_expect(kho_out_dma_alloc(&out, SIM_DATA, 3 * PAGE, 0, 0), 0);
	/* Inside the first one's fourth page: its block covers it. */
	sim_expect(kho_out_dma_alloc(&out, SIM_DATA + 3 * PAGE, PAGE, 0, 0),
		   -KHO_E_OVERLAP);
	sim_expect(kho_out_dma_alloc(&out, SIM_DATA, PAGE, 0, 0), -KHO_E_OVERLAP);
	assert_int_equal(out.nr_dma, 1);
	sim_expect(kho_out_dma_alloc(&out, SIM_DATA + 4 * PAGE, PAGE, 0, 0), 0);
}

/* A block over an earlier, smaller allocation is refused too (rm would let it be). */
static void test_allocation_over_a_smaller_one_refused(void **state)
{
	struct fx *f = *state;
	struct kho_range store[BS_RANGES];
	struct kho_rmap rm;
	struct kho_out out;

	out_init(f, &out, &rm, store);
	sim_expect(kho_out_dma_alloc(&out, SIM_DATA + 2 * PAGE, PAGE, 0, 0), 0);
	sim_expect(kho_out_dma_alloc(&out, SIM_DATA, 4 * PAGE, 0, 0), -KHO_E_OVERLAP);
	sim_expect(kho_out_dma_alloc(&out, SIM_DATA + 4 * PAGE, 4 * PAGE, 0, 0), 0);
	assert_int_equal(out.nr_dma, 2);
}

/* ------------------------------------------------------- the subtree */

struct records {
	struct boot_khofw_dma d[8];
	int n;
};

static int keep_record(void *arg, const struct boot_khofw_dma *d)
{
	struct records *r = arg;

	if (r->n == 8)
		return -KHO_E_NOSPC;
	r->d[r->n++] = *d;
	return 0;
}

/* The next kernel's view: open the hand-over in the placed DTB. */
static void consume(struct fx *f, struct kho_in *in)
{
	sim_expect(kho_in_open(in, bs_dtb(&f->bs), &f->bs.s.mem, 12, KHO_ABI_V4), 0);
}

static void read_records(struct fx *f, const struct kho_in *in, struct records *r)
{
	struct kho_blob b;
	const void *blob;

	sim_expect(kho_in_find_blob(in, BOOT_KHOFW_BLOB, &b), 0);
	blob = sim_at(&f->bs.s, b.phys, b.size);
	assert_int_equal(b.size, fdt_totalsize(blob));
	r->n = 0;
	assert_int_equal(boot_khofw_for_each_dma(blob, b.size, keep_record, r), 2);
}

static void test_subtree_records_each_allocation(void **state)
{
	struct fx *f = *state;
	struct records r;
	struct kho_in in;

	sim_expect(run_std(f, KHO_ABI_V4), 0);
	consume(f, &in);
	read_records(f, &in, &r);
	assert_string_equal(r.d[0].name, "dma@4e200000");
	assert_int_equal(r.d[0].index, 0);
	assert_int_equal(r.d[0].phys, NC_BUF);
	assert_int_equal(r.d[0].size, NC_SIZE);
	assert_int_equal(r.d[0].order, 2);
	assert_int_equal(r.d[0].attrs, KHO_DMA_ATTR_NO_KERNEL_MAPPING);
	assert_int_equal(r.d[0].coherent, 0);
	assert_int_equal(r.d[0].decrypted, 0);
	assert_string_equal(r.d[0].device, BS_NC_DEV);
	assert_string_equal(r.d[0].mapping, BOOT_KHOFW_MAP_NC);
	assert_int_equal(r.d[1].index, 1);
	assert_int_equal(r.d[1].phys, COH_BUF);
	assert_int_equal(r.d[1].size, COH_SIZE);
	assert_int_equal(r.d[1].order, 1);
	assert_int_equal(r.d[1].attrs, KHO_DMA_ATTR_WRITE_COMBINE);
	assert_int_equal(r.d[1].coherent, 1);
	assert_int_equal(r.d[1].decrypted, 1);
	assert_string_equal(r.d[1].device, BS_COH_DEV);
	assert_string_equal(r.d[1].mapping, BOOT_KHOFW_MAP_WB);
}

static void test_subtree_agrees_with_dma_alloc(void **state)
{
	struct fx *f = *state;
	struct records r;
	struct kho_in in;
	struct kho_blob b;
	const struct dma_alloc_ser *e;

	sim_expect(run_std(f, KHO_ABI_V4), 0);
	consume(f, &in);
	read_records(f, &in, &r);
	sim_expect(kho_in_find_blob(&in, "dma-alloc", &b), 0);
	assert_int_equal(b.size, 2 * sizeof(*e));
	e = sim_at(&f->bs.s, b.phys, b.size);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(e[r.d[i].index].page_phys, r.d[i].phys);
		assert_int_equal(e[r.d[i].index].size, r.d[i].size);
		assert_int_equal(e[r.d[i].index].attrs, r.d[i].attrs);
		assert_int_equal(e[r.d[i].index].force_decrypted, r.d[i].decrypted);
	}
}

static void test_subtree_and_blocks_in_the_map(void **state)
{
	struct fx *f = *state;
	struct kho_in in;
	struct kho_blob b;
	struct blocks bl;

	sim_expect(run_std(f, KHO_ABI_V4), 0);
	consume(f, &in);
	map_blocks(&f->bs.st.out, &bl);
	assert_int_equal(block_at(&bl, NC_BUF), 2);
	assert_int_equal(block_at(&bl, COH_BUF), 1);
	sim_expect(kho_in_find_blob(&in, BOOT_KHOFW_BLOB, &b), 0);
	assert_int_equal(b.phys % PAGE, 0);
	assert_int_equal(block_at(&bl, b.phys), 0); /* the subtree page: order 0 */
	sim_expect(kho_in_find_blob(&in, "dma-alloc", &b), 0);
	assert_int_equal(block_at(&bl, b.phys), 0);
}

static void test_no_dma_buffer_no_subtree(void **state)
{
	struct fx *f = *state;
	struct kho_in in;
	struct kho_blob b;

	bs_board(&f->bs, std_bufs, 1); /* the log only */
	bs_payload(&f->bs, CONTAINER, KHO_ABI_V4);
	sim_expect(bs_run(&f->bs), 0);
	consume(f, &in);
	sim_expect(kho_in_find_blob(&in, BOOT_KHOFW_BLOB, &b), -KHO_E_NOT_FOUND);
	sim_expect(kho_in_find_blob(&in, "dma-alloc", &b), -KHO_E_NOT_FOUND);
}

/* ------------------------------------------------------------ atomicity */

static int limited_alloc(void *arg, u64 *phys)
{
	struct fx *f = arg;

	if (f->limit <= 0)
		return -KHO_E_NOMEM;
	f->limit--;
	return f->a.pa.alloc(f->a.pa.arg, phys);
}

/* Buffers set by hand (no board DT) and st->out ready, pages from limited_alloc. */
static void manual_state(struct fx *f, const u64 *phys, const u64 *size, unsigned int n,
			 int limit)
{
	struct boot_state *st = &f->bs.st;

	boot_init(st, &f->bs.s.mem, f->bs.store, BS_RANGES, &f->bs.cfg);
	sim_alloc_init(&f->a, &f->bs.s, SIM_POOL, SIM_POOL_END, 12);
	for (unsigned int i = 0; i < n; i++) {
		struct boot_fw_buf *b = &st->fw[st->nr_fw++];

		b->name = i == 0 ? "dma0" : i == 1 ? "dma1" : "dma2";
		b->kind = BOOT_FW_DMA;
		b->phys = phys[i];
		b->size = size[i];
		b->device = BS_NC_DEV;
		/* Recorded as boot_read_fw() records it: the whole block. */
		sim_expect(kho_rmap_add(&st->rm, b->phys,
					b->phys + (PAGE << kho_get_order(b->size, 12)),
					KHO_KIND_FIRMWARE, b->name),
			   0);
	}
	f->limit = 1 << 20;
	f->limited = (struct kho_page_alloc){ limited_alloc, f };
	sim_expect(kho_out_init(&st->out, &f->bs.s.mem, KHO_ABI_V4, 12, &f->limited,
				&st->rm),
		   0);
	/* Something preserved before the set, which must survive its failure. */
	sim_expect(kho_out_reserve_mem(&st->out, "log", SIM_DATA + 8 * MiB, 64 * KiB), 0);
	f->limit = limit;
}

struct snap {
	struct blocks bl;
	struct sim_span pres[64], meta[64], fw[64];
	unsigned int npres, nmeta, nfw;
	unsigned int nr_dma;
};

static void take_snap(struct fx *f, struct snap *s)
{
	const struct boot_state *st = &f->bs.st;

	map_blocks(&st->out, &s->bl);
	s->npres = sim_rmap_spans(&st->rm, KHO_KIND_PRESERVED, s->pres, 64);
	s->nmeta = sim_rmap_spans(&st->rm, KHO_KIND_META, s->meta, 64);
	s->nfw = sim_rmap_spans(&st->rm, KHO_KIND_FIRMWARE, s->fw, 64);
	s->nr_dma = st->out.nr_dma;
}

/* The failed set left the map, rm and the KHO FDT as they were. */
static void assert_nothing_left(struct fx *f, const struct snap *before)
{
	const struct boot_state *st = &f->bs.st;
	struct snap after;

	take_snap(f, &after);
	assert_same_blocks(&after.bl, &before->bl);
	sim_assert_spans(after.pres, after.npres, before->pres, before->npres,
			 "preserved ranges in rm");
	sim_assert_spans(after.meta, after.nmeta, before->meta, before->nmeta,
			 "meta ranges in rm");
	sim_assert_spans(after.fw, after.nfw, before->fw, before->nfw,
			 "firmware ranges in rm (the buffers are the firmware's again)");
	assert_int_equal(after.nr_dma, before->nr_dma);
	assert_int_equal(st->out.dma_phys, 0);
	assert_true(fdt_subnode_offset(st->out.fdt, 0, "dma-alloc") < 0);
	assert_true(fdt_subnode_offset(st->out.fdt, 0, BOOT_KHOFW_BLOB) < 0);
}

static void test_set_atomic_misaligned_third(void **state)
{
	struct fx *f = *state;
	/* The third needs 16 KiB alignment (3 pages: order 2). */
	const u64 phys[] = { SIM_DATA, SIM_DATA + 64 * KiB, SIM_DATA + 132 * KiB };
	const u64 size[] = { 4097, 3 * PAGE, 3 * PAGE };
	struct snap before;

	manual_state(f, phys, size, 3, 1 << 20);
	take_snap(f, &before);
	sim_expect(boot_dma_preserve(&f->bs.st), -KHO_E_MISALIGNED);
	assert_nothing_left(f, &before);
	/* Aligned, the same set goes through. */
	f->bs.st.fw[2].phys = SIM_DATA + 128 * KiB;
	sim_expect(boot_dma_preserve(&f->bs.st), 3);
}

static void test_set_atomic_allocator_runs_dry(void **state)
{
	struct fx *f = *state;
	const u64 phys[] = { SIM_DATA, SIM_DATA + 4 * MiB, SIM_DATA + 2 * MiB };
	const u64 size[] = { 4097, 3 * PAGE, PAGE };
	struct snap before;
	int limit, err = -1;

	/* Every point where a page can be missing: blob, tree nodes, subtree. */
	for (limit = 0; limit < 32 && err < 0; limit++) {
		manual_state(f, phys, size, 3, limit);
		take_snap(f, &before);
		err = boot_dma_preserve(&f->bs.st);
		if (err < 0) {
			sim_expect(err, -KHO_E_NOMEM);
			assert_nothing_left(f, &before);
		}
	}
	assert_int_equal(err, 3);
	assert_true(limit > 2); /* the dma-alloc page, a tree path, the subtree page */
}

/* ---------------------------------------------------------------- no-map */

static void test_no_map_and_kho_refused(void **state)
{
	struct fx *f = *state;

	bs_dt_resmem(&f->bs, "nc@4e203000", NC_BUF + 0x3000, PAGE, 1);
	/* Only the block's fourth page: still the same allocation. */
	sim_expect(run_std(f, KHO_ABI_V4), -KHO_E_OVERLAP);
}

static void test_no_map_elsewhere_accepted(void **state)
{
	struct fx *f = *state;

	bs_dt_resmem(&f->bs, "other@4e400000", 0x4e400000, PAGE, 1);
	sim_expect(run_std(f, KHO_ABI_V4), 0);
}

struct nomap_seen {
	u64 base, size;
	int hits;
};

static int count_nomap(void *arg, const struct kho_resmem *r)
{
	struct nomap_seen *s = arg;

	if ((r->flags & KHO_RESMEM_NO_MAP) &&
	    kho_overlaps(r->base, r->size, s->base, s->size))
		s->hits++;
	return 0;
}

static void test_kho_kernel_gets_no_no_map(void **state)
{
	struct fx *f = *state;
	struct nomap_seen s = { NC_BUF, 4 * PAGE, 0 };

	sim_expect(run_std(f, KHO_ABI_V4), 0);
	assert_true(kho_dt_for_each_resmem(bs_dtb(&f->bs), count_nomap, &s) >= 0);
	assert_int_equal(s.hits, 0);
	/* Without KHO it is reserved, and no-map (no cacheable linear alias). */
	bs_fini(&f->bs);
	bs_init(&f->bs, RAM);
	sim_expect(run_std(f, 0), 0);
	assert_true(kho_dt_for_each_resmem(bs_dtb(&f->bs), count_nomap, &s) >= 0);
	assert_int_equal(s.hits, 1);
}

/* ------------------------------------------------------- stage regions */

static void test_nc_regions_cover_the_block(void **state)
{
	struct fx *f = *state;
	struct arch_region r[4];

	bs_board(&f->bs, std_bufs, 3);
	boot_init(&f->bs.st, &f->bs.s.mem, f->bs.store, BS_RANGES, &f->bs.cfg);
	assert_int_equal(boot_read_fw(&f->bs.st, f->bs.board), 3);
	assert_int_equal(boot_dma_nc_regions(&f->bs.st, r, 4), 1); /* not the coherent */
	assert_int_equal(r[0].base, NC_BUF);
	assert_int_equal(r[0].size, 4 * PAGE);
	assert_int_equal(r[0].attr, ARCH_MEM_NORMAL_NC);
	sim_expect(boot_dma_nc_regions(&f->bs.st, r, 0), -KHO_E_NOSPC);
	/* The fourth page is the buffer's: nothing else is placed there. */
	assert_int_equal(
		kho_rmap_overlap_kind(&f->bs.st.rm, NC_BUF + 3 * PAGE, NC_BUF + 4 * PAGE),
		KHO_KIND_FIRMWARE);
}

/* ------------------------------------------------------ what gets cleaned */

#define MAX_W 256

struct written {
	struct sim_span s[MAX_W];
	unsigned int n;
};

static void note(void *arg, u64 phys, u64 size)
{
	struct written *w = arg;

	if (w->n == MAX_W)
		fail_msg("more than %d written ranges", MAX_W);
	w->s[w->n].start = phys;
	w->s[w->n].end = phys + size;
	w->n++;
}

static void assert_cleaned(struct written *w, u64 start, u64 end, const char *what)
{
	u64 at = start;
	int moved = 1;

	while (at < end && moved) {
		moved = 0;
		for (unsigned int i = 0; i < w->n; i++)
			if (w->s[i].start <= at && w->s[i].end > at) {
				at = w->s[i].end;
				moved = 1;
			}
	}
	if (at < end)
		fail_msg("%s [0x%" PRIx64 ", 0x%" PRIx64
			 ") is not cleaned from 0x%" PRIx64,
			 what, start, end, at);
}

static void test_written_covers_the_hand_over(void **state)
{
	struct fx *f = *state;
	const struct boot_state *st = &f->bs.st;
	struct written w = { .n = 0 };
	struct sim_span maps[64];
	unsigned int nmap;
	struct kho_in in;
	struct kho_blob b;

	sim_expect(run_std(f, KHO_ABI_V4), 0);
	boot_for_each_written(st, note, &w);
	assert_cleaned(&w, st->out.fdt_phys, st->out.fdt_phys + PAGE, "KHO FDT");
	nmap = sim_rmap_spans(&st->rm, KHO_KIND_MAP, maps, 64);
	assert_true(nmap > 0);
	for (unsigned int i = 0; i < nmap; i++)
		assert_cleaned(&w, maps[i].start, maps[i].end, "map pages");
	assert_cleaned(&w, st->dtb, st->dtb + st->dtb_cap, "DTB");
	assert_cleaned(&w, st->out.scratch_phys,
		       st->out.scratch_phys + st->out.scratch_len, "scratch array");
	consume(f, &in);
	sim_expect(kho_in_find_blob(&in, BOOT_KHOFW_BLOB, &b), 0);
	assert_cleaned(&w, b.phys, b.phys + b.size, "khofw subtree");
	sim_expect(kho_in_find_blob(&in, "dma-alloc", &b), 0);
	assert_cleaned(&w, b.phys, b.phys + b.size, "dma-alloc blob");
	assert_cleaned(&w, LOG_BUF, LOG_BUF + LOG_SIZE, "log buffer");
	/* What the stage filled: the fourth page of the extent it never writes. */
	assert_cleaned(&w, NC_BUF, NC_BUF + NC_SIZE, "non-coherent buffer");
}

static void test_written_covers_buffers_without_kho(void **state)
{
	struct fx *f = *state;
	struct written w = { .n = 0 };

	sim_expect(run_std(f, 0), 0);
	boot_for_each_written(&f->bs.st, note, &w);
	assert_cleaned(&w, LOG_BUF, LOG_BUF + LOG_SIZE,
		       "log buffer (kernel without KHO)");
	assert_cleaned(&w, NC_BUF, NC_BUF + NC_SIZE, "DMA buffer (kernel without KHO)");
	assert_cleaned(&w, f->bs.st.dtb, f->bs.st.dtb + f->bs.st.dtb_cap, "DTB");
}

/* ------------------------------------------- the known-wrong test firmware */

static void test_short_count_mode_is_the_wrong_firmware(void **state)
{
	struct fx *f = *state;
	struct records r;
	struct kho_in in;
	struct blocks bl;

	f->bs.cfg.dma_short_count = 1;
	sim_expect(run_std(f, KHO_ABI_V4), 0);
	map_blocks(&f->bs.st.out, &bl);
	/* 12 KiB as 3 order-0 pages, the fourth page not preserved. */
	for (int i = 0; i < 3; i++)
		assert_int_equal(block_at(&bl, NC_BUF + i * PAGE), 0);
	assert_int_equal(pages_preserved(&bl, NC_BUF, NC_BUF + 4 * PAGE), 3);
	/* 8 KiB: size >> PAGE_SHIFT happens to be right, as order-0 pages. */
	assert_int_equal(block_at(&bl, COH_BUF), 0);
	assert_int_equal(block_at(&bl, COH_BUF + PAGE), 0);
	/* The records still claim the right order. */
	consume(f, &in);
	read_records(f, &in, &r);
	assert_int_equal(r.d[0].order, 2);
}

/* --------------------------------------------------- reading the subtree */

static int count_only(void *arg, const struct boot_khofw_dma *d)
{
	(void)arg;
	(void)d;
	return 0;
}

static void test_subtree_reader_rejects_malformed(void **state)
{
	struct fx *f = *state;
	struct kho_in in;
	struct kho_blob b;
	u8 blob[PAGE];
	int node;

	sim_expect(run_std(f, KHO_ABI_V4), 0);
	consume(f, &in);
	sim_expect(kho_in_find_blob(&in, BOOT_KHOFW_BLOB, &b), 0);
#define FRESH()                                                                          \
	do {                                                                             \
		memcpy(blob, sim_at(&f->bs.s, b.phys, b.size), b.size);                  \
		assert_int_equal(fdt_open_into(blob, blob, sizeof(blob)), 0);            \
		node = fdt_first_subnode(blob, 0);                                       \
		assert_true(node >= 0);                                                  \
	} while (0)
	FRESH();
	assert_int_equal(boot_khofw_for_each_dma(blob, sizeof(blob), count_only, NULL),
			 2);
	sim_expect(boot_khofw_for_each_dma(blob, 40, count_only, NULL), -KHO_E_FDT_SIZE);
	FRESH();
	fdt_setprop_string(blob, 0, "compatible", "khofw-v0");
	sim_expect(boot_khofw_for_each_dma(blob, sizeof(blob), count_only, NULL),
		   -KHO_E_COMPAT);
	FRESH();
	fdt_setprop_u32(blob, node, "size", 3);
	sim_expect(boot_khofw_for_each_dma(blob, sizeof(blob), count_only, NULL),
		   -KHO_E_PROP);
	FRESH();
	fdt_delprop(blob, node, "order");
	sim_expect(boot_khofw_for_each_dma(blob, sizeof(blob), count_only, NULL),
		   -KHO_E_PROP);
	FRESH();
	fdt_setprop(blob, node, "device", "/soc", 4); /* no terminator */
	sim_expect(boot_khofw_for_each_dma(blob, sizeof(blob), count_only, NULL),
		   -KHO_E_PROP);
	FRESH();
	fdt_setprop(blob, node, "mapping", "nc\0wb", 6); /* two strings */
	sim_expect(boot_khofw_for_each_dma(blob, sizeof(blob), count_only, NULL),
		   -KHO_E_PROP);
#undef FRESH
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_count_one_byte_is_one_page),
		T(test_count_4097_is_two_pages),
		T(test_count_power_of_two_is_exact),
		T(test_count_three_pages_is_four_not_three),
		T(test_truncate_keeps_the_first),
		T(test_truncate_to_zero_drops_the_blob),
		T(test_overlapping_allocations_refused),
		T(test_allocation_over_a_smaller_one_refused),
		T(test_subtree_records_each_allocation),
		T(test_subtree_agrees_with_dma_alloc),
		T(test_subtree_and_blocks_in_the_map),
		T(test_no_dma_buffer_no_subtree),
		T(test_set_atomic_misaligned_third),
		T(test_set_atomic_allocator_runs_dry),
		T(test_no_map_and_kho_refused),
		T(test_no_map_elsewhere_accepted),
		T(test_kho_kernel_gets_no_no_map),
		T(test_nc_regions_cover_the_block),
		T(test_written_covers_the_hand_over),
		T(test_written_covers_buffers_without_kho),
		T(test_short_count_mode_is_the_wrong_firmware),
		T(test_subtree_reader_rejects_malformed),
	};

	return cmocka_run_group_tests_name("dma", tests, NULL, NULL);
}
