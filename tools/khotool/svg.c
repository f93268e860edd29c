/* SPDX-License-Identifier: MIT */
/*
 * The memory-map picture as hand-written SVG: one row per RAM bank, drawn to one
 * scale (or, with log widths, each range as wide as log2 of its size). A row has
 * three lanes: sub-blob marks; the handover (scratch, preserved blocks, map pages,
 * KHO metadata); the rest of the system (CMA, reserved-memory, firmware, kernel,
 * initrd, DTB). Ranges narrower than a pixel that lie within a pixel of each other
 * merge into one striped "density band" whose hover title counts them, so 10k
 * preserved blocks cost a few shapes, not 10k. Every shape has a <title>.
 */
#include "map.h"
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define SVG_W 1200
#define ML 20.0	  /* left margin */
#define BW 1160.0 /* bar width */
#define TOP 118.0 /* title, detail line and legend above the rows */
#define ROW_H 118.0
#define MINPX 1.0	/* narrower than this is "sub-pixel" */
#define LABEL_GAP 60.0	/* least distance between round-address labels */
#define LOG_SEGMENTS 96 /* at most this many log-weighted segments per row */

struct style {
	const char *id;
	const char *name;
	const char *color;
	int lane;
};

static const struct style styles[MAP_KIND_COUNT] = {
	[MAP_SCRATCH] = { "scratch", "scratch", "#a6dba0", 1 },
	[MAP_PRESERVED] = { "preserved", "preserved", "#2166ac", 1 },
	[MAP_MAP] = { "map", "map pages", "#f28e2b", 1 },
	[MAP_META] = { "meta", "KHO FDT, scratch array, other KHO data", "#762a83", 1 },
	[MAP_CMA] = { "cma", "CMA", "#41b6c4", 2 },
	[MAP_RESERVED] = { "reserved", "reserved-memory", "#a0a0a0", 2 },
	[MAP_FIRMWARE] = { "firmware", "firmware (no-map)", "#8c510a", 2 },
	[MAP_KERNEL] = { "kernel", "kernel", "#d7191c", 2 },
	[MAP_INITRD] = { "initrd", "initrd", "#e7298a", 2 },
	[MAP_DTB] = { "dtb", "DTB", "#b8b800", 2 },
	[MAP_BLOB] = { "blob", "sub-blob", "#222222", 0 },
};

/* Lane geometry, relative to a row's top: y and height. */
static const double lane_y[3] = { 22, 34, 68 };
static const double lane_h[3] = { 9, 32, 16 };
#define RAM_Y 32.0
#define RAM_H 54.0
#define AXIS_Y 90.0

/* A row: breakpoints bp[0] = base < ... < bp[m-1] = end and their x. */
struct row {
	u64 base;
	u64 end;
	u64 *bp;
	double *x;
	size_t m;
};

struct draw {
	FILE *f;
	const struct map_pic *p;
	const struct row *rw;
	double top;
	unsigned int used;  /* kinds drawn, bit per kind */
	unsigned int bands; /* kinds drawn as a density band */
};

void map_size_str(char buf[24], u64 size)
{
	static const char *const units[] = {
		"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"
	};
	unsigned int u = 0;
	u64 whole = size, rest = 0;

	while (whole >= 1024 && u < 6) {
		rest = whole & 1023;
		whole >>= 10;
		u++;
	}
	if (!rest || whole >= 100)
		snprintf(buf, 24, "%" PRIu64 " %s", whole, units[u]);
	else
		snprintf(buf, 24, "%" PRIu64 ".%" PRIu64 " %s", whole, rest * 10 / 1024,
			 units[u]);
}

/* Untrusted text (DT and handover names) into XML: markup escaped, odd bytes \xNN. */
static void esc(FILE *f, const char *s)
{
	for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
		if (*c == '&')
			fputs("&amp;", f);
		else if (*c == '<')
			fputs("&lt;", f);
		else if (*c == '>')
			fputs("&gt;", f);
		else if (*c == '"')
			fputs("&quot;", f);
		else if (*c < 0x20 || *c >= 0x7f)
			fprintf(f, "\\x%02x", *c);
		else
			fputc(*c, f);
	}
}

/* log2(v) for v >= 1: exact at powers of two, linear between; no libm needed. */
static double lg(double v)
{
	double e = 0;

	for (; v >= 2; v /= 2)
		e += 1;
	return e + (v - 1);
}

