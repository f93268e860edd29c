/* SPDX-License-Identifier: MIT */
/*
 * DMA buffers when a hand-over is forwarded: a second hop takes the first one's
 * hand-over (its dma-alloc entries and khofw subtree, or a dma-alloc blob alone,
 * as a Linux that preserved buffers leaves it) and adds its own buffers. The
 * next kernel gets one dma-alloc blob (the incoming entries unchanged and first,
 * then the new ones) and one khofw subtree whose indexes match it; a buffer a
 * previous hop already handed over is adopted, not preserved twice; malformed
 * incoming blobs reject the hand-over before anything is written. Also the
 * libkho side: kho_out_dma_listed() and truncation over listed entries.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <boot/dma.h>
#include <kho/err.h>
#include <kho/in.h>
#include <kho/out.h>
#include <libfdt.h>
#include <stdlib.h>
#include <string.h>

#include "bootsim.h"

#define MiB (1024ull * 1024)
#define PAGE 4096ull
#define RAM (256 * MiB)
#define LOG_BUF 0x4e000000ull
#define LOG_SIZE 0x100000ull
#define NC_BUF 0x4e200000ull /* 12 KiB: order 2 */
#define NC_SIZE 0x3000ull
#define COH_BUF 0x4e300000ull /* 8 KiB: order 1 */
#define COH_SIZE 0x2000ull
#define NEW_BUF 0x4e400000ull /* the second hop's own: 4 KiB, order 0 */
#define NEW_SIZE 0x1000ull
#define CONTAINER 0x48000000ull
#define MAX_ENT 8

struct records {
	struct boot_khofw_dma d[MAX_ENT];
	int n;
};

struct fx {
	struct bootsim bs;
	struct sim_alloc a;
	const char *last_step;
	/* The first hop's hand-over, as the second hop finds it. */
	struct dma_alloc_ser in_e[MAX_ENT];
	unsigned int in_n;
	struct records in_r;
	u8 in_page[2][PAGE]; /* its KHO FDT and dma-alloc pages */
	u64 in_phys[2];
};

#define B_LOG                                                                            \
	{                                                                                \
		"log@4e000000", "log", LOG_BUF, LOG_SIZE, 7, 0, NULL, 0                  \
	}
#define B_NC                                                                             \
	{                                                                                \
		"dma@4e200000", "dma", NC_BUF, NC_SIZE, 8,                               \
			KHO_DMA_ATTR_NO_KERNEL_MAPPING, BS_NC_DEV, 0                     \
	}
#define B_COH                                                                            \
	{                                                                                \
		"dma@4e300000", "dma", COH_BUF, COH_SIZE, 0, KHO_DMA_ATTR_WRITE_COMBINE, \
			BS_COH_DEV, 1                                                    \
	}
#define B_NEW                                                                            \
	{                                                                                \
		"dma@4e400000", "dma", NEW_BUF, NEW_SIZE, 9, KHO_DMA_ATTR_WEAK_ORDERING, \
			BS_NC_DEV, 0                                                     \
	}

static const struct bs_buf first_bufs[] = { B_LOG, B_NC, B_COH, B_NEW };

/* The second hop's boards: the log and the new buffer; or the first one's again. */
static const struct bs_buf new_only[] = { B_LOG, B_NEW };
static const struct bs_buf nc_and_new[] = { B_LOG, B_NC, B_NEW };

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

static void note_step(void *arg, const char *name)
{
	((struct fx *)arg)->last_step = name;
}

static int keep_record(void *arg, const struct boot_khofw_dma *d)
{
	struct records *r = arg;

	if (r->n == MAX_ENT)
		return -KHO_E_NOSPC;
	r->d[r->n++] = *d;
	return 0;
}

/* The next kernel's view of the hand-over bs_run() built. */
static void consume(struct fx *f, struct kho_in *in)
{
	sim_expect(kho_in_open(in, bs_dtb(&f->bs), &f->bs.s.mem, 12, KHO_ABI_V4), 0);
}

/* Its dma-alloc entries (copied to e), and their count. */
static unsigned int entries(struct fx *f, const struct kho_in *in,
			    struct dma_alloc_ser *e)
{
	struct kho_blob b;

	sim_expect(kho_in_find_blob(in, DMA_ALLOC_KHO_BLOB, &b), 0);
	assert_int_equal(b.size % sizeof(*e), 0);
	assert_true(b.size <= MAX_ENT * sizeof(*e));
	memcpy(e, sim_at(&f->bs.s, b.phys, b.size), b.size);
	return (unsigned int)(b.size / sizeof(*e));
}

