// SPDX-License-Identifier: MIT
/*
 * Kexec HandOver in U-Boot (include/kho_boot.h). The incoming hand-over and the
 * buffers U-Boot preserves live in one reservation map (libkho's rmap, in a
 * lib/boot boot_state). The map is mirrored into LMB so nothing U-Boot allocates
 * lands on it, checked before booti/bootm write a kernel, and turned into the
 * next kernel's hand-over at FDT fixup: forwarded by lib/boot when a kernel
 * kexec'd into U-Boot, built here when U-Boot starts the first one.
 */
#include <env.h>
#include <errno.h>
#include <event.h>
#include <kho_boot.h>
#include <lmb.h>
#include <log.h>
#include <malloc.h>
#include <mapmem.h>
#include <asm/global_data.h>
#include <asm/sections.h>
#include <linux/libfdt.h>
#include <linux/sizes.h>
#include <linux/string.h>

#include <boot/boot.h>
#include <boot/dma.h>
#include <kho/err.h>
#include "internal.h" /* lib/boot: boot_forward_kho() */

DECLARE_GLOBAL_DATA_PTR;

#define KHO_UB_RANGES 4096
#define KHO_UB_PAGE_SHIFT 12
#define KHO_UB_PAGE (1ul << KHO_UB_PAGE_SHIFT)

struct kho_ub_buf {
	char name[RESERVE_MEM_NAME_SIZE];
	u64 phys;
	u64 size;
};

static struct kho_ub {
	int done;	       /* kho_boot_setup() has run */
	int in_err;	       /* 0: hand-over taken; -KHO_E_NO_HANDOVER; else rejected */
	struct kho_mem mem;    /* RAM of the control DT, identity-mapped */
	struct boot_state st;  /* incoming hand-over, U-Boot, U-Boot's buffers */
	struct boot_state out; /* one outgoing build, from a copy of st */
	struct kho_range *out_r;
	struct kho_ub_buf buf[RESERVE_MEM_MAX_ENTRIES];
	unsigned int nr_buf;
	char dev[BOOT_MAX_FW_BUFS][64]; /* DMA device paths */
	u64 out_fdt;			/* KHO FDT of the last fixup, 0 if none */
} ub;

/* Labels of U-Boot's own ranges: never handed over, never reserved again. */
static const char label_uboot[] = "u-boot";
static const char label_lmb[] = "u-boot-lmb";

static int to_errno(int err)
{
	switch (err) {
	case 0:
		return 0;
	case -KHO_E_NOSPC:
		return -ENOSPC;
	case -KHO_E_NOMEM:
		return -ENOMEM;
	case -KHO_E_OVERLAP:
	case -KHO_E_PROTECTED:
		return -EBUSY;
	case -KHO_E_INVAL:
	case -KHO_E_MISALIGNED:
		return -EINVAL;
	default:
		return -EIO;
	}
}

static int is_uboot(const struct kho_range *r)
{
	return r->kind == KHO_KIND_FIRMWARE &&
	       (r->label == label_uboot || r->label == label_lmb);
}

/* Memory no write of U-Boot may touch: all but scratch and payloads. */
static int is_protected(const struct kho_range *r)
{
	return r->kind != KHO_KIND_SCRATCH && r->kind != KHO_KIND_PAYLOAD;
}

/* What must stay where it is while U-Boot relocates: [start, end) pairs. */
struct kho_ub_keep {
	u64 r[5][2];
	unsigned int n;
};

static void keep(struct kho_ub_keep *k, u64 start, u64 size)
{
	if (size) {
		k->r[k->n][0] = start;
		k->r[k->n][1] = start + size;
		k->n++;
	}
}

static u64 dt_u64(const void *fdt, int node, const char *name)
{
	int len;
	const fdt32_t *p = fdt_getprop(fdt, node, name, &len);

	if (p && len == 4)
		return fdt32_to_cpu(p[0]);
	return p && len == 8 ? ((u64)fdt32_to_cpu(p[0]) << 32) | fdt32_to_cpu(p[1]) : 0;
}

/*
 * The running image (with its early stack), the DT, the initrd, the KHO FDT and
 * the scratch array: a kexec'ing kernel put all but the KHO FDT in scratch.
 */
