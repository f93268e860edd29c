/* SPDX-License-Identifier: MIT */
/*
 * Forwarding a previous kernel's hand-over (Linux -> stage -> Linux): take it in
 * as untrusted input, protect all of it, and build the next hand-over from it:
 * every incoming preserved block and sub-blob carried over, the reserve_mem
 * regions listed again with the firmware's own added, the dma-alloc entries and
 * khofw records likewise (lib/boot/dma.c), kexec-metadata kept, the
 * incoming scratch (and its array) handed on unchanged. New pages (KHO FDT, map,
 * blobs) come from memory that is neither scratch nor anything recorded.
 */
#include <boot/boot.h>
#include <boot/dma.h>
#include "internal.h"
#include <kho/dt.h>
#include <kho/err.h>
#include <libfdt.h>
#include <string.h>

/* Protect an opened hand-over and check its firmware-level blobs. */
static int take_opened(struct boot_state *st, int err)
{
	if (!err)
		err = kho_in_protect(&st->in, &st->rm);
	if (!err)
		err = boot_dma_take_in(st);
	if (err)
		return err;
	st->forward = 1;
	for (u64 i = 0; i < st->in.nr_scratch && st->nr_scratch < BOOT_MAX_SCRATCH; i++)
		if (st->in.scratch[i].size)
			st->scratch[st->nr_scratch++] = st->in.scratch[i];
	return 0;
}

int boot_take_handover(struct boot_state *st, const void *dt)
{
	return take_opened(
		st, kho_in_open(&st->in, dt, st->mem, st->cfg.page_shift, KHO_ABI_AUTO));
}

int boot_take_handover_at(struct boot_state *st, const void *dt, int chosen)
{
	struct kho_chosen ch;
	int err = kho_dt_read_chosen(dt, chosen, &ch);

	if (err) {
		memset(&st->in, 0, sizeof(st->in));
		return err;
	}
	return take_opened(st, kho_in_open_at(&st->in, &ch, st->mem, st->cfg.page_shift,
					      KHO_ABI_AUTO));
}

static int resmem_u64(const void *fdt, int node, const char *name, u64 *v)
{
	int len;
	const void *p = fdt_getprop(fdt, node, name, &len);

	if (!p || len != 8)
		return -KHO_E_BLOB;
	*v = kho_get_u64(p);
	return 0;
}

/* The incoming memblock sub-FDT, checked, or NULL with *err. */
static const void *in_memblock(const struct boot_state *st, int *err)
{
	struct kho_blob b;
	const void *fdt;

	*err = kho_in_find_blob(&st->in, MEMBLOCK_KHO_FDT, &b);
	if (*err)
		return NULL;
	fdt = kho_mem_ptr(st->mem, b.phys, b.size, err);
	if (fdt && (kho_fdt_check(fdt, b.size) ||
		    fdt_node_check_compatible(fdt, 0, MEMBLOCK_KHO_NODE_COMPATIBLE))) {
		*err = -KHO_E_BLOB;
		return NULL;
	}
	return fdt;
}

/* A checked reserve_mem child: name, start and size, preserved in the map. */
static int resmem_child(const struct boot_state *st, const void *fdt, int node,
			u64 *start, u64 *size)
{
	if (fdt_node_check_compatible(fdt, node, RESERVE_MEM_KHO_NODE_COMPATIBLE) ||
	    resmem_u64(fdt, node, "start", start) ||
	    resmem_u64(fdt, node, "size", size) || *start + *size < *start)
		return -KHO_E_BLOB;
	if (!kho_rmap_covered(&st->rm, *start, *start + *size, KHO_KIND_PRESERVED))
		return -KHO_E_BLOB;
	return 0;
}

