/* SPDX-License-Identifier: MIT */
/*
 * Reading a handover from the running Linux system: the DT it booted with
 * (/sys/firmware/fdt) gives /chosen and the RAM banks, and RAM is read through
 * /dev/mem (devmem.c), never inside /reserved-memory no-map regions, which may
 * not even be readable. The outgoing handover (--live-out) is found in liveout.c.
 */
#include "khotool.h"
#include <kho/err.h>
#include <stdlib.h>
#include <string.h>

#define MAX_NOMAP 64

struct nomap {
	struct khotool_span r[MAX_NOMAP];
	unsigned int n;
};

char *khotool_live_path(const struct khotool_opts *o, const char *rel)
{
	size_t len = strlen(o->live_root) + strlen(rel) + 1;
	char *p = malloc(len);

	if (p)
		snprintf(p, len, "%s%s", o->live_root, rel);
	return p;
}

static int collect_nomap(void *arg, const struct kho_resmem *r)
{
	struct nomap *nm = arg;

	if (!(r->flags & KHO_RESMEM_NO_MAP) || r->base == KHO_RESMEM_DYNAMIC || !r->size)
		return 0;
	if (nm->n == MAX_NOMAP)
		return -KHO_E_NOSPC;
	nm->r[nm->n].base = r->base;
	nm->r[nm->n].size = r->size;
	nm->n++;
	return 0;
}

/* Windows over [at, end) less the no-map regions. */
static int bank_windows(struct khotool_input *in, u64 at, u64 end, const struct nomap *nm,
			const char *cmd)
{
	while (at < end) {
		u64 next = end, skip = at;

		for (unsigned int i = 0; i < nm->n; i++) {
			u64 b = nm->r[i].base, e = b + nm->r[i].size;

			if (b >= end || e <= at)
				continue;
			if (b <= at)
				skip = e > skip ? e : skip;
			else if (b < next)
				next = b;
		}
		if (skip > at) {
			at = skip;
			continue;
		}
		if (khotool_devmem_window(&in->mem, at, next - at, cmd))
			return -1;
		at = next;
	}
	return 0;
}

static int live_windows(struct khotool_input *in, const struct khotool_opts *o,
			const char *cmd)
{
	struct nomap nm = { .n = 0 };
	char *dev = khotool_live_path(o, "/dev/mem");
	int err = kho_dt_for_each_resmem(in->dtb.data, collect_nomap, &nm);

	if (err < 0) {
		khotool_err(cmd, "%s: /reserved-memory: %s", in->dtb_path,
			    kho_strerror(err));
		free(dev);
		return -1;
	}
	err = !dev || khotool_devmem_open(dev, cmd);
	free(dev);
	if (err)
		return -1;
	in->live = 1;
	for (unsigned int i = 0; i < in->mem.nr_ram; i++) {
		const struct kho_bank *b = &in->mem.ram[i];

		if (bank_windows(in, b->base, b->base + b->size, &nm, cmd))
			return -1;
	}
	return 0;
}

int khotool_live_load(struct khotool_input *in, const struct khotool_opts *o,
		      const struct khotool_src *s, const char *cmd)
{
	in->dtb_path = khotool_live_path(o, "/sys/firmware/fdt");
	if (!in->dtb_path || khotool_dtb_load(in, in->dtb_path, cmd) ||
	    khotool_input_banks(in, cmd))
		return KHOTOOL_EXIT_USAGE;
	if (!in->mem.nr_ram) {
		khotool_err(cmd, "%s has no /memory: where RAM is is unknown",
			    in->dtb_path);
		return KHOTOOL_EXIT_USAGE;
	}
	if (live_windows(in, o, cmd))
		return KHOTOOL_EXIT_USAGE;
	return s->live == KHOTOOL_LIVE_OUT ? khotool_live_out(in, o, s, cmd)
					   : KHOTOOL_EXIT_OK;
}
