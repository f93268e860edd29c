/* SPDX-License-Identifier: MIT */
/*
 * khotool diff: what changed from one handover (a) to another (b): the ABI, where
 * the KHO FDT and the scratch array are, sub-blobs added, removed, moved or with
 * other bytes, preserved memory added or removed (byte-exact, however either
 * side splits it into blocks), and scratch areas. Lines read like diff(1): '-'
 * for what only a has, '+' for what only b has, '~' for a blob changed in place.
 */
#include "khotool.h"
#include <inttypes.h>
#include <kho/err.h>
#include <kho/version.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

struct side {
	struct khotool_input in;
	struct khotool_handover h;
	struct khotool_line *l;
	size_t n;
};

struct dctx {
	FILE *out;
	unsigned int changes;
};

static void line(struct dctx *d, char sign, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void line(struct dctx *d, char sign, const char *fmt, ...)
{
	va_list ap;

	fprintf(d->out, "%c ", sign);
	va_start(ap, fmt);
	vfprintf(d->out, fmt, ap);
	va_end(ap);
	fputc('\n', d->out);
	d->changes++;
}

static void diff_head(struct dctx *d, const struct side *a, const struct side *b)
{
	const struct kho_in *x = &a->h.in, *y = &b->h.in;

	if (x->abi != y->abi) {
		line(d, '-', "abi %s", kho_abi_name(x->abi));
		line(d, '+', "abi %s", kho_abi_name(y->abi));
	}
	if (x->ch.fdt_phys != y->ch.fdt_phys || x->ch.fdt_len != y->ch.fdt_len) {
		line(d, '-', "kho-fdt 0x%" PRIx64 " len 0x%" PRIx64, x->ch.fdt_phys,
		     x->ch.fdt_len);
		line(d, '+', "kho-fdt 0x%" PRIx64 " len 0x%" PRIx64, y->ch.fdt_phys,
		     y->ch.fdt_len);
	}
	if (x->ch.scratch_phys != y->ch.scratch_phys ||
	    x->ch.scratch_len != y->ch.scratch_len) {
		line(d, '-', "scratch-array 0x%" PRIx64 " len 0x%" PRIx64,
		     x->ch.scratch_phys, x->ch.scratch_len);
		line(d, '+', "scratch-array 0x%" PRIx64 " len 0x%" PRIx64,
		     y->ch.scratch_phys, y->ch.scratch_len);
	}
}

static const struct kho_blob *find_blob(const struct side *s, const char *name)
{
	for (unsigned int i = 0; i < s->h.nr_blobs; i++)
		if (!strcmp(s->h.blobs[i].name, name))
			return &s->h.blobs[i];
	return NULL;
}

static void blob_line(struct dctx *d, char sign, const struct kho_blob *b)
{
	fprintf(d->out, "%c blob ", sign);
	khotool_text_str(d->out, b->name);
	fprintf(d->out, " 0x%" PRIx64 " size 0x%" PRIx64 "\n", b->phys, b->size);
	d->changes++;
}

/* Same size on both sides: compare the bytes, where both can be read. */
static void blob_bytes(struct dctx *d, const struct side *a, const struct kho_blob *x,
		       const struct side *b, const struct kho_blob *y)
{
	const void *p = kho_mem_ptr(&a->in.mem, x->phys, x->size, NULL);
	const void *q = kho_mem_ptr(&b->in.mem, y->phys, y->size, NULL);

	if (!x->size || (p && q && !memcmp(p, q, x->size)))
		return;
	fputs("~ blob ", d->out);
	khotool_text_str(d->out, x->name);
	if (p && q)
		fputs(" bytes differ\n", d->out);
	else
		fprintf(d->out, " bytes unreadable in %c\n", p ? 'b' : 'a');
	d->changes++;
}

static void diff_blobs(struct dctx *d, const struct side *a, const struct side *b)
{
	for (unsigned int i = 0; i < a->h.nr_blobs; i++) {
		const struct kho_blob *x = &a->h.blobs[i], *y = find_blob(b, x->name);

		if (!y) {
			blob_line(d, '-', x);
			continue;
		}
		if (x->phys != y->phys || x->size != y->size) {
			blob_line(d, '-', x);
			blob_line(d, '+', y);
		}
		if (x->size == y->size)
			blob_bytes(d, a, x, b, y);
	}
	for (unsigned int i = 0; i < b->h.nr_blobs; i++)
		if (!find_blob(a, b->h.blobs[i].name))
			blob_line(d, '+', &b->h.blobs[i]);
}

/* The ranges of kind on one side: sorted and disjoint, as the reservation map is. */
struct spans {
	u64 (*r)[2];
	size_t n;
};

static int spans_of(const struct side *s, unsigned int kind, struct spans *sp)
{
	sp->n = 0;
	sp->r = malloc((s->n + 1) * sizeof(*sp->r));
	if (!sp->r)
		return -1;
	for (size_t i = 0; i < s->n; i++)
		if (s->l[i].kind == kind) {
			sp->r[sp->n][0] = s->l[i].start;
			sp->r[sp->n][1] = s->l[i].end;
			sp->n++;
		}
	return 0;
}

/* Print the parts of x's ranges that y's ranges do not cover. */
static void subtract(struct dctx *d, char sign, const char *what, const struct spans *x,
		     const struct spans *y)
{
	size_t j = 0;

	for (size_t i = 0; i < x->n; i++) {
		u64 cur = x->r[i][0], end = x->r[i][1];

		for (; j < y->n && y->r[j][1] <= cur; j++)
			;
		for (size_t k = j; k < y->n && y->r[k][0] < end && cur < end; k++) {
			if (y->r[k][0] > cur)
				line(d, sign, "%s 0x%" PRIx64 " 0x%" PRIx64, what, cur,
				     y->r[k][0]);
			cur = y->r[k][1];
		}
		if (cur < end)
			line(d, sign, "%s 0x%" PRIx64 " 0x%" PRIx64, what, cur, end);
	}
}

/* Preserved memory only one side has. */
static int diff_preserved(struct dctx *d, const struct side *a, const struct side *b)
{
	struct spans x, y;
	int err = spans_of(a, KHO_KIND_PRESERVED, &x);

	if (!err && spans_of(b, KHO_KIND_PRESERVED, &y)) {
		free(x.r);
		err = -1;
	}
	if (err)
		return -1;
	subtract(d, '-', "preserved", &x, &y);
	subtract(d, '+', "preserved", &y, &x);
	free(x.r);
	free(y.r);
	return 0;
}

static int has_area(const struct kho_in *in, const struct kho_scratch *s)
{
	for (u64 i = 0; i < in->nr_scratch; i++)
		if (in->scratch[i].addr == s->addr && in->scratch[i].size == s->size)
			return 1;
	return 0;
}

/* Scratch areas (the non-empty entries) only one side has. */
static void scratch_only(struct dctx *d, char sign, const struct kho_in *x,
			 const struct kho_in *y)
{
	for (u64 i = 0; i < x->nr_scratch; i++)
		if (x->scratch[i].size && !has_area(y, &x->scratch[i]))
			line(d, sign, "scratch 0x%" PRIx64 " size 0x%" PRIx64,
			     x->scratch[i].addr, x->scratch[i].size);
}

static const char *describe(const struct khotool_src *s)
{
	return s->live == KHOTOOL_LIVE_IN ? "live" : s->live ? "live-out" : s->dtb;
}

static int compare(const struct khotool_opts *o, struct side *a, struct side *b)
{
	struct dctx d = { NULL, 0 };
	char *text = NULL;
	size_t len = 0;

	d.out = open_memstream(&text, &len);
	if (!d.out)
		return -1;
	diff_head(&d, a, b);
	diff_blobs(&d, a, b);
	if (diff_preserved(&d, a, b)) {
		fclose(d.out);
		free(text);
		return -1;
	}
	scratch_only(&d, '-', &a->h.in, &b->h.in);
	scratch_only(&d, '+', &b->h.in, &a->h.in);
	fclose(d.out);
	if (d.changes)
		printf("--- a: %s\n+++ b: %s\n%s", describe(&o->src[0]),
		       describe(&o->src[1]), text);
	free(text);
	return d.changes ? 1 : 0;
}

static int diff(const struct khotool_cmd *cmd, const struct khotool_opts *o)
{
	struct side s[2];
	int status, r = -1;

	memset(s, 0, sizeof(s));
	status = khotool_open_src(cmd->name, o, 0, &s[0].in, &s[0].h);
	if (!status)
		status = khotool_open_src(cmd->name, o, 1, &s[1].in, &s[1].h);
	if (!status) {
		s[0].l = khotool_lines(&s[0].h, &s[0].n);
		s[1].l = khotool_lines(&s[1].h, &s[1].n);
		if (s[0].l && s[1].l)
			r = compare(o, &s[0], &s[1]);
		if (r < 0)
			khotool_err(cmd->name, "out of memory");
	}
	for (int i = 0; i < 2; i++) {
		free(s[i].l);
		khotool_close(&s[i].in, &s[i].h);
	}
	/* Like diff(1): 1 only for "different", trouble of any kind is 2. */
	if (status)
		return KHOTOOL_EXIT_USAGE;
	return r < 0 ? KHOTOOL_EXIT_USAGE : r ? KHOTOOL_EXIT_INVALID : KHOTOOL_EXIT_OK;
}

static const char manual[] =
	"NAME\n"
	"    khotool diff - what changed between two KHO handovers\n"
	"\n"
	"SYNOPSIS\n"
	"    khotool diff --a-dtb FILE --a-ram FILE@ADDR [--a-ram ...] [--a-abi ABI]\n"
	"                 --b-dtb FILE --b-ram FILE@ADDR [--b-ram ...] [--b-abi ABI]\n"
	"                 [--page-size SIZE]\n"
	"    khotool diff --a-live | --a-live-out | --a-dtb ... \\\n"
	"                 --b-live | --b-live-out | --b-dtb ...\n"
	"\n"
	"DESCRIPTION\n"
	"    Reads and validates two handovers, a and b, and prints what differs:\n"
	"    the ABI, the places of the KHO FDT and of the scratch array, sub-blobs\n"
	"    (added, removed, moved or resized, other bytes), the preserved memory\n"
	"    (byte ranges added or removed, whatever their split into blocks) and\n"
	"    the scratch areas. The map's own pages are not compared: they are\n"
	"    allocated anew for every handover.\n"
	"\n"
	"    Each handover takes the input options below with a- or b- after the\n"
	"    dashes: --a-dtb, --a-ram, --a-abi, --a-live, --a-live-out, and the same\n"
	"    with b. --page-size and --live-root apply to both.\n"
	"\n";

static const char manual_end[] =
	"OUTPUT\n"
	"    Nothing if the handovers are the same. Otherwise two header lines\n"
	"        --- a: DESCRIPTION\n"
	"        +++ b: DESCRIPTION\n"
	"    (the DTB's path, live or live-out), then one line per difference,\n"
	"    '-' for what only a has, '+' for what only b has:\n"
	"        -|+ abi NAME\n"
	"        -|+ kho-fdt PHYS len LEN\n"
	"        -|+ scratch-array PHYS len LEN\n"
	"        -|+ blob NAME PHYS size SIZE     added, removed, moved or resized\n"
	"        ~ blob NAME bytes differ         same size, other content\n"
	"        ~ blob NAME bytes unreadable in a|b\n"
	"        -|+ preserved START END          end exclusive\n"
	"        -|+ scratch ADDR size SIZE\n"
	"\n"
	"EXIT STATUS\n"
	"    0   the handovers are the same\n"
	"    1   they differ\n"
	"    2   usage error, an input file is missing or malformed, or either\n"
	"        handover is invalid ('khotool: diff: a|b: ERROR (stage: STAGE)')\n"
	"\n"
	"EXAMPLE\n"
	"    khotool diff --a-dtb before.dtb --a-ram before.bin@0x40000000 \\\n"
	"                 --b-dtb after.dtb --b-ram after.bin@0x40000000\n";

const struct khotool_cmd khotool_cmd_diff = {
	.name = "diff",
	.summary = "what changed between two handovers; exit 1 if they differ",
	.manual = manual,
	.manual_end = manual_end,
	.extra_opts = KHOTOOL_OPT_TWO,
	.run = diff,
};
