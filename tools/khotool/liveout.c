/* SPDX-License-Identifier: MIT */
/*
 * The outgoing handover of the running kernel (--live-out). debugfs kho/out gives
 * the scratch areas and the KHO FDT, or only a prefix of it (Linux 7.3 sizes that
 * file once, before later sub-blobs grow the FDT), but not where either lives in
 * RAM, and a handover is defined by those places. So RAM is searched for both, one
 * page at a time for page-aligned copies: the scratch array is the copy of the
 * areas that the kernel uses (see pick_array()), and the KHO FDT is the page
 * starting with the debugfs bytes that its own map preserves (stale copies left
 * in freed memory are not preserved).
 */
#include "khotool.h"
#include <inttypes.h>
#include <kho/err.h>
#include <libfdt.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CAND 16
#define MAX_AREAS 64
#define SCAN_BYTES ((size_t)1 << 20)
/* Read into the buffer at this offset, so no copy of a page that the scan makes
 * starts on a page boundary and is taken for the original. */
#define SCAN_SKEW 64

struct cands {
	u64 at[MAX_CAND];
	unsigned int n; /* found, maybe more than MAX_CAND */
};

struct search {
	u64 page;
	const u8 *prefix; /* debugfs kho/out/fdt, or NULL: any page with FDT magic */
	size_t prefix_len;
	struct kho_scratch areas[MAX_AREAS];
	unsigned int nr_areas;
	u8 array[MAX_AREAS * sizeof(struct kho_scratch)];
	size_t array_len;
	struct cands fdt, arr;
};

static void cand_add(struct cands *c, u64 phys)
{
	if (c->n < MAX_CAND)
		c->at[c->n] = phys;
	c->n++;
}

/* Whitespace-separated numbers of a debugfs file. Returns the count or -1. */
static int read_numbers(const char *path, u64 *v, unsigned int max, const char *cmd)
{
	struct khotool_file f;
	char *text, *tok, *save = NULL;
	int n = 0;

	if (khotool_file_load(&f, path, cmd))
		return -1;
	text = strndup((const char *)f.data, f.size);
	khotool_file_free(&f);
	for (tok = text ? strtok_r(text, " \t\n", &save) : NULL; tok && n >= 0;
	     tok = strtok_r(NULL, " \t\n", &save))
		n = n == (int)max || khotool_parse_u64(tok, &v[n]) ? -1 : n + 1;
	if (!text)
		n = -1;
	if (n < 0)
		khotool_err(cmd, "%s: not a list of at most %u numbers", path, max);
	free(text);
	return n;
}

static int read_areas(struct search *sr, const struct khotool_opts *o, const char *cmd)
{
	char *pp = khotool_live_path(o, "/sys/kernel/debug/kho/out/scratch_phys");
	char *lp = khotool_live_path(o, "/sys/kernel/debug/kho/out/scratch_len");
	u64 phys[MAX_AREAS], len[MAX_AREAS];
	int np = pp && lp ? read_numbers(pp, phys, MAX_AREAS, cmd) : -1;
	int nl = np >= 0 ? read_numbers(lp, len, MAX_AREAS, cmd) : -1;

	if (nl >= 0 && (np != nl || !np))
		khotool_err(cmd, "%s and %s: %d and %d scratch areas", pp, lp, np, nl);
	free(pp);
	free(lp);
	if (nl < 0 || np != nl || !np)
		return -1;
	sr->nr_areas = (unsigned int)np;
	for (int i = 0; i < np; i++) {
		sr->areas[i].addr = phys[i];
		sr->areas[i].size = len[i];
		kho_put_u64(sr->array + 16 * i, phys[i]);
		kho_put_u64(sr->array + 16 * i + 8, len[i]);
	}
	sr->array_len = 16 * (size_t)np;
	return 0;
}