static int cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/*
 * Log widths: which edges become breakpoints, given a gap. Each region at least
 * gap bytes long keeps both edges; runs of shorter regions less than gap apart
 * form one cluster, and only the cluster's ends count (it is drawn linearly
 * inside). Without clusters ten thousand scattered pages would be ten thousand
 * log-weighted segments and crowd out everything else.
 */
static size_t log_edges(struct row *rw, const struct map_pic *p, u64 gap)
{
	u64 cs = 0, ce = 0, s, e;
	size_t n = 0;
	int open = 0;

	rw->bp[n++] = rw->base;
	rw->bp[n++] = rw->end;
	for (size_t i = 0; i < p->n; i++) {
		s = p->r[i].start > rw->base ? p->r[i].start : rw->base;
		e = p->r[i].end < rw->end ? p->r[i].end : rw->end;
		if (s >= e)
			continue;
		if (e - s < gap && open && s < ce + gap) {
			ce = e > ce ? e : ce;
			continue;
		}
		if (open) {
			rw->bp[n++] = cs;
			rw->bp[n++] = ce;
		}
		open = e - s < gap;
		cs = s;
		ce = e;
		if (!open) {
			rw->bp[n++] = s;
			rw->bp[n++] = e;
		}
	}
	if (open) {
		rw->bp[n++] = cs;
		rw->bp[n++] = ce;
	}
	return n;
}

/* Sort and deduplicate the first n breakpoints into rw->m. */
static void row_unique(struct row *rw, size_t n)
{
	qsort(rw->bp, n, sizeof(*rw->bp), cmp_u64);
	rw->m = 1;
	for (size_t i = 1; i < n; i++)
		if (rw->bp[i] != rw->bp[rw->m - 1])
			rw->bp[rw->m++] = rw->bp[i];
}

/*
 * Breakpoints of bank b and their x: to scale, or with log widths, clustering
 * with the smallest gap (0, a page, doubling) that leaves at most LOG_SEGMENTS.
 */
static int row_build(struct row *rw, const struct map_pic *p, const struct kho_bank *b,
		     double lin_scale)
{
	double w, total = 0, page = (double)((u64)1 << p->page_shift);
	u64 gap = 0;

	rw->base = b->base;
	rw->end = b->base + b->size;
	rw->bp = malloc((2 * p->n + 2) * sizeof(*rw->bp));
	rw->x = malloc((2 * p->n + 2) * sizeof(*rw->x));
	if (!rw->bp || !rw->x)
		return -1;
	rw->bp[0] = rw->base;
	rw->bp[1] = rw->end;
	row_unique(rw, 2);
	while (p->log) {
		row_unique(rw, log_edges(rw, p, gap));
		if (rw->m <= LOG_SEGMENTS + 1 || gap >= b->size)
			break;
		gap = gap ? 2 * gap : (u64)1 << p->page_shift;
	}
	rw->x[0] = 0;
	for (size_t k = 1; k < rw->m; k++) {
		w = (double)(rw->bp[k] - rw->bp[k - 1]);
		total += p->log ? 1 + lg(1 + w / page) : w;
		rw->x[k] = total;
	}
	for (size_t k = 0; k < rw->m; k++)
		rw->x[k] = ML + rw->x[k] * (p->log ? BW / total : lin_scale);
	return 0;
}

static double row_x(const struct row *rw, u64 a)
{
	size_t lo = 0, hi = rw->m - 1, mid;

	if (a <= rw->base)
		return rw->x[0];
	if (a >= rw->end)
		return rw->x[rw->m - 1];
	while (hi - lo > 1) { /* bp[lo] <= a < bp[hi] */
		mid = (lo + hi) / 2;
		if (rw->bp[mid] <= a)
			lo = mid;
		else
			hi = mid;
	}
	return rw->x[lo] + (rw->x[hi] - rw->x[lo]) * (double)(a - rw->bp[lo]) /
				   (double)(rw->bp[hi] - rw->bp[lo]);
}

static void rect(struct draw *d, unsigned int kind, double x0, double x1,
		 const char *extra)
{
	int lane = styles[kind].lane;
	double least = lane ? MINPX : 2 * MINPX; /* blob marks: thin, but seen */

	if (x1 - x0 < least)
		x1 = x0 + least;
	fprintf(d->f, "<rect x=\"%.2f\" y=\"%.1f\" width=\"%.2f\" height=\"%.1f\" %s>",
		x0, d->top + lane_y[lane], x1 - x0, lane_h[lane], extra);
	d->used |= 1u << kind;
}