/* Its khofw records, or -KHO_E_NOT_FOUND. */
static int records(struct fx *f, const struct kho_in *in, struct records *r)
{
	struct kho_blob b;
	int err = kho_in_find_blob(in, BOOT_KHOFW_BLOB, &b);

	r->n = 0;
	if (err)
		return err;
	return boot_khofw_for_each_dma(sim_at(&f->bs.s, b.phys, b.size), b.size,
				       keep_record, r);
}

struct find_block {
	u64 phys;
	int order;
};

static int find_block(void *arg, u64 phys, u64 size, unsigned int order)
{
	struct find_block *fb = arg;

	for (u64 at = phys; at < phys + size; at += PAGE << order)
		if (at == fb->phys)
			fb->order = (int)order;
	return 0;
}

/* The order of the block the hand-over preserves at phys, or -1. */
static int block_at(const struct kho_in *in, u64 phys)
{
	struct find_block fb = { phys, -1 };
	struct kho_walk w = { .block = find_block, .arg = &fb };

	sim_expect(kho_in_walk(in, &w), 0);
	return fb.order;
}

/* First hop: the log and three DMA buffers, or the first n of them. */
static void first_hop(struct fx *f, unsigned int n)
{
	struct kho_in in;

	bs_board(&f->bs, first_bufs, n);
	bs_payload(&f->bs, CONTAINER, KHO_ABI_V4);
	sim_expect(bs_run(&f->bs), 0);
	consume(f, &in);
	f->in_n = entries(f, &in, f->in_e);
	assert_int_equal(records(f, &in, &f->in_r), (int)f->in_n);
}

/* What the second hop is given: the first hop's DTB, and its hand-over. */
static void hand_on(struct fx *f)
{
	struct kho_in in;
	struct kho_blob b;

	consume(f, &in);
	sim_expect(kho_in_find_blob(&in, DMA_ALLOC_KHO_BLOB, &b), 0);
	f->in_phys[0] = in.ch.fdt_phys;
	f->in_phys[1] = b.phys;
	for (int i = 0; i < 2; i++)
		memcpy(f->in_page[i], sim_at(&f->bs.s, f->in_phys[i], PAGE), PAGE);
	assert_int_equal(fdt_pack(bs_dtb(&f->bs)), 0);
	assert_int_equal(fdt_open_into(bs_dtb(&f->bs), f->bs.dt, sizeof(f->bs.dt)), 0);
	f->bs.forward = 1;
	f->bs.step = note_step;
	f->bs.step_arg = f;
}

static int second_hop(struct fx *f, const struct bs_buf *bufs, unsigned int n)
{
	bs_board(&f->bs, bufs, n);
	bs_payload(&f->bs, CONTAINER, KHO_ABI_V4);
	return bs_run(&f->bs);
}

static void assert_same_entry(const struct dma_alloc_ser *got,
			      const struct dma_alloc_ser *want)
{
	if (memcmp(got, want, sizeof(*got)))
		fail_msg("entry of 0x%llx changed: 0x%llx size 0x%llx attrs 0x%llx",
			 (unsigned long long)want->page_phys,
			 (unsigned long long)got->page_phys,
			 (unsigned long long)got->size, (unsigned long long)got->attrs);
}

static void assert_same_record(const struct boot_khofw_dma *got,
			       const struct boot_khofw_dma *want)
{
	assert_string_equal(got->name, want->name);
	assert_int_equal(got->index, want->index);
	assert_int_equal(got->phys, want->phys);
	assert_int_equal(got->size, want->size);
	assert_int_equal(got->order, want->order);
	assert_int_equal(got->attrs, want->attrs);
	assert_int_equal(got->coherent, want->coherent);
	assert_int_equal(got->decrypted, want->decrypted);
	assert_string_equal(got->device, want->device);
	assert_string_equal(got->mapping, want->mapping);
}

/* Each record agrees with the entry its index names. */
static void assert_records_match(const struct records *r, const struct dma_alloc_ser *e,
				 unsigned int n)
{
	for (int i = 0; i < r->n; i++) {
		const struct dma_alloc_ser *x = &e[r->d[i].index];

		assert_true(r->d[i].index < n);
		assert_int_equal(x->page_phys, r->d[i].phys);
		assert_int_equal(x->size, r->d[i].size);
		assert_int_equal(x->attrs, r->d[i].attrs);
		assert_int_equal(x->force_decrypted, r->d[i].decrypted);
		if (i)
			assert_true(r->d[i].index > r->d[i - 1].index);
	}
}