static void keep_entry_state(struct kho_ub_keep *k, const struct kho_chosen *ch)
{
	const void *fdt = gd->fdt_blob;
	int chosen = fdt_path_offset(fdt, "/chosen");
	u64 start = (uintptr_t)__image_copy_start, end = (uintptr_t)_end;
	u64 rd = dt_u64(fdt, chosen, "linux,initrd-start");

	/* The Image header's image_size covers BSS and the early stack. */
	if (IS_ENABLED(CONFIG_LINUX_KERNEL_IMAGE_HEADER))
		end = start + kho_get_u64((const u8 *)__image_copy_start + 16);
	keep(k, start, end - start);
	keep(k, (uintptr_t)fdt, fdt_totalsize(fdt));
	if (rd && dt_u64(fdt, chosen, "linux,initrd-end") > rd)
		keep(k, rd, dt_u64(fdt, chosen, "linux,initrd-end") - rd);
	keep(k, ch->fdt_phys, ch->fdt_len);
	keep(k, ch->scratch_phys, ch->scratch_len);
}

/* Can U-Boot take [top - need, top) of the area [lo, hi)? */
static int fits(const struct kho_ub_keep *k, u64 lo, u64 hi, u64 top, u64 need)
{
	if (top > hi || top < lo + need)
		return 0;
	for (unsigned int i = 0; i < k->n; i++)
		if (k->r[i][0] < top && top - need < k->r[i][1])
			return 0;
	return 1;
}

/*
 * The highest top in [lo, hi): the area's end or just under something kept,
 * 64 KiB aligned (U-Boot's page tables sit right under it).
 */
static u64 best_top(const struct kho_ub_keep *k, u64 lo, u64 hi, u64 need, u64 best)
{
	u64 top = ALIGN_DOWN(hi, SZ_64K);

	if (fits(k, lo, hi, top, need) && top > best)
		best = top;
	for (unsigned int i = 0; i < k->n; i++) {
		top = ALIGN_DOWN(k->r[i][0], SZ_64K);
		if (fits(k, lo, hi, top, need) && top > best)
			best = top;
	}
	return best;
}

phys_addr_t kho_boot_ram_top(phys_addr_t top, phys_size_t need)
{
	const struct kho_scratch *sc;
	struct kho_ub_keep k = { .n = 0 };
	struct kho_chosen ch;
	u64 best = 0, n;

	if (!gd->fdt_blob || kho_dt_get_chosen(gd->fdt_blob, &ch) || !ch.scratch_len)
		return top;
	n = ch.scratch_len / sizeof(*sc);
	if (ch.scratch_phys < gd->ram_base || ch.scratch_phys + ch.scratch_len > top ||
	    ch.scratch_len % sizeof(*sc) || n > 64)
		return top;
	keep_entry_state(&k, &ch);
	/* Before relocation the MMU is off: physical addresses are ours. */
	sc = (const void *)(uintptr_t)ch.scratch_phys;
	/* Code, malloc, the stack LMB reserves, page tables, DT and video. */
	need += CONFIG_SYS_MALLOC_LEN + CONFIG_STACK_SIZE + SZ_16M;
	for (u64 i = 0; i < n; i++) {
		u64 start = kho_get_u64(&sc[i].addr), size = kho_get_u64(&sc[i].size);

		if (start >= gd->ram_base && start + size <= top && start + size > start)
			best = best_top(&k, start, start + size, need, best);
	}
	if (!best) {
		printf("kho: no scratch area holds U-Boot; relocating to the top of "
		       "RAM\n");
		return top;
	}
	return (phys_addr_t)best;
}

/* U-Boot's buffers are firmware in the map until the hand-over preserves them. */
static const char *kind_name(const struct kho_range *r)
{
	if (r->kind == KHO_KIND_FIRMWARE && !is_uboot(r))
		return "preserved (by U-Boot)";
	return kho_kind_name(r->kind);
}

/* Print where a range of the map lies, with its kind and label. */
static void print_range(const char *prefix, const struct kho_range *r)
{
	printf("%s0x%010llx-0x%010llx %-9s %s\n", prefix, (unsigned long long)r->start,
	       (unsigned long long)r->end, kind_name(r), r->label ? r->label : "");
}

/* Start over without a hand-over: U-Boot's own region only. */
static int restart(struct kho_range *storage)
{
	struct boot_cfg cfg = {
		.release = "u-boot",
		.scratch_min = SZ_64M,
		.page_shift = KHO_UB_PAGE_SHIFT,
	};
	u64 lo = gd->start_addr_sp - CONFIG_STACK_SIZE;

	boot_init(&ub.st, &ub.mem, storage, KHO_UB_RANGES, &cfg);
	return boot_protect_firmware(&ub.st, lo, gd->ram_top, label_uboot);
}

