/* SPDX-License-Identifier: MIT */
/*
 * Identity-map translation tables (4 KiB granule): a recursive map that writes
 * the largest block an entry allows and splits existing blocks when a later,
 * smaller region overrides part of them, so a non-cacheable buffer inside RAM
 * leaves no cacheable alias behind. Pure C: the unit tests run it on the host.
 */
#include "pgtable.h"

#include <kho/err.h>
#include <string.h>

static unsigned int level_shift(unsigned int level)
{
	return PGT_PAGE_SHIFT + 9 * (3 - level);
}

int arm64_pgt_init(struct arm64_pgt *t, void *pool, size_t size, unsigned int va_bits,
		   int one_range)
{
	if (va_bits != 39 && va_bits != 48)
		return -KHO_E_INVAL;
	if ((uintptr_t)pool & (PGT_PAGE_SIZE - 1))
		return -KHO_E_MISALIGNED;
	if (size < PGT_PAGE_SIZE)
		return -KHO_E_NOMEM;
	t->pool = pool;
	t->pages = size / PGT_PAGE_SIZE;
	t->used = 1;
	t->root = pool;
	t->va_bits = va_bits;
	t->start_level = va_bits == 39 ? 1 : 0;
	t->one_range = one_range;
	memset(t->root, 0, PGT_PAGE_SIZE);
	return 0;
}

static uint64_t *new_table(struct arm64_pgt *t)
{
	uint64_t *tab;

	if (t->used >= t->pages)
		return NULL;
	tab = t->pool + t->used++ * PGT_ENTRIES;
	memset(tab, 0, PGT_PAGE_SIZE);
	return tab;
}

uint64_t arm64_pgt_attrs(enum arch_mem_attr attr, int one_range)
{
	uint64_t xn = one_range ? PGT_XN : PGT_XN | PGT_PXN;
	uint64_t d = PGT_AF | (one_range ? PGT_AP1 : 0);

	switch (attr) {
	case ARCH_MEM_NORMAL_WB:
		return d | PGT_ATTRIDX(PGT_MAIR_WB) | PGT_SH_INNER;
	case ARCH_MEM_NORMAL_NC:
		return d | PGT_ATTRIDX(PGT_MAIR_NC) | PGT_SH_INNER | xn;
	case ARCH_MEM_DEVICE:
		return d | PGT_ATTRIDX(PGT_MAIR_DEVICE) | xn;
	}
	return 0;
}

static uint64_t leaf(uint64_t pa, unsigned int level, uint64_t attrs)
{
	return pa | attrs | PGT_VALID | (level == 3 ? PGT_TABLE : 0);
}

/*
 * The next-level table under *e: a new empty one if *e is invalid, or one that
 * maps the block *e was, with the block's attributes, so a partial override keeps
 * the rest as it was.
 */
static uint64_t *descend(struct arm64_pgt *t, uint64_t *e, unsigned int level)
{
	uint64_t d = *e;
	uint64_t *sub;

	if ((d & PGT_VALID) && (d & PGT_TABLE))
		return (uint64_t *)(uintptr_t)(d & PGT_ADDR_MASK);
	sub = new_table(t);
	if (!sub)
		return NULL;
	if (d & PGT_VALID) {
		uint64_t attrs = d & ~(PGT_ADDR_MASK | PGT_VALID | PGT_TABLE);
		uint64_t pa = d & PGT_ADDR_MASK;
		uint64_t step = 1ull << level_shift(level + 1);

		for (unsigned int i = 0; i < PGT_ENTRIES; i++)
			sub[i] = leaf(pa + i * step, level + 1, attrs);
	}
	*e = (uint64_t)(uintptr_t)sub | PGT_VALID | PGT_TABLE;
	return sub;
}

static int map_level(struct arm64_pgt *t, uint64_t *tab, unsigned int level, uint64_t va,
		     uint64_t end, uint64_t attrs)
{
	unsigned int shift = level_shift(level);
	uint64_t span = 1ull << shift;

	while (va < end) {
		uint64_t *e = &tab[(va >> shift) & (PGT_ENTRIES - 1)];
		uint64_t next = (va & ~(span - 1)) + span;
		uint64_t stop = next < end ? next : end;

		/* No blocks at level 0 with a 4 KiB granule. */
		if (level > 0 && !(va & (span - 1)) && stop == next) {
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

int arm64_pgt_map(struct arm64_pgt *t, uint64_t base, uint64_t size,
		  enum arch_mem_attr attr)
{
	uint64_t attrs = arm64_pgt_attrs(attr, t->one_range);

	if (!size || !attrs)
		return -KHO_E_INVAL;
	if ((base | size) & (PGT_PAGE_SIZE - 1))
		return -KHO_E_MISALIGNED;
	if (base + size < base)
		return -KHO_E_WRAP;
	if (base + size > 1ull << t->va_bits)
		return -KHO_E_INVAL;
	return map_level(t, t->root, t->start_level, base, base + size, attrs);
}

uint64_t arm64_pgt_lookup(const struct arm64_pgt *t, uint64_t va, unsigned int *level)
{
	const uint64_t *tab = t->root;

	if (va >> t->va_bits)
		return 0;
	for (unsigned int l = t->start_level; l <= 3; l++) {
		uint64_t d = tab[(va >> level_shift(l)) & (PGT_ENTRIES - 1)];

		if (!(d & PGT_VALID))
			return 0;
		if (l == 3 || !(d & PGT_TABLE)) {
			if (level)
				*level = l;
			return d;
		}
		tab = (const uint64_t *)(uintptr_t)(d & PGT_ADDR_MASK);
	}
	return 0;
}

uint64_t arm64_pgt_tcr(unsigned int va_bits, unsigned int pa_bits, int one_range)
{
	static const unsigned char sizes[] = { 32, 36, 40, 42, 44, 48 };
	uint64_t tcr = (64 - va_bits) | 1ull << 8 /* IRGN0 WBWA */ |
		       1ull << 10 /* ORGN0 WBWA */ | 3ull << 12 /* SH0 inner */;
	uint64_t ps;

	for (ps = 0; ps < sizeof(sizes); ps++)
		if (sizes[ps] == pa_bits)
			break;
	if (ps == sizeof(sizes))
		return 0;
	if (one_range)
		return tcr | ps << 16 | 1ull << 23 | 1ull << 31; /* PS, RES1, RES1 */
	/* IPS; EPD1: no TTBR1 walks; TG1 = 4 KiB (TG0 = 0 is 4 KiB already) */
	return tcr | ps << 32 | 1ull << 23 | 2ull << 30;
}

unsigned int arm64_pgt_va_bits(uint64_t end)
{
	if (end <= 1ull << 39)
		return 39;
	return end <= 1ull << 48 ? 48 : 0;
}