static void one(struct draw *d, const struct map_region *r, u64 s, u64 e)
{
	char fill[40], size[24];

	snprintf(fill, sizeof(fill), "fill=\"%s\"", styles[r->kind].color);
	rect(d, r->kind, row_x(d->rw, s), row_x(d->rw, e), fill);
	map_size_str(size, r->end - r->start);
	fprintf(d->f, "<title>%s", styles[r->kind].name);
	if (r->label) {
		fputs(": ", d->f);
		esc(d->f, r->label);
	}
	fprintf(d->f, "\n0x%" PRIx64 "-0x%" PRIx64 " (%s)</title></rect>\n", r->start,
		r->end, size);
}

static void band(struct draw *d, unsigned int kind, u64 s, u64 e, size_t count, u64 bytes,
		 double covered)
{
	double x0 = row_x(d->rw, s), x1 = row_x(d->rw, e);
	double dens = covered / (x1 - x0 > MINPX ? x1 - x0 : MINPX);
	char extra[80], size[24];

	snprintf(extra, sizeof(extra), "fill=\"url(#band-%s)\" opacity=\"%.2f\"",
		 styles[kind].id, 0.55 + 0.45 * (dens > 1 ? 1 : dens));
	rect(d, kind, x0, x1, extra);
	d->bands |= 1u << kind;
	map_size_str(size, bytes);
	fprintf(d->f,
		"<title>%zu %s ranges, each narrower than a pixel\n%s in "
		"0x%" PRIx64 "-0x%" PRIx64 "</title></rect>\n",
		count, styles[kind].name, size, s, e);
}

/* Region i clipped to the row; 0 if it is not in the row. */
static int clip(const struct draw *d, size_t i, u64 *s, u64 *e)
{
	const struct map_region *r = &d->p->r[i];

	*s = r->start > d->rw->base ? r->start : d->rw->base;
	*e = r->end < d->rw->end ? r->end : d->rw->end;
	return *s < *e;
}

static double width(const struct draw *d, u64 s, u64 e)
{
	return row_x(d->rw, e) - row_x(d->rw, s);
}

/*
 * Regions of kind from index *i on (regions are sorted by start): one shape for a
 * region a pixel wide or more, else a band of all sub-pixel regions that follow
 * within a pixel of each other.
 */
static void draw_from(struct draw *d, unsigned int kind, size_t *i)
{
	u64 s, e, bs, be, bytes = 0;
	size_t count = 0, j = *i, first = *i;
	double covered = 0;

	clip(d, first, &bs, &be);
	for (; j < d->p->n; j++) {
		if (d->p->r[j].kind != kind || !clip(d, j, &s, &e))
			continue;
		if (width(d, s, e) >= MINPX ||
		    (count && row_x(d->rw, s) - row_x(d->rw, be) >= MINPX))
			break;
		be = e > be ? e : be;
		bytes += e - s;
		covered += width(d, s, e);
		count++;
	}
	if (count > 1) {
		band(d, kind, bs, be, count, bytes, covered);
		*i = j;
		return;
	}
	clip(d, first, &s, &e);
	one(d, &d->p->r[first], s, e);
	*i = first + 1;
}

static void draw_kind(struct draw *d, unsigned int kind)
{
	u64 s, e;

	for (size_t i = 0; i < d->p->n;) {
		if (d->p->r[i].kind == kind && clip(d, i, &s, &e))
			draw_from(d, kind, &i);
		else
			i++;
	}
}

/* Width of an address label: DejaVu Sans digits are 0.64 em, at 10 px. */
static double label_w(u64 addr)
{
	char buf[24];

	return 6.4 * snprintf(buf, sizeof(buf), "0x%" PRIx64, addr);
}

static void label(struct draw *d, double x, const char *anchor, u64 addr)
{
	fprintf(d->f,
		"<line x1=\"%.2f\" y1=\"%.1f\" x2=\"%.2f\" y2=\"%.1f\" stroke=\"#555\"/>"
		"<text x=\"%.2f\" y=\"%.1f\" font-size=\"10\" text-anchor=\"%s\" "
		"fill=\"#333\">0x%" PRIx64 "</text>\n",
		x, d->top + AXIS_Y - 4, x, d->top + AXIS_Y, x, d->top + AXIS_Y + 11,
		anchor, addr);
}

/* Can a label centred at x go between the left one (ending at *last) and the right
 * end label (starting at stop)? If so, it is placed and *last moves past it. */