int kho_boot_setup(void)
{
	struct kho_range *r;
	int err;

	if (ub.done)
		return ub.in_err && ub.in_err != -KHO_E_NO_HANDOVER ? -EINVAL : 0;
	ub.done = 1;
	r = calloc(2 * KHO_UB_RANGES, sizeof(*r));
	if (!r) {
		ub.in_err = -KHO_E_NOMEM;
		return -ENOMEM;
	}
	ub.out_r = r + KHO_UB_RANGES;
	kho_mem_init(&ub.mem);
	err = kho_mem_from_dt(&ub.mem, gd->fdt_blob, 1);
	err = err < 0 ? err : restart(r);
	if (!err)
		err = boot_take_handover(&ub.st, gd->fdt_blob);
	ub.in_err = err;
	if (!err || err == -KHO_E_NO_HANDOVER)
		return 0;
	printf("kho: incoming hand-over rejected: %s\n", kho_strerror(err));
	if (err == -KHO_E_PROTECTED)
		printf("kho: U-Boot itself lies over memory the hand-over preserves\n");
	/* Never trusted in part: continue as if there were none. */
	restart(r);
	return -EINVAL;
}

/* Is [start, end) inside one region LMB keeps from being overwritten? */
static int lmb_kept(u64 start, u64 end)
{
	struct lmb *lmb = lmb_get();
	struct lmb_region *rg = lmb->used_mem.data;

	for (unsigned int i = 0; i < lmb->used_mem.count; i++)
		if ((rg[i].flags & LMB_NOOVERWRITE) && rg[i].base <= start &&
		    end - rg[i].base <= rg[i].size)
			return 1;
	return 0;
}

/* LMB reservation of one range (once); a clash with U-Boot's own is reported. */
static int lmb_protect(const struct kho_range *r)
{
	u64 end = r->end;

	if (r->start != (phys_addr_t)r->start || end - 1 != (phys_addr_t)(end - 1))
		return 0; /* beyond what U-Boot addresses: it cannot write there */
	if (lmb_kept(r->start, end) ||
	    !lmb_reserve_flags(r->start, end - r->start, LMB_NOOVERWRITE))
		return 0;
	print_range("kho: already in use by U-Boot: ", r);
	return -EBUSY;
}

static int lmb_protect_map(const struct kho_rmap *rm)
{
	int ret = 0;

	for (unsigned int i = 0; i < rm->nr; i++)
		if (is_protected(&rm->r[i]) && !is_uboot(&rm->r[i]) &&
		    lmb_protect(&rm->r[i]))
			ret = -EBUSY;
	return ret;
}

int kho_boot_reserve(void)
{
	/* A rejected hand-over left only U-Boot's own buffers in the map. */
	kho_boot_setup();
	return lmb_protect_map(&ub.st.rm);
}

/* First protected range that [start, end) overlaps, or NULL. */
static const struct kho_range *first_protected(u64 start, u64 end)
{
	const struct kho_rmap *rm = &ub.st.rm;

	for (unsigned int k = kho_rmap_lower_bound(rm, start);
	     k < rm->nr && rm->r[k].start < end; k++)
		if (is_protected(&rm->r[k]))
			return &rm->r[k];
	return NULL;
}

int kho_boot_check(ulong start, ulong size, const char *what)
{
	const struct kho_range *r;

	kho_boot_setup();
	if (!size)
		return 0;
	r = first_protected(start, (u64)start + size);
	if (!r)
		return 0;
	printf("kho: %s at 0x%lx-0x%lx would overwrite %s memory 0x%llx-0x%llx%s%s\n",
	       what, start, start + size, kind_name(r), (unsigned long long)r->start,
	       (unsigned long long)r->end, r->label ? " " : "", r->label ? r->label : "");
	return -EBUSY;
}

ulong kho_boot_room(ulong start, ulong max)
{
	const struct kho_range *r;

	kho_boot_setup();
	r = first_protected(start, (u64)start + max);
	if (!r)
		return max;
	return r->start <= start ? 0 : (ulong)(r->start - start);
}

