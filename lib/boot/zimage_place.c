/* SPDX-License-Identifier: MIT */
/*
 * Placement of an arm zImage payload: a kernel that decompresses itself to the
 * start of RAM, with its DTB and initrd where the decompression cannot reach
 * them (include/boot/zimage.h).
 */
#include <boot/boot.h>
#include <boot/zimage.h>
#include <kho/err.h>
#include <libfdt.h>
#include <string.h>

static u64 align_up(u64 v, u64 a)
{
	return (v + a - 1) & ~(a - 1);
}

static u64 align_down(u64 v, u64 a)
{
	return v & ~(a - 1);
}

/*
 * The highest (or lowest) align-aligned [phys, phys+size) inside [lo, hi) that
 * is RAM and touches no recorded range.
 */
static int find_in(const struct boot_state *st, u64 size, u64 align, u64 lo, u64 hi,
		   int highest, u64 *phys)
{
	const struct kho_rmap *rm = &st->rm;
	int found = 0;

	for (unsigned int b = 0; b < st->mem->nr_ram; b++) {
		u64 at = st->mem->ram[b].base, end = at + st->mem->ram[b].size;
		unsigned int k;

		at = at > lo ? at : lo;
		end = end < hi ? end : hi;
		for (k = kho_rmap_lower_bound(rm, at); at < end; k++) {
			u64 gap_end =
				k < rm->nr && rm->r[k].start < end ? rm->r[k].start : end;
			u64 first = align_up(at, align), last;

			if (gap_end >= size && gap_end - size >= first) {
				last = align_down(gap_end - size, align);
				if (!found || (highest ? last > *phys : first < *phys))
					*phys = highest ? last : first;
				found = 1;
			}
			at = gap_end < end && rm->r[k].end > gap_end ? rm->r[k].end : end;
		}
	}
	return found ? 0 : -KHO_E_NOSPC;
}

static u64 ram_start(const struct kho_mem *mem)
{
	u64 lo = ~0ull;

	for (unsigned int b = 0; b < mem->nr_ram; b++)
		if (mem->ram[b].base < lo)
			lo = mem->ram[b].base;
	return lo;
}

/*
 * The kernel decompresses over [lo, hi): no firmware buffer and no reservation
 * may be there. The stage's own image and the payload container may (they are
 * dead by then). What is free is recorded so nothing is placed there later.
 */
static int claim_dest(struct boot_state *st, u64 lo, u64 hi)
{
	const struct kho_rmap *rm = &st->rm;
	u64 at = lo;
	int err;

	for (unsigned int i = 0; i < st->nr_fw; i++)
		if (kho_overlaps(lo, hi - lo, st->fw[i].phys, st->fw[i].size))
			return -KHO_E_OVERLAP;
	for (unsigned int k = kho_rmap_lower_bound(rm, lo);
	     k < rm->nr && rm->r[k].start < hi; k++)
		if (rm->r[k].kind != KHO_KIND_FIRMWARE &&
		    rm->r[k].kind != KHO_KIND_PAYLOAD)
			return -KHO_E_OVERLAP;
	while (at < hi) {
		unsigned int k = kho_rmap_lower_bound(rm, at);
		u64 next = k < rm->nr && rm->r[k].start < hi ? rm->r[k].start : hi;

		if (next > at) {
			err = kho_rmap_add(&st->rm, at, next, KHO_KIND_RESERVED,
					   "kernel-dest");
			if (err)
				return err;
		}
		at = next < hi ? rm->r[kho_rmap_lower_bound(rm, next)].end : hi;
	}
	return 0;
}

/* Copy blob b to phys (size bytes in memory) and record it as payload label. */
static int move(struct boot_state *st, const struct boot_blob *b, u64 mem_size, u64 phys,
		const char *label, u64 *dst)
{
	void *from, *to;
	int err;

	from = kho_mem_ptr(st->mem, b->phys, b->size, &err);
	to = from ? kho_mem_ptr(st->mem, phys, mem_size, &err) : NULL;
	if (!to)
		return err;
	err = kho_rmap_add(&st->rm, phys, phys + mem_size, KHO_KIND_PAYLOAD, label);
	if (err)
		return err;
	memmove(to, from, b->size);
	st->copied += b->size;
	*dst = phys;
	return 0;
}