static int place(struct draw *d, double x, u64 addr, double *last, double stop)
{
	double half = label_w(addr) / 2;

	if (x - half < *last + 12 || x + half > stop - 12)
		return 0;
	label(d, x, "middle", addr);
	*last = x + half;
	return 1;
}

/* Address labels: the bank's ends, and between them evenly spaced round
 * addresses (to scale) or region edges (log widths), never overlapping. */
static void axis(struct draw *d, double lin_scale)
{
	const struct row *rw = d->rw;
	double x_end = rw->x[rw->m - 1];
	double last = rw->x[0] + label_w(rw->base), stop = x_end - label_w(rw->end);
	u64 step = 1;

	label(d, rw->x[0], "start", rw->base);
	label(d, x_end, "end", rw->end);
	if (d->p->log) {
		for (size_t k = 1; k + 1 < rw->m; k++)
			place(d, rw->x[k], rw->bp[k], &last, stop);
		return;
	}
	while ((double)step * lin_scale < 2 * LABEL_GAP && step < ((u64)1 << 62))
		step <<= 1;
	for (u64 a = (rw->base / step + 1) * step; a < rw->end && a > rw->base; a += step)
		place(d, row_x(rw, a), a, &last, stop);
}

static void row_head(struct draw *d, unsigned int idx)
{
	u64 bytes[MAP_KIND_COUNT] = { 0 }, s, e;
	size_t count[MAP_KIND_COUNT] = { 0 };
	char size[24], pres[24], scr[24];

	for (size_t i = 0; i < d->p->n; i++)
		if (clip(d, i, &s, &e)) {
			bytes[d->p->r[i].kind] += e - s;
			count[d->p->r[i].kind]++;
		}
	map_size_str(size, d->rw->end - d->rw->base);
	map_size_str(pres, bytes[MAP_PRESERVED]);
	map_size_str(scr, bytes[MAP_SCRATCH]);
	fprintf(d->f,
		"<text x=\"%.1f\" y=\"%.1f\" font-size=\"13\" font-weight=\"bold\">RAM "
		"bank "
		"%u: 0x%" PRIx64 "-0x%" PRIx64 " (%s)</text>\n",
		ML, d->top + 15, idx, d->rw->base, d->rw->end, size);
	fprintf(d->f,
		"<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\" "
		"fill=\"#333\">%zu preserved ranges (%s), scratch %s</text>\n",
		ML + BW, d->top + 15, count[MAP_PRESERVED], pres, scr);
	fprintf(d->f,
		"<rect x=\"%.1f\" y=\"%.1f\" width=\"%.2f\" height=\"%.1f\" "
		"fill=\"#eceff3\" "
		"stroke=\"#8a96a3\"><title>RAM 0x%" PRIx64 "-0x%" PRIx64
		" (%s)</title></rect>\n",
		ML, d->top + RAM_Y, d->rw->x[d->rw->m - 1] - ML, RAM_H, d->rw->base,
		d->rw->end, size);
}

static void draw_row(struct draw *d, unsigned int idx, double lin_scale)
{
	row_head(d, idx);
	for (unsigned int k = 0; k < MAP_KIND_COUNT; k++)
		draw_kind(d, k);
	axis(d, lin_scale);
}

static void defs(FILE *f, unsigned int bands)
{
	fputs("<defs>\n", f);
	for (unsigned int k = 0; k < MAP_KIND_COUNT; k++)
		if (bands & (1u << k))
			fprintf(f,
				"<pattern id=\"band-%s\" width=\"4\" height=\"8\" "
				"patternUnits=\"userSpaceOnUse\"><rect width=\"4\" "
				"height=\"8\" "
				"fill=\"%s\" opacity=\"0.3\"/><rect width=\"2\" "
				"height=\"8\" "
				"fill=\"%s\"/></pattern>\n",
				styles[k].id, styles[k].color, styles[k].color);
	fputs("</defs>\n", f);
}

/* One legend entry at *x (wrapping to the next line), swatch then text. */
static void legend_item(FILE *f, double *x, double *y, const char *fill, const char *text)
{
	double w = 32 + 6.9 * (double)strlen(text);

	if (*x + w > ML + BW) {
		*x = ML;
		*y += 20;
	}
	fprintf(f,
		"<rect x=\"%.1f\" y=\"%.1f\" width=\"14\" height=\"14\" fill=\"%s\" "
		"stroke=\"#555\" stroke-width=\"0.5\"/><text x=\"%.1f\" y=\"%.1f\" "
		"font-size=\"12\">%s</text>\n",
		*x, *y - 11, fill, *x + 19, *y, text);
	*x += w;
}

