/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness for the OS DT readers: after kho_fdt_check(), as a stage does,
 * the root cells, kho_dt_get_chosen(), kho_dt_for_each_resmem(),
 * kho_dt_protect_resmem() (with the stage's image recorded first),
 * kho_mem_from_dt(), and kho_dt_set_chosen()/kho_dt_clear_chosen() on a copy,
 * which must read back what they wrote. The input is the DT alone.
 */
#include <kho/dt.h>
#include <kho/err.h>
#include <kho/mem.h>
#include <libfdt.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

#define NR_RANGES 256
#define NR_REGIONS 64
#define ROOM 1024

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

static const unsigned int resmem_kinds =
	FZ_K(KHO_KIND_NOMAP) | FZ_K(KHO_KIND_CMA) | FZ_K(KHO_KIND_RESERVED);

static u64 be_cells(const u8 *p, int n)
{
	u64 v = 0;

	for (int i = 0; i < 4 * n; i++)
		v = v << 8 | p[i];
	return v;
}

/* /chosen as an independent decoder reads it, for comparison. */
static void check_chosen_prop(const void *dt, const struct kho_cells *c, const char *name,
			      u64 addr, u64 size)
{
	int len, node = fdt_path_offset(dt, "/chosen");
	const u8 *p = node < 0 ? NULL : fdt_getprop(dt, node, name, &len);

	if (!p || len != 4 * (c->addr + c->size) || be_cells(p, c->addr) != addr ||
	    be_cells(p + 4 * c->addr, c->size) != size)
		fz_fail("%s misread as 0x%llx+0x%llx", name, (unsigned long long)addr,
			(unsigned long long)size);
}

static void check_chosen(const void *dt)
{
	struct kho_cells c;
	struct kho_chosen ch;
	int err = kho_dt_get_chosen(dt, &ch);

	fz_check_err(err, "kho_dt_get_chosen");
	if (err)
		return;
	if (kho_dt_cells(dt, 0, &c) || c.addr < 1 || c.addr > 2 || c.size < 1 ||
	    c.size > 2)
		fz_fail("handover read with invalid root cells");
	check_chosen_prop(dt, &c, KHO_CHOSEN_FDT_PROP, ch.fdt_phys, ch.fdt_len);
	check_chosen_prop(dt, &c, KHO_CHOSEN_SCRATCH_PROP, ch.scratch_phys,
			  ch.scratch_len);
}

struct regions {
	struct kho_resmem r[NR_REGIONS];
	unsigned int n, calls, stop_at;
};

static int collect(void *arg, const struct kho_resmem *r)
{
	struct regions *x = arg;
	const unsigned int known = KHO_RESMEM_NO_MAP | KHO_RESMEM_REUSABLE |
				   KHO_RESMEM_CMA | KHO_RESMEM_CMA_DEFAULT |
				   KHO_RESMEM_MEMRESERVE;

	if (!r->name || strlen(r->name) > 0x10000 || r->flags & ~known)
		fz_fail("region with a bad name or flags 0x%x", r->flags);
	if ((r->flags & KHO_RESMEM_CMA) && !(r->flags & KHO_RESMEM_REUSABLE))
		fz_fail("CMA region that is not reusable");
	if (r->base != KHO_RESMEM_DYNAMIC && r->align)
		fz_fail("placed region with an alignment");
	if (x->n < NR_REGIONS)
		x->r[x->n++] = *r;
	if (++x->calls == x->stop_at)
		return FZ_STOP;
	return 0;
}

static void check_resmem(const void *dt, struct regions *all)
{
	struct regions once = { .stop_at = 1 };
	int err = kho_dt_for_each_resmem(dt, collect, all);

	fz_check_err(err < 0 ? err : 0, "kho_dt_for_each_resmem");
	if (err >= 0 && (unsigned int)err != all->calls)
		fz_fail("%d regions counted, %u reported", err, all->calls);
	/* The callback's error stops the walk and comes back unchanged. */
	err = kho_dt_for_each_resmem(dt, collect, &once);
	if (once.calls > 1 || (once.calls == 1 && err != FZ_STOP))
		fz_fail("callback error became %d after %u calls", err, once.calls);
}

static void check_protect(const void *dt, const struct regions *all, int walked)
{
	struct kho_rmap rm;
	int err;

	fz_rmap_init(&rm, NR_RANGES);
	fz_add_firmware(&rm);
	err = kho_dt_protect_resmem(dt, &rm);
	fz_check_err(err < 0 ? err : 0, "kho_dt_protect_resmem");
	fz_check_rmap(&rm);
	fz_check_firmware(&rm);
	for (unsigned int i = 0; i < rm.nr; i++)
		if (rm.r[i].kind != KHO_KIND_FIRMWARE &&
		    !(resmem_kinds & FZ_K(rm.r[i].kind)))
			fz_fail("/reserved-memory recorded as %s",
				kho_kind_name(rm.r[i].kind));
	if (err < 0 || !walked)
		return;
	for (unsigned int i = 0; i < all->n; i++) {
		const struct kho_resmem *r = &all->r[i];

		if (r->base != KHO_RESMEM_DYNAMIC && r->size &&
		    !fz_covered(&rm, r->base, r->base + r->size, resmem_kinds))
			fz_fail("region %s 0x%llx+0x%llx not protected", r->name,
				(unsigned long long)r->base, (unsigned long long)r->size);
	}
}

static void check_memory(const void *dt)
{
	struct kho_mem m;
	int n;

	for (int identity = 0; identity < 2; identity++) {
		kho_mem_init(&m);
		n = kho_mem_from_dt(&m, dt, identity);
		fz_check_err(n < 0 ? n : 0, "kho_mem_from_dt");
		if (n < 0)
			continue;
		if ((unsigned int)n != m.nr_ram || !n || n > KHO_MEM_MAX_BANKS ||
		    m.nr_win != (identity ? m.nr_ram : 0))
			fz_fail("%d banks reported, %u RAM, %u windows", n, m.nr_ram,
				m.nr_win);
		for (unsigned int i = 0; i < m.nr_ram; i++) {
			const struct kho_bank *b = &m.ram[i];

			if (!b->size || b->base + b->size < b->base)
				fz_fail("bank 0x%llx+0x%llx", (unsigned long long)b->base,
					(unsigned long long)b->size);
			for (unsigned int j = 0; j < i; j++)
				if (b->base < m.ram[j].base + m.ram[j].size &&
				    m.ram[j].base < b->base + b->size)
					fz_fail("banks %u and %u overlap", j, i);
		}
	}
}

/* What kho_dt_set_chosen() writes, kho_dt_get_chosen() reads back. */
static void check_set_chosen(const void *dt, size_t size, const struct kho_chosen *want)
{
	struct kho_chosen got;
	void *buf = malloc(size + ROOM);
	int err;

	if (!buf)
		fz_fail("no memory");
	if (fdt_open_into(dt, buf, (int)(size + ROOM)))
		goto out;
	err = kho_dt_set_chosen(buf, want);
	fz_check_err(err, "kho_dt_set_chosen");
	if (err)
		goto out;
	if (kho_fdt_check(buf, size + ROOM))
		fz_fail("kho_dt_set_chosen left a malformed tree");
	err = kho_dt_get_chosen(buf, &got);
	if (err || memcmp(&got, want, sizeof(got)))
		fz_fail("/chosen written, read back as %d", err);
	err = kho_dt_clear_chosen(buf);
	if (err || kho_dt_get_chosen(buf, &got) != -KHO_E_NO_HANDOVER)
		fz_fail("/chosen cleared (%d), still read back", err);
out:
	free(buf);
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	static const struct kho_chosen low = { 0x40100000, 0x1000, 0x40101000, 0x20 };
	static const struct kho_chosen high = { 0x880100000, 0x1000, 0x880101000, 0x20 };
	struct regions *all = calloc(1, sizeof(*all));
	void *dt = fz_copy(data, size);

	if (!all)
		fz_fail("no memory");
	if (size <= 0x100000 && !kho_fdt_check(dt, size)) {
		struct kho_cells c;

		fz_check_err(kho_dt_cells(dt, 0, &c), "kho_dt_cells");
		check_chosen(dt);
		check_resmem(dt, all);
		check_protect(dt, all, all->calls == all->n);
		check_memory(dt);
		check_set_chosen(dt, size, &low);
		check_set_chosen(dt, size, &high);
	}
	free(all);
	fz_copy_done(dt, data, size, "OS DT");
	return 0;
}