/* Record [addr, addr+size) as U-Boot's buffer and reserve it in LMB. */
static int claim(u64 addr, u64 size, const char *label)
{
	struct kho_range r = { addr, addr + size, KHO_KIND_FIRMWARE, label };
	const struct kho_range *o;
	int err = kho_rmap_add(&ub.st.rm, addr, addr + size, KHO_KIND_FIRMWARE, label);

	if (err) {
		o = first_protected(addr, addr + size);
		printf("kho: 0x%llx-0x%llx: %s\n", (unsigned long long)addr,
		       (unsigned long long)(addr + size), kho_strerror(err));
		if (o)
			print_range("kho: it overlaps ", o);
		return to_errno(err);
	}
	if (lmb_protect(&r)) {
		kho_rmap_remove(&ub.st.rm, addr, addr + size, KHO_KIND_FIRMWARE);
		return -EBUSY;
	}
	return 0;
}

static int page_aligned(ulong addr, ulong size)
{
	return size && !(addr % KHO_UB_PAGE) && !(size % KHO_UB_PAGE) &&
	       addr + size > addr;
}

int kho_boot_preserve(ulong addr, ulong size, const char *name)
{
	struct kho_ub_buf *b = &ub.buf[ub.nr_buf];
	int err;

	kho_boot_setup();
	if (!page_aligned(addr, size) || !*name || strlen(name) >= sizeof(b->name)) {
		printf("kho: preserve needs a page-aligned range and a name of 1-15 "
		       "characters\n");
		return -EINVAL;
	}
	for (unsigned int i = 0; i < ub.nr_buf; i++)
		if (!strcmp(ub.buf[i].name, name)) {
			printf("kho: '%s' is already preserved\n", name);
			return -EINVAL;
		}
	if (ub.nr_buf == RESERVE_MEM_MAX_ENTRIES) {
		printf("kho: at most %u reserve_mem regions\n", RESERVE_MEM_MAX_ENTRIES);
		return -ENOSPC;
	}
	strlcpy(b->name, name, sizeof(b->name));
	err = claim(addr, size, b->name);
	if (err)
		return err;
	b->phys = addr;
	b->size = size;
	ub.nr_buf++;
	return 0;
}

/* Linux's of_dma_is_coherent(): the nearest node that says, else non-coherent. */
static u32 dt_coherent(const void *fdt, int node)
{
	for (; node >= 0; node = fdt_parent_offset(fdt, node)) {
		if (fdt_getprop(fdt, node, "dma-coherent", NULL))
			return 1;
		if (fdt_getprop(fdt, node, "dma-noncoherent", NULL))
			return 0;
	}
	return 0;
}

int kho_boot_dma(ulong addr, ulong size, const char *path)
{
	struct boot_state *st = &ub.st;
	struct boot_fw_buf *b = &st->fw[st->nr_fw];
	int node, err;
	u64 extent;

	kho_boot_setup();
	node = fdt_path_offset(gd->fdt_blob, path);
	if (node < 0 || strlen(path) >= sizeof(ub.dev[0])) {
		printf("kho: no device %s in the DT\n", path);
		return -EINVAL;
	}
	if (st->nr_fw == BOOT_MAX_FW_BUFS)
		return -ENOSPC;
	memset(b, 0, sizeof(*b));
	b->kind = BOOT_FW_DMA;
	b->size = size;
	extent = boot_fw_extent(st, b);
	if (!page_aligned(addr, size) || addr % extent) {
		printf("kho: a DMA buffer is aligned to its %llu-byte block\n",
		       (unsigned long long)extent);
		return -EINVAL;
	}
	strlcpy(ub.dev[st->nr_fw], path, sizeof(ub.dev[0]));
	b->name = "dma";
	b->phys = addr;
	b->device = ub.dev[st->nr_fw];
	b->coherent = dt_coherent(gd->fdt_blob, node);
	err = claim(addr, extent, b->device);
	if (!err)
		st->nr_fw++;
	return err;
}

/* The parts of [start, end) no range of rm covers, recorded as U-Boot's. */
static int add_gaps(struct kho_rmap *rm, u64 start, u64 end)
{
	while (start < end) {
		unsigned int k = kho_rmap_lower_bound(rm, start);
		u64 stop = end;
		int err;

		if (k < rm->nr && rm->r[k].start <= start) {
			start = rm->r[k].end;
			continue;
		}
		if (k < rm->nr && rm->r[k].start < end)
			stop = rm->r[k].start;
		err = kho_rmap_add(rm, start, stop, KHO_KIND_FIRMWARE, label_lmb);
		if (err)
			return err;
		start = stop;
	}
	return 0;
}