/* Inside the container and inside [lo, hi), aligned: it can stay. */
static int stays(const struct boot_state *st, const struct boot_blob *b, u64 mem_size,
		 u64 align, u64 lo, u64 hi)
{
	return !(b->phys & (align - 1)) && b->phys >= lo && b->phys + mem_size <= hi &&
	       b->phys >= st->pl_phys && b->phys + mem_size <= st->pl_phys + st->pl_size;
}

static int place_zimage(struct boot_state *st, u64 ram, const struct boot_zimage_info *z)
{
	const struct boot_blob *k = &st->pl.kernel;
	u64 kernel = z->kernel_size ? z->kernel_size : 4 * z->size;
	u64 dest_end = align_up(ram + z->text_offset + kernel, 4096);
	u64 top = align_down(ram, BOOT_ZIMAGE_ZRELADDR_SPAN) + BOOT_ZIMAGE_ZRELADDR_SPAN;
	u64 mem = align_up(k->size + BOOT_ZIMAGE_SLACK, 4096), lo, phys;
	int err;

	if (mem < k->mem_size)
		mem = k->mem_size;
	lo = align_up(dest_end, BOOT_PAYLOAD_KERNEL_ALIGN);
	err = dest_end < top ? claim_dest(st, ram, dest_end) : -KHO_E_NOSPC;
	if (err)
		return err;
	if (stays(st, k, mem, BOOT_PAYLOAD_KERNEL_ALIGN, lo, top)) {
		st->kernel = k->phys;
		return 0;
	}
	err = find_in(st, mem, BOOT_PAYLOAD_KERNEL_ALIGN, lo, top, 1, &phys);
	return err ? err : move(st, k, mem, phys, "kernel", &st->kernel);
}

static int place_dtb(struct boot_state *st, const void *dt, u64 lo, u64 hi)
{
	void *to;
	int err;

	st->dtb_cap = align_up(fdt_totalsize(dt) + BOOT_DTB_SLACK, 4096);
	err = find_in(st, st->dtb_cap, 4096, lo, hi, 0, &st->dtb);
	if (!err)
		err = kho_rmap_add(&st->rm, st->dtb, st->dtb + st->dtb_cap,
				   KHO_KIND_PAYLOAD, "dtb");
	to = err ? NULL : kho_mem_ptr(st->mem, st->dtb, st->dtb_cap, &err);
	if (!to)
		return err;
	return fdt_open_into(dt, to, (int)st->dtb_cap) ? -KHO_E_FDT : 0;
}

int boot_zimage_place(struct boot_state *st, const void *dt)
{
	const struct boot_blob *i = &st->pl.initrd;
	struct boot_zimage_info z;
	u64 ram = ram_start(st->mem), lo, hi, phys;
	const void *k;
	int err;

	k = kho_mem_ptr(st->mem, st->pl.kernel.phys, st->pl.kernel.size, &err);
	if (!k)
		return err;
	err = boot_zimage_parse(k, st->pl.kernel.size, &z);
	if (!err)
		err = place_zimage(st, ram, &z);
	if (err)
		return err;
	lo = ram + BOOT_ZIMAGE_ZRELADDR_SPAN;
	hi = ram + BOOT_ZIMAGE_LOWMEM;
	if (i->size && stays(st, i, i->size, 4096, lo, hi))
		st->initrd = i->phys;
	else if (i->size && !(err = find_in(st, i->size, 4096, lo, hi, 0, &phys)))
		err = move(st, i, i->size, phys, "initrd", &st->initrd);
	return err ? err : place_dtb(st, dt, lo, hi);
}
