/* SPDX-License-Identifier: MIT */
/*
 * khotool map: physical memory as a picture. What the handover claims comes from
 * its range lines (preserved blocks, map pages, scratch, KHO metadata, sub-blobs);
 * what else holds memory comes from the DT (/reserved-memory: CMA, no-map
 * firmware, other reservations; /chosen's initrd) and from the command line (the
 * kernel, more firmware, where the DTB itself lies). svg.c draws it.
 */
#include "map.h"
#include <errno.h>
#include <inttypes.h>
#include <kho/err.h>
#include <kho/version.h>
#include <libfdt.h>
#include <stdlib.h>
#include <string.h>

int map_add(struct map_pic *p, u64 start, u64 end, unsigned int kind, const char *label)
{
	struct map_region *grown;

	if (end <= start)
		return 0;
	if (p->n == p->cap) {
		grown = realloc(p->r, (p->cap ? 2 * p->cap : 256) * sizeof(*p->r));
		if (!grown)
			return -1;
		p->r = grown;
		p->cap = p->cap ? 2 * p->cap : 256;
	}
	p->r[p->n].start = start;
	p->r[p->n].end = end;
	p->r[p->n].kind = kind;
	p->r[p->n].label = label;
	p->n++;
	return 0;
}

static unsigned int line_kind(const struct khotool_line *l)
{
	switch (l->kind) {
	case 0:
		return MAP_BLOB;
	case KHO_KIND_PRESERVED:
		return MAP_PRESERVED;
	case KHO_KIND_MAP:
		return MAP_MAP;
	case KHO_KIND_SCRATCH:
		return MAP_SCRATCH;
	default:
		return MAP_META;
	}
}

static int add_handover(struct map_pic *p, const struct khotool_handover *h)
{
	size_t n;
	struct khotool_line *l = khotool_lines(h, &n);
	int err = l ? 0 : -1;

	for (size_t i = 0; i < n && !err; i++) {
		unsigned int kind = line_kind(&l[i]);
		const char *label = NULL;

		if (kind == MAP_BLOB)
			label = l[i].name;
		else if (kind == MAP_META)
			label = l[i].label ? l[i].label : l[i].name;

		err = map_add(p, l[i].start, l[i].end, kind, label);
	}
	free(l);
	return err;
}

static int add_resmem(void *arg, const struct kho_resmem *r)
{
	struct map_pic *p = arg;
	unsigned int kind = MAP_RESERVED;

	if (r->base == KHO_RESMEM_DYNAMIC) {
		p->floating++;
		return 0;
	}
	if (r->base + r->size < r->base)
		return -KHO_E_WRAP;
	if (r->flags & KHO_RESMEM_NO_MAP)
		kind = MAP_FIRMWARE;
	else if (r->flags & KHO_RESMEM_CMA)
		kind = MAP_CMA;
	return map_add(p, r->base, r->base + r->size, kind, r->name) ? -KHO_E_NOSPC : 0;
}

/* /chosen linux,initrd-start and -end: one or two big-endian cells each. */
static int add_initrd(struct map_pic *p, const void *dt)
{
	int node = fdt_path_offset(dt, "/chosen"), ls, le;
	const fdt32_t *s =
		node < 0 ? NULL : fdt_getprop(dt, node, "linux,initrd-start", &ls);
	const fdt32_t *e =
		node < 0 ? NULL : fdt_getprop(dt, node, "linux,initrd-end", &le);
	u64 start, end;

	if (!s || !e || (ls != 4 && ls != 8) || (le != 4 && le != 8))
		return 0;
	start = ls == 8 ? (u64)fdt32_to_cpu(s[0]) << 32 | fdt32_to_cpu(s[1])
			: fdt32_to_cpu(s[0]);
	end = le == 8 ? (u64)fdt32_to_cpu(e[0]) << 32 | fdt32_to_cpu(e[1])
		      : fdt32_to_cpu(e[0]);
	return map_add(p, start, end, MAP_INITRD, NULL);
}