int boot_in_resmem(const struct boot_state *st, const char *name, u64 *start, u64 *size)
{
	int err, node;
	const void *fdt = st->forward ? in_memblock(st, &err) : NULL;

	if (!st->forward)
		return -KHO_E_NOT_FOUND;
	if (!fdt)
		return err;
	node = fdt_subnode_offset(fdt, 0, name);
	if (node < 0)
		return -KHO_E_NOT_FOUND;
	return resmem_child(st, fdt, node, start, size);
}

/* Every incoming reserve_mem region, listed again (already preserved). */
static int forward_resmem(struct boot_state *st)
{
	const void *fdt;
	int node, err;

	fdt = in_memblock(st, &err);
	if (!fdt)
		return err == -KHO_E_NOT_FOUND ? 0 : err;
	fdt_for_each_subnode (node, fdt, 0) {
		const char *name = fdt_get_name(fdt, node, NULL);
		u64 start, size;

		err = resmem_child(st, fdt, node, &start, &size);
		if (!err)
			err = kho_out_reserve_mem_listed(&st->out, name, start, size);
		if (err)
			return err;
	}
	return 0;
}

/*
 * Sub-blobs go on as they are, but those rebuilt here: memblock and
 * kexec-metadata, and dma-alloc and khofw, which get the firmware's own
 * allocations added to the incoming ones (lib/boot/dma.c).
 */
static int copy_blob(void *arg, const struct kho_blob *b)
{
	struct kho_out *out = arg;

	if (!strcmp(b->name, MEMBLOCK_KHO_FDT) ||
	    !strcmp(b->name, KHO_METADATA_NODE_NAME) ||
	    !strcmp(b->name, DMA_ALLOC_KHO_BLOB) || !strcmp(b->name, BOOT_KHOFW_BLOB))
		return 0;
	return kho_out_add_blob(out, b->name, b->phys, b->size);
}

/*
 * kexec-metadata tells the next kernel what ran before it and how many kexecs
 * since the last cold boot. A firmware hop is neither a kernel nor a kexec of
 * one: the incoming release and count go on unchanged, in a page of our own.
 */
static int forward_metadata(struct boot_state *st)
{
	const struct kho_kexec_metadata *m;
	struct kho_blob b;
	char release[KHO_NEW_UTS_LEN + 1];
	int err = kho_in_find_blob(&st->in, KHO_METADATA_NODE_NAME, &b);

	if (err == -KHO_E_NOT_FOUND)
		return kho_abi_is_v1(st->out.abi)
			       ? 0
			       : kho_out_metadata(&st->out, st->cfg.release, 0);
	if (err)
		return err;
	m = b.size >= sizeof(*m) ? kho_mem_ptr(st->mem, b.phys, sizeof(*m), &err) : NULL;
	if (!m || m->version != KHO_KEXEC_METADATA_VERSION ||
	    !memchr(m->previous_release, 0, sizeof(m->previous_release)))
		return -KHO_E_BLOB;
	memcpy(release, m->previous_release, sizeof(release));
	return kho_out_metadata(&st->out, release, m->kexec_count);
}

int boot_forward_kho(struct boot_state *st, void *dtb)
{
	struct kho_page_alloc pa = boot_page_alloc(st);
	int err;

	st->abi = st->in.abi;
	err = kho_out_init(&st->out, st->mem, st->abi, st->cfg.page_shift, &pa, &st->rm);
	if (!err)
		err = kho_in_carry(&st->in, &st->out);
	if (!err) {
		err = kho_in_for_each_blob(&st->in, copy_blob, &st->out);
		err = err > 0 ? 0 : err;
	}
	if (!err)
		err = forward_resmem(st);
	if (!err)
		err = boot_dma_forward(st);
	if (!err)
		err = boot_preserve_fw(st);
	if (!err)
		err = forward_metadata(st);
	if (err)
		return err;
	kho_out_use_scratch(&st->out, st->in.ch.scratch_phys, st->in.ch.scratch_len);
	err = kho_out_finish(&st->out);
	return err ? err : kho_out_chosen(&st->out, dtb);
}