static void legend(FILE *f, unsigned int used, unsigned int bands)
{
	double x = ML, y = 78;
	char fill[40];

	legend_item(f, &x, &y, "#eceff3", "RAM");
	for (unsigned int k = 0; k < MAP_KIND_COUNT; k++)
		if (used & (1u << k))
			legend_item(f, &x, &y, styles[k].color, styles[k].name);
	for (unsigned int k = 0; k < MAP_KIND_COUNT; k++)
		if (bands & (1u << k)) {
			snprintf(fill, sizeof(fill), "url(#band-%s)", styles[k].id);
			legend_item(f, &x, &y, fill,
				    "many ranges under a pixel (hover: count)");
			break;
		}
}

static void header(FILE *f, const struct map_pic *p, double height)
{
	fprintf(f,
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%.0f\" "
		"viewBox=\"0 0 %d %.0f\" font-family=\"DejaVu Sans, Verdana, "
		"sans-serif\">\n"
		"<title>",
		SVG_W, height, SVG_W, height);
	esc(f, p->title);
	fprintf(f, "</title>\n<rect width=\"%d\" height=\"%.0f\" fill=\"white\"/>\n",
		SVG_W, height);
	fprintf(f, "<text x=\"%.1f\" y=\"26\" font-size=\"17\" font-weight=\"bold\">",
		ML);
	esc(f, p->title);
	fprintf(f, "</text>\n<text x=\"%.1f\" y=\"46\" font-size=\"12\" fill=\"#333\">",
		ML);
	esc(f, p->detail);
	fputs("</text>\n", f);
}

static void notes(FILE *f, const struct map_pic *p, double y)
{
	fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" fill=\"#555\">%s", ML, y,
		p->log ? "Widths grow with log2 of each range's size: positions are not "
			 "to "
			 "scale. "
		       : "Drawn to scale. ");
	if (p->outside)
		fprintf(f, "%u ranges outside RAM not drawn. ", p->outside);
	if (p->floating)
		fprintf(f, "%u reserved-memory nodes without an address not drawn. ",
			p->floating);
	fputs("Hover over a shape for its addresses.</text>\n", f);
}

static void free_rows(struct row *rows, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		free(rows[i].bp);
		free(rows[i].x);
	}
	free(rows);
}

/* Rows top to bottom by address, whatever order /memory lists the banks in. */
static void sort_banks(const struct kho_mem *m, unsigned int *order)
{
	unsigned int t;

	for (unsigned int i = 0; i < m->nr_ram; i++)
		order[i] = i;
	for (unsigned int i = 1; i < m->nr_ram; i++)
		for (unsigned int j = i;
		     j && m->ram[order[j - 1]].base > m->ram[order[j]].base; j--) {
			t = order[j];
			order[j] = order[j - 1];
			order[j - 1] = t;
		}
}

int map_svg(FILE *f, const struct map_pic *p)
{
	unsigned int nr = p->mem->nr_ram;
	unsigned int order[KHO_MEM_MAX_BANKS];
	struct row *rows = calloc(nr + 1, sizeof(*rows));
	struct draw d = { .p = p };
	double lin_scale, height = TOP + nr * ROW_H + 24;
	u64 biggest = 1;
	char *body = NULL;
	size_t len = 0;
	int err = 0;

	for (unsigned int i = 0; i < nr; i++)
		biggest = p->mem->ram[i].size > biggest ? p->mem->ram[i].size : biggest;
	lin_scale = BW / (double)biggest;
	d.f = rows ? open_memstream(&body, &len) : NULL;
	sort_banks(p->mem, order);
	for (unsigned int i = 0; d.f && i < nr; i++) {
		err = row_build(&rows[i], p, &p->mem->ram[order[i]], lin_scale);
		if (err)
			break;
		d.rw = &rows[i];
		d.top = TOP + i * ROW_H;
		draw_row(&d, i, lin_scale);
	}
	if (d.f)
		fclose(d.f);
	free_rows(rows, nr);
	if (!body || err) {
		free(body);
		return -1;
	}
	header(f, p, height);
	defs(f, d.bands);
	legend(f, d.used, d.bands);
	fputs(body, f);
	notes(f, p, height - 10);
	fputs("</svg>\n", f);
	free(body);
	return 0;
}
