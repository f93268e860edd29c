/* SPDX-License-Identifier: MIT */
/*
 * The running kernel's incoming handover (--live). Linux reads the preserved-memory
 * map once, early in boot: it memblock-reserves each block with the RSRV_NOINIT
 * flag and afterwards frees the map's own pages like any unreserved memory, so by
 * the time khotool can run they hold other data. The preserved memory is therefore
 * taken from the kernel's own record of it, debugfs memblock/reserved (regions
 * flagged RSV_NIT, less hugetlb's, which share the flag); the KHO FDT, scratch
 * array and sub-blobs are still in place and are read from RAM as usual.
 */
#include "khotool.h"
#include <kho/err.h>
#include <stdlib.h>
#include <string.h>

struct spans {
	struct khotool_span *r;
	size_t n;
	size_t cap;
};

static int span_add(struct spans *sp, u64 base, u64 size)
{
	struct khotool_span *grown;

	if (sp->n == sp->cap) {
		grown = realloc(sp->r, (sp->cap ? 2 * sp->cap : 64) * sizeof(*sp->r));
		if (!grown)
			return -1;
		sp->r = grown;
		sp->cap = sp->cap ? 2 * sp->cap : 64;
	}
	sp->r[sp->n].base = base;
	sp->r[sp->n].size = size;
	sp->n++;
	return 0;
}

/* Does a "A|B|C" flag list hold flag? */
static int has_flag(const char *flags, const char *flag)
{
	size_t len = strlen(flag);

	for (const char *p = flags; (p = strstr(p, flag)); p += len)
		if ((p == flags || p[-1] == '|') &&
		    (p[len] == '|' || !p[len] || p[len] == '\n'))
			return 1;
	return 0;
}

/* One line "N: 0xA..0xB NODE FLAGS" (B inclusive). -1 if malformed. */
static int parse_line(char *line, struct spans *sp)
{
	char *save = NULL, *idx = strtok_r(line, " \t", &save);
	char *range = strtok_r(NULL, " \t", &save);
	char *node = strtok_r(NULL, " \t", &save);
	char *flags = strtok_r(NULL, " \t\n", &save);
	char *dots = range ? strstr(range, "..") : NULL;
	u64 a, b;

	if (!idx || !dots || !node || !flags)
		return -1;
	*dots = 0;
	if (khotool_parse_u64(range, &a) || khotool_parse_u64(dots + 2, &b) || b < a)
		return -1;
	if (!has_flag(flags, "RSV_NIT") || has_flag(flags, "RSV_HUGETLB"))
		return 0;
	return span_add(sp, a, b - a + 1);
}

/* The RSV_NIT regions. 1 if the file cannot be read, -1 (printed) if malformed. */
static int read_memblock(const struct khotool_opts *o, struct spans *sp, const char *cmd)
{
	char *path = khotool_live_path(o, "/sys/kernel/debug/memblock/reserved");
	FILE *f = path ? fopen(path, "r") : NULL;
	char line[256];
	int err = f ? 0 : 1;

	while (f && !err && fgets(line, sizeof(line), f))
		if (parse_line(line, sp)) {
			khotool_err(cmd, "%s: cannot parse a line", path);
			err = -1;
		}
	if (f)
		fclose(f);
	free(path);
	return err;
}

/* Record the parts of [at, end) that no preserved range covers, as meta. */
static int meta_gaps(struct kho_rmap *rm, u64 at, u64 end, const char *label)
{
	while (at < end) {
		unsigned int k = kho_rmap_lower_bound(rm, at);
		u64 next = end;
		int err;

		if (k < rm->nr && rm->r[k].start <= at &&
		    rm->r[k].kind == KHO_KIND_PRESERVED) {
			at = rm->r[k].end;
			continue;
		}
		for (; k < rm->nr && rm->r[k].start < end; k++)
			if (rm->r[k].kind == KHO_KIND_PRESERVED && rm->r[k].start > at) {
				next = rm->r[k].start;
				break;
			}
		err = kho_rmap_carve(rm, at, next, KHO_KIND_META, label);
		if (err)
			return err;
		at = next;
	}
	return 0;
}

static int protect(struct khotool_handover *h, const struct spans *sp)
{
	const struct kho_in *in = &h->in;
	u64 page = (u64)1 << in->page_shift;
	int err = 0;

	for (size_t i = 0; i < sp->n && !err; i++) {
		err = kho_rmap_add(&h->rm, sp->r[i].base, sp->r[i].base + sp->r[i].size,
				   KHO_KIND_PRESERVED, NULL);
		h->stats.preserved_bytes += sp->r[i].size;
	}
	for (u64 i = 0; i < in->nr_scratch && !err; i++)
		if (in->scratch[i].size)
			err = kho_rmap_add(&h->rm, in->scratch[i].addr,
					   in->scratch[i].addr + in->scratch[i].size,
					   KHO_KIND_SCRATCH, NULL);
	if (!err)
		err = meta_gaps(&h->rm, in->ch.fdt_phys,
				in->ch.fdt_phys +
					((in->ch.fdt_len + page - 1) & ~(page - 1)),
				"kho-fdt");
	if (!err)
		err = meta_gaps(&h->rm, in->ch.scratch_phys,
				in->ch.scratch_phys + in->ch.scratch_len,
				"scratch-array");
	for (unsigned int i = 0; i < h->nr_blobs && !err; i++)
		err = meta_gaps(&h->rm, h->blobs[i].phys,
				h->blobs[i].phys + h->blobs[i].size, h->blobs[i].name);
	h->stats.blocks = sp->n;
	return err;
}

int khotool_live_in_protect(struct khotool_handover *h, const struct khotool_opts *o,
			    const char *cmd)
{
	struct spans sp = { NULL, 0, 0 };
	int err = read_memblock(o, &sp, cmd);

	if (!err) {
		h->from_memblock = 1;
		err = protect(h, &sp);
	} else if (err < 0) {
		err = -KHO_E_PROP;
	}
	free(sp.r);
	return err;
}
