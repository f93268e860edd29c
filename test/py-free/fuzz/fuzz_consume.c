/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness for the whole consumer, as a stage runs it: check the OS DT,
 * kho_in_open() (/chosen, KHO FDT, compatible, map value, scratch array) and
 * kho_in_protect() (scratch, map walk, sub-blobs) with the stage's image recorded
 * as firmware first, and lib/boot's boot_take_handover(), which also checks a
 * forwarded dma-alloc blob and khofw subtree. The OS DT and the first MiB of RAM
 * come from the input.
 *
 * Whatever the input, nothing may be written, and an accepted handover must leave
 * a reservation map that protects all of it: checked here independently of the
 * code under test, with abort() on any violation.
 */
#include <boot/boot.h>
#include <kho/err.h>
#include <kho/in.h>
#include <string.h>

#include "fuzz.h"

#define NR_RANGES 512

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

static u64 page_up(u64 v, unsigned int shift)
{
	u64 m = ((u64)1 << shift) - 1;

	return (v + m) & ~m;
}

/* What kho_in_open() accepted is what the ABI allows. */
static void check_opened(const struct kho_in *in, enum kho_abi hint, unsigned int ps)
{
	const struct kho_chosen *ch = &in->ch;
	u64 align =
		in->abi == KHO_ABI_V4 ? KHO_SCRATCH_ALIGN(ps) : KHO_SCRATCH_ALIGN_V1(ps);

	if (in->abi == KHO_ABI_AUTO || in->abi >= KHO_ABI_COUNT ||
	    (hint != KHO_ABI_AUTO && in->abi != hint))
		fz_fail("ABI %d resolved for hint %d", in->abi, hint);
	if (kho_abi_is_v1(in->abi) && ps != 12)
		fz_fail("kho-v1 accepted with page shift %u", ps);
	if (!ch->fdt_len || ch->fdt_len > KHO_EARLY_MAP_MAX || ch->fdt_phys % 8 ||
	    !fz_in_window(ch->fdt_phys, ch->fdt_phys + ch->fdt_len))
		fz_fail("KHO FDT 0x%llx+0x%llx accepted",
			(unsigned long long)ch->fdt_phys,
			(unsigned long long)ch->fdt_len);
	if (!ch->scratch_len || ch->scratch_len % 16 ||
	    ch->scratch_len > KHO_EARLY_MAP_MAX || ch->scratch_phys % 8 ||
	    !fz_in_window(ch->scratch_phys, ch->scratch_phys + ch->scratch_len) ||
	    in->nr_scratch != ch->scratch_len / 16)
		fz_fail("scratch array 0x%llx+0x%llx accepted",
			(unsigned long long)ch->scratch_phys,
			(unsigned long long)ch->scratch_len);
	for (u64 i = 0; i < in->nr_scratch; i++) {
		u64 a = in->scratch[i].addr, s = in->scratch[i].size;

		if (s && ((a | s) & (align - 1) || !fz_in_ram(in->mem, a, a + s)))
			fz_fail("scratch area 0x%llx+0x%llx accepted",
				(unsigned long long)a, (unsigned long long)s);
	}
	if (!in->map && in->abi != KHO_ABI_V1_512 && in->abi != KHO_ABI_V1_4K)
		fz_fail("map 0 accepted for ABI %s", kho_abi_name(in->abi));
}

struct blob_ctx {
	const struct kho_in *in;
	const struct kho_rmap *rm;
};

static int check_blob(void *arg, const struct kho_blob *b)
{
	const struct blob_ctx *c = arg;
	u64 end = b->phys + b->size;

	if (!b->name || end < b->phys || !fz_in_ram(c->in->mem, b->phys, end + !b->size))
		fz_fail("blob 0x%llx+0x%llx accepted", (unsigned long long)b->phys,
			(unsigned long long)b->size);
	if (b->size && !fz_covered(c->rm, b->phys, end,
				   FZ_K(KHO_KIND_PRESERVED) | FZ_K(KHO_KIND_META)))
		fz_fail("blob %s is not protected", b->name);
	return 0;
}

/* Everything of an accepted handover is recorded, and nothing else moved. */
static void check_protected(const struct kho_in *in, const struct kho_rmap *rm,
			    const struct kho_in_stats *st)
{
	const unsigned int meta = FZ_K(KHO_KIND_META) | FZ_K(KHO_KIND_PRESERVED);
	const struct kho_chosen *ch = &in->ch;
	struct fz_blocks b = { .mem = in->mem, .rm = rm, .page_shift = in->page_shift };
	struct kho_walk w = { .block = fz_block, .arg = &b };
	struct blob_ctx bc = { in, rm };
	int err;

	if (!fz_covered(rm, ch->fdt_phys,
			ch->fdt_phys + page_up(ch->fdt_len, in->page_shift), meta))
		fz_fail("KHO FDT not protected");
	if (!fz_covered(rm, ch->scratch_phys, ch->scratch_phys + ch->scratch_len, meta))
		fz_fail("scratch array not protected");
	for (u64 i = 0; i < in->nr_scratch; i++) {
		u64 a = in->scratch[i].addr, s = in->scratch[i].size;

		/* The stage may run from scratch: kexec put it there. */
		if (s &&
		    !fz_covered(rm, a, a + s,
				FZ_K(KHO_KIND_SCRATCH) | FZ_K(KHO_KIND_FIRMWARE) | meta))
			fz_fail("scratch area 0x%llx+0x%llx not recorded",
				(unsigned long long)a, (unsigned long long)s);
	}
	for (unsigned int i = 0; i < rm->nr; i++) {
		const struct kho_range *r = &rm->r[i];

		if (r->kind != KHO_KIND_FIRMWARE && !fz_in_ram(in->mem, r->start, r->end))
			fz_fail("%s range [0x%llx, 0x%llx) is not RAM",
				kho_kind_name(r->kind), (unsigned long long)r->start,
				(unsigned long long)r->end);
		if (r->kind == KHO_KIND_MAP && !fz_in_window(r->start, r->end))
			fz_fail("map range outside the readable window");
	}
	/* A second walk, without a record of pages, must find the same blocks. */
	b.max_order = kho_abi_max_order(in->abi, in->page_shift);
	err = kho_in_walk(in, &w);
	if (err || b.blocks != st->blocks || w.blocks != st->blocks ||
	    b.bytes != st->preserved_bytes || w.nodes != st->map_pages)
		fz_fail("second walk: %d, %llu blocks in %llu pages, protect saw %llu in "
			"%llu",
			err, (unsigned long long)b.blocks, (unsigned long long)w.nodes,
			(unsigned long long)st->blocks,
			(unsigned long long)st->map_pages);
	err = kho_in_for_each_blob(in, check_blob, &bc);
	if (err < 0)
		fz_fail("blobs accepted by protect, refused after: %d", err);
}