/* ------------------------------------------------------------- merging */

static void test_forward_merges_dma_alloc(void **state)
{
	struct fx *f = *state;
	struct dma_alloc_ser e[MAX_ENT];
	struct records r;
	struct kho_in in;

	first_hop(f, 3);
	hand_on(f);
	sim_expect(second_hop(f, new_only, 2), 0);
	consume(f, &in);
	assert_int_equal(entries(f, &in, e), 3);
	assert_same_entry(&e[0], &f->in_e[0]);
	assert_same_entry(&e[1], &f->in_e[1]);
	assert_int_equal(e[2].page_phys, NEW_BUF);
	assert_int_equal(e[2].size, NEW_SIZE);
	assert_int_equal(e[2].attrs, KHO_DMA_ATTR_WEAK_ORDERING);
	assert_int_equal(records(f, &in, &r), 3);
	assert_same_record(&r.d[0], &f->in_r.d[0]);
	assert_same_record(&r.d[1], &f->in_r.d[1]);
	assert_string_equal(r.d[2].name, "dma@4e400000");
	assert_int_equal(r.d[2].index, 2);
	assert_string_equal(r.d[2].mapping, BOOT_KHOFW_MAP_NC);
	assert_records_match(&r, e, 3);
	/* Every block still preserved, with its order. */
	assert_int_equal(block_at(&in, NC_BUF), 2);
	assert_int_equal(block_at(&in, COH_BUF), 1);
	assert_int_equal(block_at(&in, NEW_BUF), 0);
}

/* A Linux's dma-alloc blob comes without a khofw subtree: its entries stay unrecorded. */
static void test_forward_dma_alloc_without_subtree(void **state)
{
	struct fx *f = *state;
	struct dma_alloc_ser e[MAX_ENT];
	struct records r;
	struct kho_in in;

	first_hop(f, 3);
	sim_expect(kho_out_remove_blob(&f->bs.st.out, BOOT_KHOFW_BLOB), 0);
	hand_on(f);
	sim_expect(second_hop(f, new_only, 2), 0);
	consume(f, &in);
	assert_int_equal(entries(f, &in, e), 3);
	assert_same_entry(&e[0], &f->in_e[0]);
	assert_same_entry(&e[1], &f->in_e[1]);
	assert_int_equal(records(f, &in, &r), 1);
	assert_int_equal(r.d[0].index, 2);
	assert_int_equal(r.d[0].phys, NEW_BUF);
	assert_records_match(&r, e, 3);
}

/* ------------------------------------------------------------ adoption */

/* The device kept running: the second hop finds its buffer handed over already. */
static void test_forward_adopts_handed_over_buffer(void **state)
{
	struct fx *f = *state;
	struct dma_alloc_ser e[MAX_ENT];
	struct records r;
	struct kho_in in;
	u8 *dev;

	first_hop(f, 3);
	hand_on(f);
	dev = sim_at(&f->bs.s, NC_BUF, NC_SIZE);
	memset(dev, 0xd5, NC_SIZE); /* the device's writes since */
	sim_expect(second_hop(f, first_bufs, 3), 0);
	assert_true(f->bs.st.fw[1].adopted);
	assert_true(f->bs.st.fw[2].adopted);
	assert_int_equal(f->bs.st.fw[1].phys, NC_BUF);
	assert_int_equal(f->bs.st.fw[2].phys, COH_BUF);
	for (u64 i = 0; i < NC_SIZE; i++)
		if (dev[i] != 0xd5)
			fail_msg("adopted buffer rewritten at +0x%llx",
				 (unsigned long long)i);
	consume(f, &in);
	assert_int_equal(entries(f, &in, e), 2);
	assert_same_entry(&e[0], &f->in_e[0]);
	assert_same_entry(&e[1], &f->in_e[1]);
	assert_int_equal(records(f, &in, &r), 2);
	assert_same_record(&r.d[0], &f->in_r.d[0]);
	assert_same_record(&r.d[1], &f->in_r.d[1]);
	assert_int_equal(block_at(&in, NC_BUF), 2);
	assert_int_equal(block_at(&in, COH_BUF), 1);
}