static int add_system(struct map_pic *p, const struct khotool_input *in,
		      const struct khotool_opts *o, const char *cmd)
{
	int err = kho_dt_for_each_resmem(in->dtb.data, add_resmem, p);

	if (err < 0) {
		khotool_err(cmd, "%s: /reserved-memory: %s", in->dtb.path,
			    kho_strerror(err));
		return -1;
	}
	err = add_initrd(p, in->dtb.data);
	if (!err && o->has_dtb_addr)
		err = map_add(p, o->dtb_addr, o->dtb_addr + fdt_totalsize(in->dtb.data),
			      MAP_DTB, NULL);
	if (!err && o->has_kernel)
		err = map_add(p, o->kernel.base, o->kernel.base + o->kernel.size,
			      MAP_KERNEL, NULL);
	for (unsigned int i = 0; i < o->nr_firmware && !err; i++)
		err = map_add(p, o->firmware[i].base,
			      o->firmware[i].base + o->firmware[i].size, MAP_FIRMWARE,
			      "--firmware");
	if (err)
		khotool_err(cmd, "out of memory");
	return err ? -1 : 0;
}

static int cmp_region(const void *a, const void *b)
{
	const struct map_region *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->end < y->end ? -1 : x->end > y->end;
}

static void count_outside(struct map_pic *p)
{
	for (size_t i = 0; i < p->n; i++) {
		int in_ram = 0;

		for (unsigned int b = 0; b < p->mem->nr_ram && !in_ram; b++)
			in_ram = kho_overlaps(p->r[i].start, p->r[i].end - p->r[i].start,
					      p->mem->ram[b].base, p->mem->ram[b].size);
		p->outside += !in_ram;
	}
}

static const char *source(const struct khotool_src *s)
{
	if (s->live)
		return s->live == KHOTOOL_LIVE_IN ? "the running system (--live)"
						  : "the running system (--live-out)";
	return s->dtb;
}

static void titles(struct map_pic *p, const struct khotool_handover *h,
		   const struct khotool_src *s)
{
	char ram[24], pres[24];
	u64 scratch = kho_rmap_total(&h->rm, KHO_KIND_SCRATCH);
	char scr[24];

	map_size_str(ram, kho_mem_ram_size(p->mem));
	map_size_str(pres, h->stats.preserved_bytes);
	map_size_str(scr, scratch);
	snprintf(p->title, sizeof(p->title),
		 "KHO handover %s (%s): %s of RAM in %u bank%s", kho_abi_name(h->in.abi),
		 kho_abi_compatible(h->in.abi), ram, p->mem->nr_ram,
		 p->mem->nr_ram == 1 ? "" : "s");
	snprintf(p->detail, sizeof(p->detail),
		 "%" PRIu64 " preserved blocks (%s), %" PRIu64
		 " map pages, %u sub-blobs, "
		 "scratch %s; read from %s",
		 h->stats.blocks, pres, h->stats.map_pages, h->nr_blobs, scr, source(s));
}

static int write_svg(const struct map_pic *p, const char *path, const char *cmd)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "w") : stdout;
	int err;

	if (!f) {
		khotool_err(cmd, "%s: %s", path, strerror(errno));
		return KHOTOOL_EXIT_USAGE;
	}
	err = map_svg(f, p);
	if (err)
		khotool_err(cmd, "out of memory");
	if (f == stdout ? fflush(f) : fclose(f)) {
		khotool_err(cmd, "%s: %s", path, strerror(errno));
		err = -1;
	}
	return err ? KHOTOOL_EXIT_USAGE : KHOTOOL_EXIT_OK;
}