/* Each dma-alloc entry the stage accepted names a block it found preserved. */
static void check_dma_entries(const struct boot_state *bs)
{
	const struct dma_alloc_ser *e;
	struct kho_blob b;
	int err;

	if (kho_in_find_blob(&bs->in, DMA_ALLOC_KHO_BLOB, &b) || !b.size)
		return;
	e = kho_mem_ptr(bs->mem, b.phys, b.size, &err);
	for (u64 i = 0; e && i < b.size / sizeof(*e); i++) {
		u64 ext = (u64)1 << (bs->cfg.page_shift +
				     kho_get_order(e[i].size, bs->cfg.page_shift));

		if (!e[i].size || e[i].page_phys % ext ||
		    !fz_covered(&bs->rm, e[i].page_phys, e[i].page_phys + ext,
				FZ_K(KHO_KIND_PRESERVED)))
			fz_fail("dma-alloc entry %llu accepted, not a preserved block",
				(unsigned long long)i);
	}
}

/*
 * The stage's own taking of the hand-over (boot_take_handover(), ABI AUTO): the
 * same checks as above, then a forwarded dma-alloc blob and khofw subtree, which
 * may only add -KHO_E_BLOB (or -KHO_E_UNMAPPED: a blob outside the window this
 * harness can read) to what kho_in_protect() said.
 */
static void take(const void *dt, const struct kho_mem *mem, unsigned int ps,
		 int protect_err)
{
	static struct boot_state bs;
	static struct kho_range store[NR_RANGES];
	struct boot_cfg cfg = { .page_shift = ps };
	int err;

	boot_init(&bs, mem, store, NR_RANGES, &cfg);
	fz_add_firmware(&bs.rm);
	err = boot_take_handover(&bs, dt);
	fz_check_err(err, "boot_take_handover");
	fz_check_rmap(&bs.rm);
	fz_check_firmware(&bs.rm);
	if (err != protect_err &&
	    (protect_err || (err != -KHO_E_BLOB && err != -KHO_E_UNMAPPED)))
		fz_fail("boot_take_handover: %d, kho_in_protect: %d", err, protect_err);
	if (!err)
		check_dma_entries(&bs);
}

static void consume(const void *dt, const struct kho_mem *mem, unsigned int ps,
		    enum kho_abi hint)
{
	struct kho_in in;
	struct kho_in_stats st;
	struct kho_rmap rm;
	int err;

	err = kho_in_open(&in, dt, mem, ps, hint);
	fz_check_err(err, "kho_in_open");
	if (err)
		return;
	check_opened(&in, hint, ps);
	fz_rmap_init(&rm, NR_RANGES);
	fz_add_firmware(&rm);
	err = kho_in_protect_stats(&in, &rm, &st);
	fz_check_err(err, "kho_in_protect");
	fz_check_rmap(&rm);
	fz_check_firmware(&rm);
	if (!err)
		check_protected(&in, &rm, &st);
	if (hint == KHO_ABI_AUTO)
		take(dt, mem, ps, err);
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct kho_mem mem;
	size_t dt_len, ram_len;
	const u8 *ram;
	void *dt;
	u8 *win;

	if (size < FZ_CONSUME_HDR)
		return 0;
	dt_len = (size_t)fz_get_le(data + 2, 2);
	if (dt_len > size - FZ_CONSUME_HDR)
		dt_len = size - FZ_CONSUME_HDR;
	ram = data + FZ_CONSUME_HDR + dt_len;
	ram_len = size - FZ_CONSUME_HDR - dt_len;
	dt = fz_copy(data + FZ_CONSUME_HDR, dt_len);
	win = fz_window_load(ram, ram_len);
	fz_mem(&mem, FZ_RAM_BIG, win);
	/* As a stage does: the OS DT is checked before anything is read from it. */
	if (!kho_fdt_check(dt, dt_len))
		consume(dt, &mem, fz_page_shift(data[1]),
			(enum kho_abi)(data[0] % KHO_ABI_COUNT));
	fz_window_check(ram, ram_len);
	fz_copy_done(dt, data + FZ_CONSUME_HDR, dt_len, "OS DT");
	return 0;
}