/* Adopted from a Linux's entry (no record of it yet): recorded once, at its index. */
static void test_forward_adopts_and_records_once(void **state)
{
	struct fx *f = *state;
	struct dma_alloc_ser e[MAX_ENT];
	struct records r;
	struct kho_in in;

	first_hop(f, 3);
	sim_expect(kho_out_remove_blob(&f->bs.st.out, BOOT_KHOFW_BLOB), 0);
	hand_on(f);
	sim_expect(second_hop(f, nc_and_new, 3), 0);
	assert_true(f->bs.st.fw[1].adopted);
	consume(f, &in);
	assert_int_equal(entries(f, &in, e), 3);
	assert_int_equal(records(f, &in, &r), 2);
	assert_int_equal(r.d[0].index, 0);
	assert_int_equal(r.d[0].phys, NC_BUF);
	assert_string_equal(r.d[0].device, BS_NC_DEV);
	assert_int_equal(r.d[1].index, 2);
	assert_int_equal(r.d[1].phys, NEW_BUF);
	assert_records_match(&r, e, 3);
}

/* A buffer named as an earlier hop's, elsewhere: both recorded, apart. */
static void test_forward_record_names_apart(void **state)
{
	static const struct bs_buf moved[] = {
		B_LOG,
		{ "dma@4e400000", "dma", NEW_BUF + 0x100000, NEW_SIZE, 0, 0, BS_COH_DEV,
		  0 },
	};
	struct fx *f = *state;
	struct dma_alloc_ser e[MAX_ENT];
	struct records r;
	struct kho_in in;

	first_hop(f, 4);
	hand_on(f);
	sim_expect(second_hop(f, moved, 2), 0);
	consume(f, &in);
	assert_int_equal(entries(f, &in, e), 4);
	assert_int_equal(records(f, &in, &r), 4);
	assert_same_record(&r.d[2], &f->in_r.d[2]);
	assert_string_equal(r.d[3].name, "dma@4e400000-3");
	assert_int_equal(r.d[3].phys, NEW_BUF + 0x100000);
	assert_records_match(&r, e, 4);
}

/* ------------------------------------------------- malformed incoming blobs */

/* The incoming dma-alloc entries, to corrupt before the second hop. */
static struct dma_alloc_ser *in_entries(struct fx *f)
{
	return sim_at(&f->bs.s, f->in_phys[1], PAGE);
}

/* The second hop refuses the hand-over as it takes it, and nothing is lost. */
static void assert_rejected(struct fx *f)
{
	u8 now[PAGE];

	sim_expect(second_hop(f, first_bufs, 4), -KHO_E_BLOB);
	assert_string_equal(f->last_step, "protect");
	memcpy(now, sim_at(&f->bs.s, f->in_phys[0], PAGE), PAGE);
	assert_memory_equal(now, f->in_page[0], PAGE);
}

static void set_blob_size(struct fx *f, const char *name, u64 size)
{
	void *fdt = sim_at(&f->bs.s, f->in_phys[0], PAGE);
	int node = fdt_subnode_offset(fdt, 0, name);

	assert_true(node >= 0);
	assert_int_equal(fdt_setprop_inplace(fdt, node, "blob-size", &size, 8), 0);
	memcpy(f->in_page[0], fdt, PAGE);
}

static void test_forward_rejects_bad_entries(void **state)
{
	struct fx *f = *state;
	enum { SIZE0, MISALIGNED, UNPRESERVED, OVERLAP, DECRYPTED, BLOB_SIZE, COUNT };

	for (int c = 0; c < COUNT; c++) {
		bs_fini(&f->bs);
		bs_init(&f->bs, RAM);
		first_hop(f, 3);
		hand_on(f);
		switch (c) {
		case SIZE0:
			in_entries(f)[1].size = 0;
			break;
		case MISALIGNED:
			in_entries(f)[0].page_phys = NC_BUF + PAGE;
			break;
		case UNPRESERVED:
			in_entries(f)[1].page_phys = NEW_BUF + 0x100000;
			break;
		case OVERLAP:
			in_entries(f)[1].page_phys = NC_BUF;
			break;
		case DECRYPTED:
			in_entries(f)[0].force_decrypted = 2;
			break;
		case BLOB_SIZE:
			set_blob_size(f, DMA_ALLOC_KHO_BLOB, 40);
			break;
		}
		print_message("case %d\n", c);
		assert_rejected(f);
	}
}