static void scan_page(struct search *sr, const u8 *p, u64 phys)
{
	size_t n = sr->prefix_len < sr->page ? sr->prefix_len : sr->page;

	if (sr->prefix ? !memcmp(p, sr->prefix, n) : fdt_magic(p) == FDT_MAGIC)
		cand_add(&sr->fdt, phys);
	if (!memcmp(p, sr->array, sr->array_len))
		cand_add(&sr->arr, phys);
}

/*
 * Check [at, at+len). A chunk that cannot be read whole is read page by page,
 * skipping the pages that fail: the kernel's own data is not readable through
 * /dev/mem, and it holds no handover.
 */
static void scan_chunk(struct search *sr, u8 *buf, u64 at, u64 len)
{
	if (!khotool_devmem_read(buf, len, at)) {
		for (u64 off = 0; off < len; off += sr->page)
			scan_page(sr, buf + off, at + off);
		return;
	}
	for (u64 off = 0; off < len; off += sr->page)
		if (!khotool_devmem_read(buf, sr->page, at + off))
			scan_page(sr, buf, at + off);
}

/* Every whole page of the readable RAM pieces (the windows), read with pread. */
static void scan(struct search *sr, const struct kho_mem *m, u8 *buf)
{
	for (unsigned int i = 0; i < m->nr_win; i++) {
		u64 at = (m->win[i].base + sr->page - 1) & ~(sr->page - 1);
		u64 end = m->win[i].base + m->win[i].size, len;

		for (; at + sr->page <= end; at += len) {
			len = end - at < SCAN_BYTES ? end - at : SCAN_BYTES;
			len &= ~(sr->page - 1);
			scan_chunk(sr, buf, at, len);
		}
	}
}

static int in_scratch(const struct search *sr, u64 phys)
{
	for (unsigned int i = 0; i < sr->nr_areas; i++)
		if (phys >= sr->areas[i].addr &&
		    phys - sr->areas[i].addr < sr->areas[i].size)
			return 1;
	return 0;
}

static void print_places(const char *cmd, const char *what, const struct cands *c)
{
	char list[MAX_CAND * 20] = "";
	size_t len = 0;

	for (unsigned int i = 0; i < c->n && i < MAX_CAND; i++)
		len += (size_t)snprintf(list + len, sizeof(list) - len, "%s0x%" PRIx64,
					i ? ", " : "", c->at[i]);
	khotool_err(cmd, "live-out: %s at %u places: %s%s", what, c->n, list,
		    c->n > MAX_CAND ? ", ..." : "");
}

/*
 * The scratch array: a kernel that booted cold allocated its own before any
 * scratch area, so that copy lies outside them (kexec's copy, if an image is
 * loaded, lies inside); a kernel that booted by KHO keeps using the array it was
 * handed, where /chosen says.
 */
static int pick_array(const struct khotool_input *in, struct search *sr, u64 *phys,
		      const char *cmd)
{
	struct kho_chosen booted;
	struct cands out = { .n = 0 };

	if (!kho_dt_get_chosen(in->dtb.data, &booted))
		for (unsigned int i = 0; i < sr->arr.n && i < MAX_CAND; i++)
			if (sr->arr.at[i] == booted.scratch_phys) {
				*phys = booted.scratch_phys;
				return 0;
			}
	for (unsigned int i = 0; i < sr->arr.n && i < MAX_CAND; i++)
		if (!in_scratch(sr, sr->arr.at[i]))
			cand_add(&out, sr->arr.at[i]);
	if (out.n == 1 && sr->arr.n <= MAX_CAND) {
		*phys = out.at[0];
		return 0;
	}
	if (out.n) {
		print_places(cmd, "the scratch array", &sr->arr);
		return -1;
	}
	khotool_err(cmd,
		    "live-out: the scratch array (%u areas, as debugfs lists them) "
		    "is nowhere in RAM outside the scratch areas",
		    sr->nr_areas);
	return -1;
}

struct covers {
	u64 phys;
	int found;
};

