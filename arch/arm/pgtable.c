/* SPDX-License-Identifier: MIT */
/*
 * LPAE identity-map tables (4 KiB granule, 32-bit VA): a recursive map that
 * writes the largest block an entry allows and splits existing blocks when a
 * later, smaller region overrides part of them, so a non-cacheable buffer inside
 * RAM leaves no cacheable alias behind. Table descriptors hold physical
 * addresses, translated back through the pool when the builder walks them.
 * Pure C: the unit tests run it on the host.
 */
#include "pgtable.h"

#include <kho/err.h>
#include <string.h>

static unsigned int level_shift(unsigned int level)
{
	return APGT_PAGE_SHIFT + 9 * (3 - level);
}

int arm_pgt_init(struct arm_pgt *t, void *pool, uint64_t pool_phys, size_t size, int hyp)
{
	if (((uintptr_t)pool | pool_phys) & (APGT_PAGE_SIZE - 1))
		return -KHO_E_MISALIGNED;
	if (size < APGT_PAGE_SIZE)
		return -KHO_E_NOMEM;
	if (pool_phys + size < pool_phys || pool_phys + size > APGT_PA_END)
		return -KHO_E_INVAL;
	t->pool = pool;
	t->pool_phys = pool_phys;
	t->pages = size / APGT_PAGE_SIZE;
	t->used = 1;
	t->hyp = hyp;
	memset(t->pool, 0, APGT_PAGE_SIZE);
	return 0;
}

uint64_t arm_pgt_root(const struct arm_pgt *t)
{
	return t->pool_phys;
}

/* The table at physical address pa (one of the pool's pages), NULL if not. */
static uint64_t *table_at(const struct arm_pgt *t, uint64_t pa)
{
	uint64_t off = pa - t->pool_phys;

	if (pa < t->pool_phys || off / APGT_PAGE_SIZE >= t->used)
		return NULL;
	return t->pool + off / sizeof(uint64_t);
}

static uint64_t *new_table(struct arm_pgt *t, uint64_t *pa)
{
	uint64_t *tab;

	if (t->used >= t->pages)
		return NULL;
	tab = t->pool + t->used * APGT_ENTRIES;
	*pa = t->pool_phys + t->used * APGT_PAGE_SIZE;
	t->used++;
	memset(tab, 0, APGT_PAGE_SIZE);
	return tab;
}

uint64_t arm_pgt_attrs(enum arch_mem_attr attr, int hyp)
{
	uint64_t xn = hyp ? APGT_XN : APGT_XN | APGT_PXN;
	uint64_t d = APGT_AF | (hyp ? APGT_AP1 : 0);

	switch (attr) {
	case ARCH_MEM_NORMAL_WB:
		return d | APGT_ATTRIDX(APGT_MAIR_WB) | APGT_SH_INNER;
	case ARCH_MEM_NORMAL_NC:
		return d | APGT_ATTRIDX(APGT_MAIR_NC) | APGT_SH_INNER | xn;
	case ARCH_MEM_DEVICE:
		return d | APGT_ATTRIDX(APGT_MAIR_DEVICE) | xn;
	}
	return 0;
}

static uint64_t leaf(uint64_t pa, unsigned int level, uint64_t attrs)
{
	return pa | attrs | APGT_VALID | (level == 3 ? APGT_TABLE : 0);
}

/*
 * The next-level table under *e: a new empty one if *e is invalid, or one that
 * maps the block *e was, with the block's attributes, so a partial override keeps
 * the rest as it was.
 */
static uint64_t *descend(struct arm_pgt *t, uint64_t *e, unsigned int level)
{
	uint64_t d = *e, pa;
	uint64_t *sub;

	if ((d & APGT_VALID) && (d & APGT_TABLE))
		return table_at(t, d & APGT_ADDR_MASK);
	sub = new_table(t, &pa);
	if (!sub)
		return NULL;
	if (d & APGT_VALID) {
		uint64_t attrs = d & ~(APGT_ADDR_MASK | APGT_VALID | APGT_TABLE);
		uint64_t base = d & APGT_ADDR_MASK;
		uint64_t step = 1ull << level_shift(level + 1);

		for (unsigned int i = 0; i < APGT_ENTRIES; i++)
			sub[i] = leaf(base + i * step, level + 1, attrs);
	}
	*e = pa | APGT_VALID | APGT_TABLE;
	return sub;
}

static int map_level(struct arm_pgt *t, uint64_t *tab, unsigned int level, uint64_t va,
		     uint64_t end, uint64_t attrs)
{
	unsigned int shift = level_shift(level);
	uint64_t span = 1ull << shift;

	while (va < end) {
		uint64_t *e = &tab[(va >> shift) & (APGT_ENTRIES - 1)];
		uint64_t next = (va & ~(span - 1)) + span;
		uint64_t stop = next < end ? next : end;

		if (!(va & (span - 1)) && stop == next) {
			*e = leaf(va, level, attrs);
		} else {
			uint64_t *sub = descend(t, e, level);
			int err;

			if (!sub)
				return -KHO_E_NOMEM;
			err = map_level(t, sub, level + 1, va, stop, attrs);
			if (err)
				return err;
		}
		va = stop;
	}
	return 0;
}

int arm_pgt_map(struct arm_pgt *t, uint64_t base, uint64_t size, enum arch_mem_attr attr)
{
	uint64_t attrs = arm_pgt_attrs(attr, t->hyp);

	if (!size || !attrs)
		return -KHO_E_INVAL;
	if ((base | size) & (APGT_PAGE_SIZE - 1))
		return -KHO_E_MISALIGNED;
	if (base + size < base)
		return -KHO_E_WRAP;
	if (base + size > APGT_VA_END)
		return -KHO_E_INVAL;
	return map_level(t, t->pool, 1, base, base + size, attrs);
}

uint64_t arm_pgt_lookup(const struct arm_pgt *t, uint64_t va, unsigned int *level)
{
	const uint64_t *tab = t->pool;

	if (va >= APGT_VA_END)
		return 0;
	for (unsigned int l = 1; l <= 3; l++) {
		uint64_t d = tab[(va >> level_shift(l)) & (APGT_ENTRIES - 1)];

		if (!(d & APGT_VALID))
			return 0;
		if (l == 3 || !(d & APGT_TABLE)) {
			if (level)
				*level = l;
			return d;
		}
		tab = table_at(t, d & APGT_ADDR_MASK);
		if (!tab)
			return 0;
	}
	return 0;
}