static void set_record(struct fx *f, const char *prop, u64 v)
{
	struct kho_in in;
	struct kho_blob b;
	void *fdt;
	int node;

	/* The incoming hand-over, as the second hop will open it. */
	sim_expect(kho_in_open(&in, f->bs.dt, &f->bs.s.mem, 12, KHO_ABI_V4), 0);
	sim_expect(kho_in_find_blob(&in, BOOT_KHOFW_BLOB, &b), 0);
	fdt = sim_at(&f->bs.s, b.phys, b.size);
	node = fdt_first_subnode(fdt, 0);
	assert_true(node >= 0);
	assert_int_equal(fdt_setprop_inplace(fdt, node, prop, &v, 8), 0);
}

static void test_forward_rejects_bad_subtree(void **state)
{
	struct fx *f = *state;
	enum { INDEX, PHYS, SIZE, ORDER, ATTRS, TWICE, COMPAT, COUNT };

	for (int c = 0; c < COUNT; c++) {
		bs_fini(&f->bs);
		bs_init(&f->bs, RAM);
		first_hop(f, 3);
		hand_on(f);
		switch (c) {
		case INDEX:
			set_record(f, "index", 3);
			break;
		case PHYS:
			set_record(f, "phys", COH_BUF);
			break;
		case SIZE:
			set_record(f, "size", NC_SIZE + 1);
			break;
		case ORDER:
			set_record(f, "order", 1);
			break;
		case ATTRS:
			set_record(f, "attrs", 0);
			break;
		case TWICE:
			set_record(f, "index", 1);
			break;
		case COMPAT:
			set_blob_size(f, BOOT_KHOFW_BLOB, 8);
			break;
		}
		print_message("case %d\n", c);
		assert_rejected(f);
	}
}

/* ---------------------------------------------------- libkho: listing */

static void out_init(struct fx *f, struct kho_out *out, struct kho_rmap *rm,
		     struct kho_range *store)
{
	sim_alloc_init(&f->a, &f->bs.s, SIM_POOL, SIM_POOL_END, 12);
	kho_rmap_init(rm, store, BS_RANGES);
	sim_expect(kho_out_init(out, &f->bs.s.mem, KHO_ABI_V4, 12, &f->a.pa, rm), 0);
}

static void test_listed_entries_survive_truncation(void **state)
{
	struct fx *f = *state;
	struct kho_range store[BS_RANGES];
	struct dma_alloc_ser in = {
		NC_BUF, NC_SIZE, KHO_DMA_ATTR_NO_KERNEL_MAPPING, 1, { 0 }
	};
	struct kho_rmap rm;
	struct kho_out out;
	struct dma_alloc_ser *e;
	int err;

	out_init(f, &out, &rm, store);
	sim_expect(kho_out_dma_listed(&out, &in), -KHO_E_PROTECTED);
	sim_expect(kho_out_preserve(&out, NC_BUF, 2), 0); /* carried over */
	sim_expect(kho_out_dma_listed(&out, &in), 0);
	sim_expect(kho_out_dma_listed(&out, &in), -KHO_E_OVERLAP);
	sim_expect(kho_out_dma_alloc(&out, COH_BUF, COH_SIZE, 0, 0), 0);
	in.page_phys = NEW_BUF;
	sim_expect(kho_out_dma_listed(&out, &in), -KHO_E_INVAL); /* after an alloc */
	e = kho_mem_ptr(&f->bs.s.mem, out.dma_phys, 2 * sizeof(*e), &err);
	assert_non_null(e);
	assert_int_equal(e[0].page_phys, NC_BUF);
	assert_int_equal(e[0].force_decrypted, 1);
	sim_expect(kho_out_dma_truncate(&out, 1), 0);
	assert_false(
		kho_rmap_covered(&rm, COH_BUF, COH_BUF + COH_SIZE, KHO_KIND_PRESERVED));
	sim_expect(kho_out_dma_truncate(&out, 0), 0);
	assert_int_equal(out.nr_dma, 0);
	assert_true(kho_rmap_covered(&rm, NC_BUF, NC_BUF + 4 * PAGE, KHO_KIND_PRESERVED));
	/* Listing may start again. */
	in.page_phys = NC_BUF;
	sim_expect(kho_out_dma_listed(&out, &in), 0);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_forward_merges_dma_alloc),
		T(test_forward_dma_alloc_without_subtree),
		T(test_forward_adopts_handed_over_buffer),
		T(test_forward_adopts_and_records_once),
		T(test_forward_record_names_apart),
		T(test_forward_rejects_bad_entries),
		T(test_forward_rejects_bad_subtree),
		T(test_listed_entries_survive_truncation),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