static int map(const struct khotool_cmd *cmd, const struct khotool_opts *o)
{
	struct khotool_input in;
	struct khotool_handover h;
	struct map_pic p;
	int status = khotool_open(cmd->name, o, &in, &h);

	memset(&p, 0, sizeof(p));
	p.mem = &in.mem;
	p.page_shift = o->page_shift;
	p.log = o->log;
	if (!status && (add_handover(&p, &h) || add_system(&p, &in, o, cmd->name)))
		status = KHOTOOL_EXIT_USAGE;
	if (!status) {
		qsort(p.r, p.n, sizeof(*p.r), cmp_region);
		count_outside(&p);
		titles(&p, &h, &o->src[0]);
		status = write_svg(&p, o->svg, cmd->name);
	}
	free(p.r);
	khotool_close(&in, &h);
	return status;
}

static const char manual[] =
	"NAME\n"
	"    khotool map - draw physical memory and a KHO handover in it as SVG\n"
	"\n"
	"SYNOPSIS\n"
	"    khotool map --svg FILE [--log] [--kernel ADDR:SIZE] [--dtb-addr ADDR]\n"
	"                [--firmware ADDR:SIZE ...] --dtb FILE --ram FILE@ADDR ...\n"
	"    khotool map --svg FILE [--log] [...] --live | --live-out\n"
	"\n"
	"DESCRIPTION\n"
	"    Validates the handover as 'khotool check' does and draws one row per\n"
	"    RAM bank, all rows to one scale. Each row has three lanes:\n"
	"        marks          where each sub-blob lies\n"
	"        handover       scratch areas, preserved blocks, the map's pages and\n"
	"                       the KHO FDT, scratch array and other KHO data\n"
	"        system         CMA pools, other /reserved-memory, firmware (no-map\n"
	"                       regions and --firmware), kernel, initrd, DTB\n"
	"    Ranges narrower than a pixel lying within a pixel of each other are\n"
	"    merged into one striped band whose hover title counts them, so a map\n"
	"    of many thousand blocks stays a few hundred shapes. Every shape has a\n"
	"    <title> (the hover text in a browser) with its addresses and size.\n"
	"    Address labels mark the bank ends and round addresses in between.\n"
	"\n";

static const char manual_end[] =
	"MAP OPTIONS\n"
	"    --svg FILE\n"
	"        Write the picture to FILE ('-' for stdout). Required.\n"
	"\n"
	"    --log\n"
	"        Make each range's width grow with log2 of its size instead of with\n"
	"        its size, and every bank as wide as the picture: small ranges become\n"
	"        visible next to large ones; positions are no longer to scale.\n"
	"\n"
	"    --kernel ADDR:SIZE\n"
	"        Draw the kernel image at ADDR (it is in no DT).\n"
	"\n"
	"    --dtb-addr ADDR\n"
	"        Draw the DTB itself at ADDR, as long as its header says.\n"
	"\n"
	"    --firmware ADDR:SIZE\n"
	"        Draw firmware memory the DT does not list as no-map; up to 16 times.\n"
	"\n"
	"    The initrd comes from /chosen linux,initrd-start and linux,initrd-end,\n"
	"    CMA from /reserved-memory nodes compatible with shared-dma-pool and\n"
	"    reusable, firmware from no-map nodes; other nodes and /memreserve/\n"
	"    entries are drawn as reserved-memory. Nodes without a fixed address and\n"
	"    ranges outside RAM are not drawn; a note at the bottom counts them.\n"
	"\n"
	"EXIT STATUS\n"
	"    0   the picture was written\n"
	"    1   the handover is invalid: 'khotool: map: ERROR (stage: STAGE)' on\n"
	"        stderr; no picture\n"
	"    2   usage error, an input file is missing, unreadable or malformed, or\n"
	"        FILE cannot be written\n"
	"\n"
	"EXAMPLE\n"
	"    khotool map --svg kho.svg --kernel 0x40200000:0x2000000 \\\n"
	"                --dtb os.dtb --ram ram.bin@0x40000000\n"
	"    rsvg-convert -o kho.png kho.svg\n";

const struct khotool_cmd khotool_cmd_map = {
	.name = "map",
	.summary = "draw physical memory and the handover in it as SVG",
	.manual = manual,
	.manual_end = manual_end,
	.extra_opts = KHOTOOL_OPT_MAP,
	.run = map,
};
