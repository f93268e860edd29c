/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness for the whole consumer, as a stage runs it: check the OS DT,
 * kho_in_open() (/chosen, KHO FDT, compatible, map value, scratch array) and
 * kho_in_protect() (scratch, map walk, sub-blobs) with the stage's image recorded
 * as firmware first, and lib/boot's boot_take_handover(), which also checks a
 * forwarded dma-alloc blob and khofw subtree. The OS DT and the first MiB of RAM
 * come from the input. An accepted handover is then forwarded (kho_in_carry()) into
 * a new map built in a writable bank far above the input.
 *
 * Whatever the input, nothing of it may be written, an accepted handover must leave
 * a reservation map that protects all of it, and its forward must preserve the same
 * blocks: checked here independently of the code under test, with abort() on any
 * violation.
 */
#include <boot/boot.h>
#include <kho/err.h>
#include <kho/in.h>
#include <kho/out.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

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
	for (unsigned int i = 0; i < in->nr_scratch; i++) {
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
	for (unsigned int i = 0; i < in->nr_scratch; i++) {
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

/*
 * The forward's bank: RAM the input may preserve or name as scratch, but cannot
 * read (no window until the forward). Its pages are read-only to this program
 * but for those the allocator hands out, so a write anywhere else is a crash.
 */
#define OUT_BASE 0x900000000ull
#define OUT_PAGES 128
#define OUT_SIZE ((u64)OUT_PAGES << 16)
/* protect's ranges, and room for each page of the bank and the KHO FDT. */
#define CARRY_RANGES (NR_RANGES + 2 * OUT_PAGES + 8)
/* Map structures of the new map: 512-byte v1 bitmaps are eight to a page. */
#define SEEN_RANGES (8 * OUT_PAGES + 8)

struct bank {
	const struct kho_rmap *rm; /* pages recorded here are skipped */
	unsigned int page_shift;
	unsigned int next; /* pages tried */
	unsigned int nr;   /* pages handed out */
	u64 page[OUT_PAGES];
	int exhausted;
};

static u8 *bank_host(void)
{
	static u8 *host;

	if (!host) {
		host = mmap(NULL, OUT_SIZE, PROT_READ,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (host == MAP_FAILED)
			fz_fail("no memory for the forward's bank");
	}
	return host;
}

static void bank_protect(u64 phys, u64 len, int prot)
{
	if (mprotect(bank_host() + (phys - OUT_BASE), len, prot))
		fz_fail("mprotect of the bank failed");
}

/* The next page of the bank nothing is recorded on, made writable. */
static int bank_alloc(void *arg, u64 *phys)
{
	struct bank *b = arg;
	u64 size = (u64)1 << b->page_shift;

	while (b->next < OUT_PAGES) {
		u64 p = OUT_BASE + ((u64)b->next++ << b->page_shift);

		if (kho_rmap_overlap_kind(b->rm, p, p + size))
			continue;
		bank_protect(p, size, PROT_READ | PROT_WRITE);
		b->page[b->nr++] = p;
		*phys = p;
		return 0;
	}
	b->exhausted = 1;
	return -KHO_E_NOMEM;
}

/* Zero the pages handed out and make them read-only again. */
static void bank_reset(struct bank *b)
{
	u64 size = (u64)1 << b->page_shift;

	for (unsigned int i = 0; i < b->nr; i++)
		memset(bank_host() + (b->page[i] - OUT_BASE), 0, size);
	if (b->next)
		bank_protect(OUT_BASE, (u64)b->next << b->page_shift, PROT_READ);
}

/* Runs of one walk, collected; sorted and made maximal per order to compare. */
struct fz_run {
	u64 phys, size;
	unsigned int order;
};

struct run_set {
	struct fz_run *r;
	size_t n, cap;
};

struct collect_ctx {
	struct fz_blocks b; /* first: fz_block() checks each run */
	struct run_set *s;
};

static void run_add(struct run_set *s, u64 phys, u64 size, unsigned int order)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 1024;
		struct fz_run *r = realloc(s->r, cap * sizeof(*r));

		if (!r)
			fz_fail("no memory for %zu runs", cap);
		s->r = r;
		s->cap = cap;
	}
	s->r[s->n++] = (struct fz_run){ phys, size, order };
}

static int collect(void *arg, u64 phys, u64 size, unsigned int order)
{
	struct collect_ctx *c = arg;
	int err = fz_block(&c->b, phys, size, order);

	if (!err)
		run_add(c->s, phys, size, order);
	return err;
}

static int run_cmp(const void *a, const void *b)
{
	const struct fz_run *x = a, *y = b;

	if (x->order != y->order)
		return x->order < y->order ? -1 : 1;
	return x->phys < y->phys ? -1 : x->phys > y->phys;
}

/* Sort by order and address, and join runs of one order that touch or overlap. */
static void run_normalise(struct run_set *s)
{
	size_t n = 0;

	if (s->n)
		qsort(s->r, s->n, sizeof(*s->r), run_cmp);
	for (size_t i = 0; i < s->n; i++) {
		struct fz_run *last = n ? &s->r[n - 1] : NULL;
		u64 end = s->r[i].phys + s->r[i].size;

		if (last && last->order == s->r[i].order &&
		    s->r[i].phys <= last->phys + last->size) {
			if (end > last->phys + last->size)
				last->size = end - last->phys;
			continue;
		}
		s->r[n++] = s->r[i];
	}
	s->n = n;
}

static void runs_compare(struct run_set *in, struct run_set *out)
{
	run_normalise(in);
	run_normalise(out);
	for (size_t i = 0; i < in->n || i < out->n; i++) {
		const struct fz_run *a = i < in->n ? &in->r[i] : NULL;
		const struct fz_run *b = i < out->n ? &out->r[i] : NULL;

		if (a && b && a->phys == b->phys && a->size == b->size &&
		    a->order == b->order)
			continue;
		fz_fail("forwarded map differs at run %zu: incoming 0x%llx+0x%llx "
			"order %d, forwarded 0x%llx+0x%llx order %d",
			i, (unsigned long long)(a ? a->phys : 0),
			(unsigned long long)(a ? a->size : 0), a ? (int)a->order : -1,
			(unsigned long long)(b ? b->phys : 0),
			(unsigned long long)(b ? b->size : 0), b ? (int)b->order : -1);
	}
}

/*
 * The incoming map, walked again: every block still preserved in rm, even after a
 * failed forward, and collected in s.
 */
static void collect_incoming(const struct kho_in *in, const struct kho_rmap *rm,
			     struct run_set *s)
{
	struct collect_ctx c = {
		.b = { .mem = in->mem,
		       .rm = rm,
		       .page_shift = in->page_shift,
		       .max_order = kho_abi_max_order(in->abi, in->page_shift) },
		.s = s,
	};
	struct kho_walk w = { .block = collect, .arg = &c };
	int err;

	s->n = 0;
	err = kho_in_walk(in, &w);
	if (err)
		fz_fail("incoming map after the forward: %d (%s)", err,
			kho_strerror(err));
}

/* The new map: its blocks preserved in rm, its pages in the bank, recorded as map. */
static void collect_forwarded(const struct kho_out *out, const struct kho_rmap *rm,
			      struct run_set *s)
{
	static struct kho_range seen_store[SEEN_RANGES];
	struct collect_ctx c = {
		.b = { .mem = out->mem,
		       .rm = rm,
		       .page_shift = out->page_shift,
		       .max_order = kho_abi_max_order(out->abi, out->page_shift),
		       .radix = !kho_abi_is_v1(out->abi) },
		.s = s,
	};
	struct kho_walk w = { .mem = out->mem,
			      .page_shift = out->page_shift,
			      .max_order = c.b.max_order,
			      .block = collect,
			      .arg = &c };
	struct kho_rmap seen;
	int err;

	kho_rmap_init(&seen, seen_store, SEEN_RANGES);
	w.seen = &seen;
	s->n = 0;
	err = kho_abi_is_v1(out->abi)
		      ? kho_v1_walk(&w, out->map, kho_abi_bitmap_bytes(out->abi))
		      : kho_radix_walk(&w, out->map);
	if (err)
		fz_fail("walk of the forwarded map: %d (%s)", err, kho_strerror(err));
	for (unsigned int i = 0; i < seen.nr; i++) {
		const struct kho_range *r = &seen.r[i];

		if (r->start < OUT_BASE || r->end > OUT_BASE + OUT_SIZE ||
		    !fz_covered(rm, r->start, r->end, FZ_K(KHO_KIND_MAP)))
			fz_fail("forwarded map page [0x%llx, 0x%llx) not a map page "
				"of the bank",
				(unsigned long long)r->start, (unsigned long long)r->end);
	}
}

/* What a forward did: err is 0 or -KHO_E_NOMEM with the bank used up. */
static void check_carried(const struct kho_in *in, const struct kho_out *out,
			  const struct kho_rmap *rm, const struct bank *b, int err)
{
	static struct run_set in_runs, out_runs;
	const unsigned int mine = FZ_K(KHO_KIND_MAP) | FZ_K(KHO_KIND_PRESERVED);

	fz_check_rmap(rm);
	fz_check_firmware(rm);
	collect_incoming(in, rm, &in_runs);
	if (err)
		return;
	for (unsigned int i = 0; i < b->nr; i++)
		if (!fz_covered(rm, b->page[i], b->page[i] + ((u64)1 << b->page_shift),
				mine))
			fz_fail("bank page 0x%llx handed out, not recorded",
				(unsigned long long)b->page[i]);
	run_add(&in_runs, out->fdt_phys, (u64)1 << out->page_shift, 0);
	collect_forwarded(out, rm, &out_runs);
	runs_compare(&in_runs, &out_runs);
}

/*
 * Forward an accepted handover as a stage does: a new map in the bank, the
 * incoming blocks carried into it with the reservation map protect filled (a
 * copy, with room for the new pages), then the map written to the new KHO FDT.
 */
static void forward(const struct kho_in *in, const struct kho_rmap *rm,
		    struct kho_mem *mem)
{
	static struct kho_range store[CARRY_RANGES];
	static struct bank bank;
	struct kho_page_alloc pa = { bank_alloc, &bank };
	struct kho_rmap crm;
	struct kho_out out;
	int err;

	if (in->mem != mem || kho_mem_add_window(mem, OUT_BASE, OUT_SIZE, bank_host()))
		fz_fail("the forward's bank refused");
	if (kho_rmap_copy(&crm, store, CARRY_RANGES, rm))
		fz_fail("no room to copy the reservation map");
	bank = (struct bank){ .rm = &crm, .page_shift = in->page_shift };
	err = kho_out_init(&out, mem, in->abi, in->page_shift, &pa, &crm);
	if (!err)
		err = kho_in_carry(in, &out);
	if (!err)
		err = kho_out_finish(&out);
	fz_check_err(err, "forward");
	if (err && (err != -KHO_E_NOMEM || !bank.exhausted))
		fz_fail("forward of an accepted %s handover: %d (%s)",
			kho_abi_name(in->abi), err, kho_strerror(err));
	check_carried(in, &out, &crm, &bank, err);
	bank_reset(&bank);
}

static void consume(const void *dt, struct kho_mem *mem, unsigned int ps,
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
	if (!err)
		forward(&in, &rm, mem);
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
	if (kho_mem_add_ram(&mem, OUT_BASE, OUT_SIZE))
		fz_fail("the forward's bank refused");
	/* As a stage does: the OS DT is checked before anything is read from it. */
	if (!kho_fdt_check(dt, dt_len))
		consume(dt, &mem, fz_page_shift(data[1]),
			(enum kho_abi)(data[0] % KHO_ABI_COUNT));
	fz_window_check(ram, ram_len);
	fz_copy_done(dt, data + FZ_CONSUME_HDR, dt_len, "OS DT");
	return 0;
}