static int covers_block(void *arg, u64 phys, u64 size, unsigned int order)
{
	struct covers *c = arg;

	(void)order;
	if (c->phys >= phys && c->phys - phys < size)
		c->found = 1;
	return 0;
}

/* Is fdt_phys a KHO FDT (with this scratch array) that its own map preserves? */
static int self_preserved(const struct khotool_input *in, const struct khotool_opts *o,
			  const struct khotool_src *s, struct kho_chosen *ch)
{
	struct kho_in kin;
	struct covers c = { ch->fdt_phys, 0 };
	struct kho_walk w = { .block = covers_block, .arg = &c };

	if (kho_in_open_at(&kin, ch, &in->mem, o->page_shift, s->abi))
		return 0;
	return !kho_in_walk(&kin, &w) && c.found;
}

static int pick_fdt(struct khotool_input *in, const struct khotool_opts *o,
		    const struct khotool_src *s, struct search *sr, const char *cmd)
{
	struct kho_chosen incoming = { 0 }, ch = in->ch;
	struct cands ok = { .n = 0 };
	int booted = !kho_dt_get_chosen(in->dtb.data, &incoming);

	for (unsigned int i = 0; i < sr->fdt.n && i < MAX_CAND; i++) {
		ch.fdt_phys = sr->fdt.at[i];
		if (booted && ch.fdt_phys == incoming.fdt_phys)
			continue; /* the handover this kernel booted with */
		if (self_preserved(in, o, s, &ch))
			cand_add(&ok, ch.fdt_phys);
	}
	if (ok.n == 1 && sr->fdt.n <= MAX_CAND) {
		in->ch.fdt_phys = ok.at[0];
		return 0;
	}
	if (ok.n)
		print_places(cmd, "a KHO FDT preserved by its own map", &ok);
	else if (sr->fdt.n > MAX_CAND)
		print_places(cmd, "a page starting like the KHO FDT", &sr->fdt);
	else
		khotool_err(cmd,
			    "live-out: no page of RAM %s a KHO FDT that its own map "
			    "preserves",
			    sr->prefix ? "starting with kho/out/fdt holds"
				       : "but the incoming handover's holds");
	return -1;
}

/* The prefix of the KHO FDT from debugfs; none on a kernel that booted by KHO. */
static int read_prefix(struct khotool_file *f, const struct khotool_opts *o,
		       const char *cmd)
{
	char *path = khotool_live_path(o, "/sys/kernel/debug/kho/out/fdt");
	FILE *probe = path ? fopen(path, "rb") : NULL;
	int err = 0;

	memset(f, 0, sizeof(*f));
	if (probe) {
		fclose(probe);
		err = khotool_file_load(f, path, cmd);
	}
	f->path = NULL;
	free(path);
	return err;
}

int khotool_live_out(struct khotool_input *in, const struct khotool_opts *o,
		     const struct khotool_src *s, const char *cmd)
{
	struct search *sr = calloc(1, sizeof(*sr));
	u8 *buf = malloc(SCAN_BYTES + SCAN_SKEW);
	struct khotool_file prefix;
	int status = KHOTOOL_EXIT_USAGE;

	if (!sr || !buf) {
		khotool_err(cmd, "out of memory");
	} else if (!read_areas(sr, o, cmd) && !read_prefix(&prefix, o, cmd)) {
		sr->page = (u64)1 << o->page_shift;
		sr->prefix = prefix.data;
		sr->prefix_len = prefix.size;
		in->ch.fdt_len = sr->page;
		in->ch.scratch_len = sr->array_len;
		scan(sr, &in->mem, buf + SCAN_SKEW);
		if (pick_array(in, sr, &in->ch.scratch_phys, cmd) ||
		    pick_fdt(in, o, s, sr, cmd))
			status = KHOTOOL_EXIT_INVALID;
		else
			status = KHOTOOL_EXIT_OK;
		in->has_ch = 1;
		khotool_file_free(&prefix);
	}
	free(sr);
	free(buf);
	return status;
}
