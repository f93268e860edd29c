/* SPDX-License-Identifier: MIT */
/* Physical memory window: RAM banks and readable windows, with bound checks. */
#include <kho/dt.h>
#include <kho/err.h>
#include <kho/mem.h>
#include <libfdt.h>
#include <stddef.h>
#include <string.h>

void kho_mem_init(struct kho_mem *m)
{
	m->nr_ram = 0;
	m->nr_win = 0;
}

/*
 * Banks and windows both begin with u64 base and size, so one loop serves both
 * tables: t holds n entries, stride bytes apart. Returns the entry holding
 * [phys, phys+len) (not wrapping), else NULL.
 */
static const void *find(const void *t, unsigned int n, unsigned int stride, u64 phys,
			u64 len)
{
	for (; n; n--, t = (const char *)t + stride) {
		const u64 *e = t; /* base, size */

		if (phys >= e[0] && phys - e[0] <= e[1] && len <= e[1] - (phys - e[0]))
			return t;
	}
	return NULL;
}

_Static_assert(offsetof(struct kho_window, base) == 0 &&
		       offsetof(struct kho_bank, base) == 0 &&
		       offsetof(struct kho_window, size) == 8 &&
		       offsetof(struct kho_bank, size) == 8,
	       "banks and windows begin alike");

#define TABLE(m, tab) (m)->tab, (m)->nr_##tab, sizeof((m)->tab[0])

static int range_ok(u64 base, u64 size)
{
	if (!size)
		return -KHO_E_INVAL;
	if (base + size < base)
		return -KHO_E_WRAP;
	return 0;
}

/*
 * Append entry e (stride bytes, base and size first, as find() reads them) to
 * table t of *n entries, at most max, unless its range is bad or overlaps one
 * of theirs.
 */
static int add(void *t, unsigned int *n, unsigned int max, unsigned int stride,
	       const void *e)
{
	const u64 *x = e;
	int err = range_ok(x[0], x[1]);

	if (err)
		return err;
	for (unsigned int i = 0; i < *n; i++) {
		const u64 *y = (const void *)((const char *)t + i * stride);

		if (kho_overlaps(x[0], x[1], y[0], y[1]))
			return -KHO_E_OVERLAP;
	}
	if (*n == max)
		return -KHO_E_NOSPC;
	memcpy((char *)t + (*n)++ * stride, e, stride);
	return 0;
}

int kho_mem_add_ram(struct kho_mem *m, u64 base, u64 size)
{
	struct kho_bank b = { base, size };

	return add(m->ram, &m->nr_ram, KHO_MEM_MAX_BANKS, sizeof(b), &b);
}

int kho_mem_add_window(struct kho_mem *m, u64 base, u64 size, void *host)
{
	struct kho_window w = { base, size, host };
	int err = range_ok(base, size);

	if (err)
		return err;
	if (!host)
		return -KHO_E_INVAL;
	/* The bytes must fit this program's address space: no pointer may wrap. */
	if (size - 1 > (u64)(UINTPTR_MAX - (uintptr_t)host))
		return -KHO_E_WRAP;
	return add(m->win, &m->nr_win, KHO_MEM_MAX_WINDOWS, sizeof(w), &w);
}

/*
 * An identity window over [base, base+size), as far as this program can address
 * it: on a 32-bit stage RAM above 4 GiB stays RAM but gets no window, so
 * kho_mem_ptr() refuses it (-KHO_E_UNMAPPED) instead of truncating the address.
 */
static int identity_window(struct kho_mem *m, u64 base, u64 size)
{
	const u64 top = (u64)UINTPTR_MAX;

	if (base > top)
		return 0;
	if (size - 1 > top - base)
		size = top - base + 1;
	return kho_mem_add_window(m, base, size, (void *)(uintptr_t)base);
}

struct mem_dt_ctx {
	struct kho_mem *m;
	int identity;
	int count;
};

static int mem_dt_bank(void *arg, u64 base, u64 size)
{
	struct mem_dt_ctx *c = arg;
	int err;

	if (!size)
		return 0;
	err = kho_mem_add_ram(c->m, base, size);
	if (!err && c->identity)
		err = identity_window(c->m, base, size);
	if (!err)
		c->count++;
	return err;
}

int kho_mem_from_dt(struct kho_mem *m, const void *dt, int identity)
{
	struct mem_dt_ctx c = { m, identity, 0 };
	int err = kho_dt_for_each_memory(dt, mem_dt_bank, &c);

	if (err < 0)
		return err;
	return c.count ? c.count : -KHO_E_NOT_FOUND;
}

int kho_mem_check_ram(const struct kho_mem *m, u64 phys, u64 len)
{
	if (phys + len < phys)
		return -KHO_E_WRAP;
	return find(TABLE(m, ram), phys, len) ? 0 : -KHO_E_OUTSIDE_RAM;
}

void *kho_mem_ptr(const struct kho_mem *m, u64 phys, u64 len, int *err)
{
	int e = kho_mem_check_ram(m, phys, len);
	const struct kho_window *w = e ? NULL : find(TABLE(m, win), phys, len);

	if (w)
		return w->host + (phys - w->base);
	if (err)
		*err = e ? e : -KHO_E_UNMAPPED;
	return NULL;
}

u64 kho_mem_ram_size(const struct kho_mem *m)
{
	u64 total = 0;

	for (unsigned int i = 0; i < m->nr_ram; i++)
		total += m->ram[i].size;
	return total;
}

u64 kho_mem_ram_end(const struct kho_mem *m)
{
	u64 end = 0;

	for (unsigned int i = 0; i < m->nr_ram; i++)
		if (m->ram[i].base + m->ram[i].size > end)
			end = m->ram[i].base + m->ram[i].size;
	return end;
}