/* Everything U-Boot has placed (kernel, initrd, DT, itself) stays out of reach. */
static int mirror_lmb(struct kho_rmap *rm)
{
	struct lmb *lmb = lmb_get();
	struct lmb_region *rg = lmb->used_mem.data;

	for (unsigned int i = 0; i < lmb->used_mem.count; i++) {
		int err = add_gaps(rm, rg[i].base, (u64)rg[i].base + rg[i].size);

		if (err)
			return err;
	}
	return 0;
}

/* The scratch array in a page of its own, outside scratch (as lib/boot does). */
static int scratch_array(struct boot_state *w)
{
	struct kho_rmap *rm = w->out.rm;
	u64 phys;
	int err = boot_find_free(w, KHO_UB_PAGE, KHO_UB_PAGE, &phys);

	if (err)
		return err;
	w->out.rm = NULL; /* the areas are recorded as scratch already */
	err = kho_out_scratch(&w->out, phys, w->scratch, w->nr_scratch);
	w->out.rm = rm;
	return err ? err
		   : kho_rmap_add(rm, phys, phys + w->out.scratch_len, KHO_KIND_META,
				  "scratch-array");
}

/* A first hand-over: one scratch area sized as Linux sizes it, then the state. */
static int first_handover(struct boot_state *w)
{
	u64 size = boot_scratch_estimate(w), phys;
	struct kho_page_alloc pa;
	int err = boot_find_free(w, size, KHO_SCRATCH_ALIGN(w->cfg.page_shift), &phys);

	if (!err)
		err = kho_rmap_add(&w->rm, phys, phys + size, KHO_KIND_SCRATCH, NULL);
	if (err)
		return err;
	w->scratch[0].addr = phys;
	w->scratch[0].size = size;
	w->nr_scratch = 1;
	w->abi = KHO_ABI_DEFAULT;
	pa = boot_page_alloc(w);
	err = kho_out_init(&w->out, w->mem, w->abi, w->cfg.page_shift, &pa, &w->rm);
	if (!err)
		err = boot_dma_preserve(w);
	if (err >= 0)
		err = kho_out_metadata(&w->out, w->cfg.release, 0);
	return err ? err : scratch_array(w);
}

/* U-Boot's buffers as reserve_mem regions; they stop being U-Boot's first. */
static int add_buffers(struct boot_state *w)
{
	for (unsigned int i = 0; i < ub.nr_buf; i++) {
		const struct kho_ub_buf *b = &ub.buf[i];
		int err = kho_rmap_remove(&w->rm, b->phys, b->phys + b->size,
					  KHO_KIND_FIRMWARE);

		if (!err)
			err = kho_out_reserve_mem(&w->out, b->name, b->phys, b->size);
		if (err < 0)
			return err;
	}
	return 0;
}

/* Does bootargs already ask for reserve_mem region name? */
static int has_resmem(const char *args, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = args; (p = strstr(p, "reserve_mem=")); p++) {
		const char *end = p + strcspn(p, " ");

		if (end - p > n && end[-n - 1] == ':' && !strncmp(end - n, name, n))
			return 1;
	}
	return 0;
}

/* Linux revives a reserve_mem region only if its command line names it. */
static int add_bootargs(void *fdt)
{
	int chosen = fdt_path_offset(fdt, "/chosen"), len = 0;
	const char *old = chosen < 0 ? NULL : fdt_getprop(fdt, chosen, "bootargs", &len);
	char *args = malloc(len + ub.nr_buf * 48 + 1);
	size_t at;
	int err;

	if (chosen < 0 || !args) {
		free(args);
		return chosen < 0 ? -KHO_E_FDT : -KHO_E_NOMEM;
	}
	at = old ? strlcpy(args, old, len + 1) : 0;
	args[at] = 0;
	for (unsigned int i = 0; i < ub.nr_buf; i++)
		if (!has_resmem(args, ub.buf[i].name))
			at += sprintf(args + at, "%sreserve_mem=0x%llx:4096:%s",
				      at ? " " : "", (unsigned long long)ub.buf[i].size,
				      ub.buf[i].name);
	err = fdt_setprop_string(fdt, chosen, "bootargs", args);
	free(args);
	return err ? -KHO_E_FDT : 0;
}

