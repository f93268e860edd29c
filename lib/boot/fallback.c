/* SPDX-License-Identifier: MIT */
/*
 * Cold boot after a rejected hand-over, writing only memory the stage can prove
 * is its own: the payload container (given to it as its initrd) and nothing
 * else. Nothing of the rejected hand-over, not even its scratch areas, is trusted.
 * The kernel moves down inside the container to the 2 MiB boundary at or below it
 * (the container puts it at offset 2 MiB, so that boundary is never before the
 * container), and the new DTB is written into the container's first 2 MiB, which
 * hold only the header. The kernel then boots without KHO: preserved memory is lost,
 * which is what the policy asks for.
 */
#include <boot/boot.h>
#include <kho/dt.h>
#include <kho/err.h>
#include <libfdt.h>
#include <string.h>
#include "internal.h"

int boot_fallback_owned(struct boot_state *st, const void *dt, struct kho_range *storage,
			unsigned int cap)
{
	u64 a = BOOT_PAYLOAD_KERNEL_ALIGN, dtb = st->pl_phys + BOOT_PAYLOAD_ALIGN;
	u64 kernel = st->pl.kernel.phys & ~(a - 1);
	void *from, *to, *dst;
	int err;

	if (kernel < dtb || kernel - dtb < fdt_totalsize(dt) + BOOT_DTB_SLACK)
		return -KHO_E_NOSPC;
	from = kho_mem_ptr(st->mem, st->pl.kernel.phys, st->pl.kernel.size, &err);
	to = from ? kho_mem_ptr(st->mem, kernel, st->pl.kernel.mem_size, &err) : NULL;
	dst = to ? kho_mem_ptr(st->mem, dtb, kernel - dtb, &err) : NULL;
	if (!dst)
		return err;
	if (kernel != st->pl.kernel.phys) {
		memmove(to, from, st->pl.kernel.size);
		st->copied += st->pl.kernel.size;
	}
	st->kernel = kernel;
	st->initrd = st->pl.initrd.phys;
	st->dtb = dtb;
	st->dtb_cap = kernel - dtb;
	st->forward = 0;
	st->nr_fw = 0;
	st->abi = 0;
	/* What was written, for the cache clean; nothing else is tracked. */
	kho_rmap_init(&st->rm, storage, cap);
	err = kho_rmap_add(&st->rm, kernel, kernel + st->pl.kernel.mem_size,
			   KHO_KIND_PAYLOAD, "kernel");
	if (!err)
		err = kho_rmap_add(&st->rm, dtb, kernel, KHO_KIND_PAYLOAD, "dtb");
	if (!err && fdt_open_into(dt, dst, (int)st->dtb_cap))
		err = -KHO_E_FDT;
	if (!err)
		err = boot_chosen_common(st, dst);
	return err ? err : kho_dt_clear_chosen(dst);
}
