/* SPDX-License-Identifier: MIT */
/*
 * khotool dma: the DMA allocations a handover preserves, from the "dma-alloc"
 * blob (struct dma_alloc_ser, the dma-direct preserve RFC) and the "khofw"
 * subtree (lib/boot/dma.c: device, coherence, attrs and the firmware's mapping
 * of each allocation), checked against each other, against the map, against the
 * OS DT's /reserved-memory and against everything else the handover holds. The
 * rules are those of docs/dma.md.
 */
#include "khotool.h"
#include <boot/dma.h>
#include <inttypes.h>
#include <kho/err.h>
#include <kho/out.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ALLOCS 256
#define MAX_RUNS (1u << 20)

/* A run of the map: blocks of one order from phys. */
struct run {
	u64 phys, size;
	unsigned int order;
};

struct dctx {
	const struct khotool_handover *h;
	const struct khotool_input *in;
	unsigned int shift;
	const struct dma_alloc_ser *e; /* entries (a copy) */
	unsigned int n;
	struct boot_khofw_dma rec[MAX_ALLOCS];
	unsigned int nrec;
	struct run *runs;
	unsigned int nruns;
	int have_runs; /* the map's blocks could be read (not --live) */
	unsigned int problems;
};

static void problem(struct dctx *c, unsigned int i, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void problem(struct dctx *c, unsigned int i, const char *fmt, ...)
{
	va_list ap;

	printf("    problem: alloc %u: ", i);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	c->problems++;
}

static u64 extent(const struct dctx *c, u64 size)
{
	return (u64)1 << (c->shift + kho_get_order(size, c->shift));
}

static int sane_size(u64 size)
{
	return size && size <= ((u64)1 << 48);
}

/* ---------------------------------------------------------------- inputs */

static int keep_run(void *arg, u64 phys, u64 size, unsigned int order)
{
	struct dctx *c = arg;

	if (c->nruns == MAX_RUNS)
		return -KHO_E_NOSPC;
	c->runs[c->nruns++] = (struct run){ phys, size, order };
	return 0;
}

/* The map's runs (not for --live: Linux has freed the map's pages). */
static void read_runs(struct dctx *c)
{
	struct kho_walk w = { .block = keep_run, .arg = c };

	if (c->h->from_memblock)
		return;
	c->runs = malloc(MAX_RUNS * sizeof(*c->runs));
	c->have_runs = c->runs && !kho_in_walk(&c->h->in, &w);
}

static int keep_record(void *arg, const struct boot_khofw_dma *d)
{
	struct dctx *c = arg;

	if (c->nrec == MAX_ALLOCS)
		return -KHO_E_NOSPC;
	c->rec[c->nrec++] = *d;
	return 0;
}

static const struct kho_blob *find_blob(const struct khotool_handover *h,
					const char *name)
{
	for (unsigned int i = 0; i < h->nr_blobs; i++)
		if (!strcmp(h->blobs[i].name, name))
			return &h->blobs[i];
	return NULL;
}

/* Both blobs, checked as untrusted bytes. 0, or -1 after printing why. */
static int read_blobs(struct dctx *c, const char *cmd)
{
	const struct kho_blob *d = find_blob(c->h, "dma-alloc");
	const struct kho_blob *k = find_blob(c->h, BOOT_KHOFW_BLOB);
	const void *p;
	int err = 0;

	if (d) {
		if (!d->size || d->size % sizeof(*c->e) ||
		    d->size / sizeof(*c->e) > MAX_ALLOCS) {
			khotool_err(cmd,
				    "dma-alloc: size 0x%" PRIx64 " is not 1..%u entries",
				    d->size, MAX_ALLOCS);
			return -1;
		}
		p = kho_mem_ptr(c->h->in.mem, d->phys, d->size, &err);
		if (!p) {
			khotool_err(cmd, "dma-alloc: %s", kho_strerror(err));
			return -1;
		}
		c->n = (unsigned int)(d->size / sizeof(*c->e));
		c->e = p;
		printf("dma-alloc 0x%" PRIx64 " entries %u\n", d->phys, c->n);
	}
	if (k) {
		p = kho_mem_ptr(c->h->in.mem, k->phys, k->size, &err);
		err = p ? boot_khofw_for_each_dma(p, k->size, keep_record, c) : err;
		if (err < 0) {
			khotool_err(cmd, "khofw subtree at 0x%" PRIx64 ": %s", k->phys,
				    kho_strerror(err));
			return -1;
		}
		printf("khofw 0x%" PRIx64 " records %u\n", k->phys, c->nrec);
	}
	return 0;
}

/* --------------------------------------------------------------- output */

static const struct {
	u64 bit;
	const char *name;
} attr_names[] = {
	{ KHO_DMA_ATTR_WEAK_ORDERING, "WEAK_ORDERING" },
	{ KHO_DMA_ATTR_WRITE_COMBINE, "WRITE_COMBINE" },
	{ KHO_DMA_ATTR_NO_KERNEL_MAPPING, "NO_KERNEL_MAPPING" },
	{ KHO_DMA_ATTR_SKIP_CPU_SYNC, "SKIP_CPU_SYNC" },
	{ KHO_DMA_ATTR_FORCE_CONTIGUOUS, "FORCE_CONTIGUOUS" },
	{ KHO_DMA_ATTR_ALLOC_SINGLE_PAGES, "ALLOC_SINGLE_PAGES" },
	{ KHO_DMA_ATTR_NO_WARN, "NO_WARN" },
	{ KHO_DMA_ATTR_PRIVILEGED, "PRIVILEGED" },
	{ KHO_DMA_ATTR_MMIO, "MMIO" },
};

static void print_attrs(u64 attrs)
{
	const char *sep = "";

	printf(" attrs 0x%" PRIx64, attrs);
	if (!attrs)
		return;
	putchar('(');
	for (size_t i = 0; i < sizeof(attr_names) / sizeof(attr_names[0]); i++)
		if (attrs & attr_names[i].bit) {
			printf("%s%s", sep, attr_names[i].name);
			sep = ",";
			attrs &= ~attr_names[i].bit;
		}
	if (attrs)
		printf("%s0x%" PRIx64, sep, attrs);
	putchar(')');
}

static const struct boot_khofw_dma *record_of(const struct dctx *c, unsigned int i)
{
	for (unsigned int r = 0; r < c->nrec; r++)
		if (c->rec[r].index == i)
			return &c->rec[r];
	return NULL;
}

static void print_alloc(const struct dctx *c, unsigned int i)
{
	const struct dma_alloc_ser *e = &c->e[i];
	const struct boot_khofw_dma *r = record_of(c, i);
	unsigned int order = sane_size(e->size) ? kho_get_order(e->size, c->shift) : 0;

	printf("alloc %u phys 0x%" PRIx64 " size 0x%" PRIx64 " order %u pages %" PRIu64,
	       i, e->page_phys, e->size, order, sane_size(e->size) ? (u64)1 << order : 0);
	print_attrs(e->attrs);
	printf(" decrypted %u", e->force_decrypted);
	if (r) {
		printf(" %s mapping ", r->coherent ? "coherent" : "non-coherent");
		khotool_text_str(stdout, r->mapping);
		fputs(" device ", stdout);
		khotool_text_str(stdout, r->device);
		fputs(" name ", stdout);
		khotool_text_str(stdout, r->name);
	}
	putchar('\n');
}

/* ---------------------------------------------------------------- checks */

/* The run holding phys, or NULL. */
static const struct run *run_at(const struct dctx *c, u64 phys)
{
	for (unsigned int k = 0; k < c->nruns; k++)
		if (phys >= c->runs[k].phys && phys - c->runs[k].phys < c->runs[k].size)
			return &c->runs[k];
	return NULL;
}

/* Size/order: one block of get_order(size) at phys, its pages all preserved. */
static void check_block(struct dctx *c, unsigned int i)
{
	const struct dma_alloc_ser *e = &c->e[i];
	u64 ext = extent(c, e->size), at;
	unsigned int order = kho_get_order(e->size, c->shift);
	const struct run *r;

	if (e->page_phys & (ext - 1))
		problem(c, i,
			"phys 0x%" PRIx64 " is not aligned to its block (0x%" PRIx64 ")",
			e->page_phys, ext);
	if (c->have_runs) {
		r = run_at(c, e->page_phys);
		if (!r)
			problem(c, i, "0x%" PRIx64 " is not preserved", e->page_phys);
		else if ((e->page_phys - r->phys) &
			 (((u64)1 << (c->shift + r->order)) - 1))
			problem(c, i,
				"0x%" PRIx64 " is inside an order-%u block, not its head",
				e->page_phys, r->order);
		else if (r->order != order)
			problem(c, i,
				"size/order mismatch: 0x%" PRIx64
				" is preserved as order-%u "
				"block(s), get_order(0x%" PRIx64 ") is %u (%" PRIu64
				" pages)",
				e->page_phys, r->order, e->size, order, (u64)1 << order);
	}
	for (at = e->page_phys; at < e->page_phys + ext; at += (u64)1 << c->shift)
		if (!kho_rmap_covered(&c->h->rm, at, at + ((u64)1 << c->shift),
				      KHO_KIND_PRESERVED))
			break;
	if (at < e->page_phys + ext)
		problem(c, i,
			"page 0x%" PRIx64 " of its %" PRIu64
			" pages is not preserved: the "
			"allocation is [0x%" PRIx64 ", 0x%" PRIx64 ")",
			at, ext >> c->shift, e->page_phys, e->page_phys + ext);
}

/* The khofw record of entry i against the entry. */
static void check_record(struct dctx *c, unsigned int i)
{
	const struct dma_alloc_ser *e = &c->e[i];
	const struct boot_khofw_dma *r = record_of(c, i);

	if (!r) {
		if (c->nrec)
			problem(c, i, "no khofw record");
		return;
	}
	if (r->phys != e->page_phys || r->size != e->size)
		problem(c, i,
			"khofw record %s says phys 0x%" PRIx64 " size 0x%" PRIx64 ", the "
			"entry 0x%" PRIx64 " 0x%" PRIx64,
			r->name, r->phys, r->size, e->page_phys, e->size);
	if (r->order != kho_get_order(e->size, c->shift))
		problem(c, i,
			"khofw record says order %" PRIu64 ", get_order(0x%" PRIx64
			") is %u",
			r->order, e->size, kho_get_order(e->size, c->shift));
	if (r->attrs != e->attrs)
		problem(c, i,
			"attrs mismatch: dma-alloc 0x%" PRIx64
			", khofw record 0x%" PRIx64,
			e->attrs, r->attrs);
	if (r->decrypted != e->force_decrypted)
		problem(c, i, "decrypted mismatch: dma-alloc %u, khofw record %" PRIu64,
			e->force_decrypted, r->decrypted);
	if (!r->coherent && strcmp(r->mapping, BOOT_KHOFW_MAP_NC))
		problem(c, i,
			"non-coherent device's buffer reachable through a cacheable "
			"mapping: "
			"the firmware mapped it '%s', not '" BOOT_KHOFW_MAP_NC "'",
			r->mapping);
}

struct resmem_ctx {
	struct dctx *c;
	unsigned int i;
	int coherent;
};

static int resmem_overlap(void *arg, const struct kho_resmem *r)
{
	struct resmem_ctx *x = arg;
	const struct dma_alloc_ser *e = &x->c->e[x->i];

	if (r->base == KHO_RESMEM_DYNAMIC ||
	    !kho_overlaps(r->base, r->size, e->page_phys, extent(x->c, e->size)))
		return 0;
	if (r->flags & KHO_RESMEM_NO_MAP)
		problem(x->c, x->i,
			"no-map and KHO-preserved: /reserved-memory %s [0x%" PRIx64
			", 0x%" PRIx64 ") takes it out of the linear map the next kernel "
			"restores it through",
			r->name, r->base, r->base + r->size);
	else if (r->flags & KHO_RESMEM_REUSABLE)
		problem(x->c, x->i,
			"inside reusable pool /reserved-memory %s: the kernel hands its "
			"pages "
			"out as ordinary%s memory",
			r->name, x->coherent ? "" : " (cacheable)");
	else
		problem(x->c, x->i,
			"overlaps /reserved-memory %s [0x%" PRIx64 ", 0x%" PRIx64 ")",
			r->name, r->base, r->base + r->size);
	return 0;
}

/* Against the OS DT: no-map, reusable pools, other reservations. */
static void check_resmem(struct dctx *c, unsigned int i)
{
	const struct boot_khofw_dma *r = record_of(c, i);
	struct resmem_ctx x = { c, i, r ? (int)r->coherent : 1 };

	if (c->in->dtb.data)
		kho_dt_for_each_resmem(c->in->dtb.data, resmem_overlap, &x);
}

/* Against the other allocations, the map's own pages, scratch, meta and blobs. */
static void check_overlaps(struct dctx *c, unsigned int i)
{
	const struct dma_alloc_ser *e = &c->e[i];
	u64 start = e->page_phys, ext = extent(c, e->size);
	const struct kho_rmap *rm = &c->h->rm;

	for (unsigned int j = 0; j < c->n; j++)
		if (j != i && sane_size(c->e[j].size) &&
		    kho_overlaps(start, ext, c->e[j].page_phys, extent(c, c->e[j].size)))
			problem(c, i, "overlaps alloc %u", j);
	for (unsigned int k = kho_rmap_lower_bound(rm, start);
	     k < rm->nr && rm->r[k].start < start + ext; k++)
		if (rm->r[k].kind != KHO_KIND_PRESERVED && rm->r[k].end > start)
			problem(c, i, "overlaps %s [0x%" PRIx64 ", 0x%" PRIx64 ")%s%s",
				kho_kind_name(rm->r[k].kind), rm->r[k].start,
				rm->r[k].end, rm->r[k].label ? " " : "",
				rm->r[k].label ? rm->r[k].label : "");
	if (kho_overlaps(start, ext, c->h->in.ch.fdt_phys, (u64)1 << c->shift))
		problem(c, i, "overlaps the KHO FDT page 0x%" PRIx64,
			c->h->in.ch.fdt_phys);
	for (unsigned int b = 0; b < c->h->nr_blobs; b++) {
		const struct kho_blob *bl = &c->h->blobs[b];

		if (bl->size && kho_overlaps(start, ext, bl->phys, bl->size))
			problem(c, i, "overlaps sub-blob %s", bl->name);
	}
}

static void check_orphans(struct dctx *c)
{
	for (unsigned int r = 0; r < c->nrec; r++)
		if (c->rec[r].index >= c->n) {
			printf("    problem: khofw record %s: index %" PRIu64
			       " has no dma-alloc entry\n",
			       c->rec[r].name, c->rec[r].index);
			c->problems++;
		}
}

static void check_all(struct dctx *c)
{
	read_runs(c);
	for (unsigned int i = 0; i < c->n; i++) {
		print_alloc(c, i);
		if (!sane_size(c->e[i].size)) {
			problem(c, i, "size 0x%" PRIx64 " (0, or over 2^48)",
				c->e[i].size);
			continue;
		}
		check_block(c, i);
		check_record(c, i);
		check_resmem(c, i);
		check_overlaps(c, i);
	}
	check_orphans(c);
	if (!c->have_runs && c->n)
		printf("# block orders not checked: %s\n",
		       c->h->from_memblock ? "--live (the map's pages are freed)"
					   : "the map could not be read");
}

static int dma(const struct khotool_cmd *cmd, const struct khotool_opts *o)
{
	struct khotool_input in;
	struct khotool_handover h;
	struct dctx *c = calloc(1, sizeof(*c));
	int status = c ? khotool_open(cmd->name, o, &in, &h) : KHOTOOL_EXIT_USAGE;

	if (!status) {
		c->h = &h;
		c->in = &in;
		c->shift = o->page_shift;
		status =
			read_blobs(c, cmd->name) ? KHOTOOL_EXIT_INVALID : KHOTOOL_EXIT_OK;
	}
	if (!status && !c->n && !c->nrec)
		printf("no DMA allocations\n");
	if (!status) {
		check_all(c);
		if (c->problems)
			khotool_err(cmd->name, "%u inconsistenc%s", c->problems,
				    c->problems == 1 ? "y" : "ies");
		status = c->problems ? KHOTOOL_EXIT_INVALID : KHOTOOL_EXIT_OK;
	}
	if (c) {
		khotool_close(&in, &h);
		free(c->runs);
	}
	free(c);
	return status;
}

static const char manual[] =
	"NAME\n"
	"    khotool dma - list a handover's preserved DMA allocations and check them\n"
	"\n"
	"SYNOPSIS\n"
	"    khotool dma --dtb FILE --ram FILE@ADDR [--ram FILE@ADDR ...]\n"
	"                [--abi ABI] [--page-size SIZE]\n"
	"    khotool dma --live | --live-out [--page-size SIZE]\n"
	"\n"
	"DESCRIPTION\n"
	"    Validates the handover as 'khotool check' does, then reads its DMA\n"
	"    allocations: the \"dma-alloc\" blob's struct dma_alloc_ser entries (the\n"
	"    dma-direct preserve RFC: phys, size, DMA attrs, force_decrypted) and,\n"
	"    when present, the \"khofw\" subtree a khofw firmware adds (an FDT,\n"
	"    compatible khofw-v1, one node per allocation: index, phys, size, order,\n"
	"    attrs, coherent, decrypted, device, mapping). Each allocation preserves\n"
	"    1 << get_order(size) pages as one naturally aligned block. It is\n"
	"    inconsistent, and reported, when:\n"
	"      - size/order: the map holds no block at phys, or a block of another\n"
	"        order than get_order(size), or a page of the allocation is not\n"
	"        preserved, or phys is not aligned to its block;\n"
	"      - the khofw record disagrees with the entry (phys, size, order, attrs,\n"
	"        decrypted), an entry has no record, or a record no entry;\n"
	"      - a non-coherent device's buffer is reachable through a cacheable\n"
	"        mapping. A DT cannot say how a kernel maps memory beyond its linear\n"
	"        map, which is cacheable for all RAM and which the next kernel needs\n"
	"        to restore the buffer; what can be checked is (a) the firmware's own\n"
	"        record: mapping must be \"nc\" (Normal non-cacheable, no cacheable\n"
	"        alias) for a non-coherent device, and (b) /reserved-memory of the\n"
	"        OS DT: a reusable pool (CMA) over the buffer hands its pages out as\n"
	"        ordinary cacheable memory;\n"
	"      - the buffer is no-map in /reserved-memory: no-map and KHO-preserved\n"
	"        contradict each other (the restore needs the linear map);\n"
	"      - it overlaps another allocation, another /reserved-memory region,\n"
	"        the map's own pages, scratch, the KHO FDT, the scratch array or a\n"
	"        sub-blob.\n"
	"    With --live the map's pages are gone (Linux frees them), so block orders\n"
	"    are not checked; coverage by preserved memory still is.\n"
	"\n";

static const char manual_end[] =
	"OUTPUT\n"
	"        dma-alloc ADDR entries N\n"
	"        khofw ADDR records N\n"
	"        alloc I phys ADDR size SIZE order N pages N attrs ATTRS[(NAMES)]\n"
	"              decrypted 0|1 [coherent|non-coherent mapping MAP device PATH\n"
	"              name NODE]                 one line per entry\n"
	"            problem: alloc I: WHAT       each inconsistency, after its alloc\n"
	"    or 'no DMA allocations'. Addresses and sizes are lowercase hex with 0x.\n"
	"\n"
	"EXIT STATUS\n"
	"    0   the allocations are consistent (or there are none)\n"
	"    1   the handover is invalid, a blob is malformed, or an allocation is\n"
	"        inconsistent (the count on stderr)\n"
	"    2   usage error, or an input file is missing or malformed\n";

const struct khotool_cmd khotool_cmd_dma = {
	.name = "dma",
	.summary = "list preserved DMA allocations and check them",
	.manual = manual,
	.manual_end = manual_end,
	.run = dma,
};