/* One outgoing build in ub.out, from a copy of the protected state. */
static int build(void *fdt)
{
	struct boot_state *w = &ub.out;
	int err;

	*w = ub.st;
	err = kho_rmap_copy(&w->rm, ub.out_r, KHO_UB_RANGES, &ub.st.rm);
	if (err)
		return err;
	w->dtb = map_to_sysmem(fdt);
	w->dtb_cap = fdt_totalsize(fdt);
	err = mirror_lmb(&w->rm);
	if (!err)
		err = w->forward ? boot_forward_kho(w, fdt) : first_handover(w);
	if (!err)
		err = add_buffers(w);
	if (!err)
		err = kho_out_finish(&w->out);
	if (!err)
		err = kho_out_chosen(&w->out, fdt);
	return err ? err : add_bootargs(fdt);
}

int kho_boot_fixup(void *fdt)
{
	struct boot_state *w = &ub.out;
	int err;

	kho_boot_setup();
	if (!ub.st.forward && !ub.nr_buf && !ub.st.nr_fw)
		return kho_dt_clear_chosen(fdt) ? -EIO : 0;
	err = build(fdt);
	if (err) {
		printf("kho: hand-over not built: %s\n", kho_strerror(err));
		return to_errno(err);
	}
	ub.out_fdt = w->out.fdt_phys;
	printf("kho: hand-over %s for the next kernel: KHO FDT at 0x%llx, %llu KiB "
	       "preserved, %u reserve_mem, %llu KiB scratch\n",
	       w->forward ? "forwarded" : "made", (unsigned long long)w->out.fdt_phys,
	       (unsigned long long)(kho_rmap_total(&w->rm, KHO_KIND_PRESERVED) >> 10),
	       w->out.nr_resmem,
	       (unsigned long long)(kho_rmap_total(&w->rm, KHO_KIND_SCRATCH) >> 10));
	/* The new pages must survive whatever U-Boot still does. */
	return lmb_protect_map(&w->rm);
}

u64 kho_boot_out_fdt(void)
{
	return ub.out_fdt;
}

void kho_boot_print_info(void)
{
	const struct kho_in *in = &ub.st.in;

	kho_boot_setup();
	if (ub.in_err == -KHO_E_NO_HANDOVER)
		printf("incoming:  none (cold boot)\n");
	else if (ub.in_err)
		printf("incoming:  rejected: %s\n", kho_strerror(ub.in_err));
	else
		printf("incoming:  %s, KHO FDT 0x%llx, %llu scratch areas, "
		       "%llu KiB preserved, %llu KiB of map pages\n",
		       kho_abi_compatible(in->abi), (unsigned long long)in->ch.fdt_phys,
		       (unsigned long long)in->nr_scratch,
		       (unsigned long long)(kho_rmap_total(&ub.st.rm,
							   KHO_KIND_PRESERVED) >>
					    10),
		       (unsigned long long)(kho_rmap_total(&ub.st.rm, KHO_KIND_MAP) >>
					    10));
	for (unsigned int i = 0; i < ub.nr_buf; i++)
		printf("preserve:  %-15s 0x%llx size 0x%llx\n", ub.buf[i].name,
		       (unsigned long long)ub.buf[i].phys,
		       (unsigned long long)ub.buf[i].size);
	for (unsigned int i = 0; i < ub.st.nr_fw; i++)
		printf("dma:       %s 0x%llx size 0x%llx%s\n", ub.st.fw[i].device,
		       (unsigned long long)ub.st.fw[i].phys,
		       (unsigned long long)ub.st.fw[i].size,
		       ub.st.fw[i].coherent ? " coherent" : "");
	if (ub.out_fdt)
		printf("outgoing:  KHO FDT 0x%llx\n", (unsigned long long)ub.out_fdt);
}

void kho_boot_print_list(void)
{
	const struct kho_rmap *rm = &ub.st.rm;

	kho_boot_setup();
	for (unsigned int i = 0; i < rm->nr; i++)
		print_range("", &rm->r[i]);
}

/* Protect the hand-over before any command can load over it. */
static int kho_boot_init(void)
{
	if (!kho_boot_setup())
		kho_boot_reserve();
	return 0;
}
EVENT_SPY_SIMPLE(EVT_LAST_STAGE_INIT, kho_boot_init);
