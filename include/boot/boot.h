/* SPDX-License-Identifier: MIT */
/*
 * The boot flow of a khofw stage, portable and host-testable: read the firmware
 * buffers the board declares, protect everything, choose scratch areas the way
 * Linux 7.3 sizes them, place the next kernel, initrd and DTB inside scratch
 * (in place when the container is already there), and build the hand-over: KHO
 * state, a CMA pool, /chosen. The stage then only cleans caches and jumps.
 *
 * All memory is reached through a struct kho_mem; nothing is written outside
 * memory the reservation map proves free or owned.
 */
#ifndef BOOT_BOOT_H
#define BOOT_BOOT_H

#include <boot/payload.h>
#include <kho/in.h>
#include <kho/out.h>
#include <kho/rmap.h>

#define BOOT_MAX_FW_BUFS 8
#define BOOT_MAX_SCRATCH 8
#define BOOT_MAX_ALLOC 16
#define BOOT_DTB_SLACK (64u << 10) /* room for the nodes and properties we add */

enum boot_fw_kind {
	BOOT_FW_LOG = 1, /* handed over as a memblock reserve_mem region */
	BOOT_FW_DMA,	 /* a device's DMA buffer: struct dma_alloc_ser */
};

/* A buffer the board's DT declares under /firmware/khofw. */
struct boot_fw_buf {
	const char *name; /* node name */
	u64 phys;
	u64 size;
	u32 kind;	    /* enum boot_fw_kind */
	u32 coherent;	    /* DMA: 1 if the device is dma-coherent */
	u64 attrs;	    /* DMA: DMA_ATTR_* */
	u32 decrypted;	    /* DMA: khofw,dma-decrypted (force-decrypted memory) */
	const char *device; /* DMA: DT path of the device */
	u64 seed;	    /* khofw,pattern-seed: fill with the test pattern (0: no) */
	/*
	 * Forwarding: an incoming reserve_mem region (log) or dma-alloc entry of
	 * the same phys and size (DMA) already holds it, preserved.
	 */
	u32 adopted;
	u32 dma_index; /* DMA: its entry in the dma-alloc blob, once listed */
};

struct boot_cfg {
	const char *log_name; /* reserve_mem name of the log buffer */
	const char *release;  /* kexec-metadata release string */
	u64 cma_size;	      /* CMA pool to describe, 0 for none */
	u64 scratch_min;      /* floor of the scratch total */
	u32 scratch_scale;    /* percent of the estimate, Linux's default is 200 */
	u32 page_shift;
	u32 dma_short_count; /* test only: preserve DMA buffers as size >> page_shift
			      * order-0 pages (a known-wrong firmware, lib/boot/dma.c) */
};

struct boot_state {
	const struct kho_mem *mem;
	struct kho_rmap rm;
	struct boot_cfg cfg;
	struct boot_payload pl;
	u64 pl_phys; /* the container as given */
	u64 pl_size;
	struct boot_fw_buf fw[BOOT_MAX_FW_BUFS];
	unsigned int nr_fw;
	struct kho_scratch scratch[BOOT_MAX_SCRATCH];
	unsigned int nr_scratch;
	u64 kernel;	  /* final kernel address */
	u64 initrd;	  /* final initrd address */
	u64 dtb;	  /* the DTB handed to the kernel */
	u64 dtb_cap;	  /* its buffer size */
	u64 cma;	  /* CMA pool base, 0 if none */
	u64 copied;	  /* payload bytes copied */
	u32 abi;	  /* KHO ABI produced, 0 for none (reserved-memory only) */
	int forward;	  /* a previous kernel's hand-over is being forwarded */
	struct kho_in in; /* that hand-over */
	struct kho_out out;
	/* Pages boot_page_alloc() handed out, merged; too many: alloc_lost. */
	struct kho_scratch alloc[BOOT_MAX_ALLOC];
	unsigned int nr_alloc;
	int alloc_lost;
};

/* Start: rm uses storage[0..cap). */
void boot_init(struct boot_state *st, const struct kho_mem *mem,
	       struct kho_range *storage, unsigned int cap, const struct boot_cfg *cfg);

/* Record [start, end) as this firmware's own (image, stack, pools). */
int boot_protect_firmware(struct boot_state *st, u64 start, u64 end, const char *label);

/*
 * Take the previous kernel's hand-over that dt's /chosen points at: validate all of
 * it and record it in the reservation map (KHO FDT, scratch areas and array, map
 * pages, preserved blocks, sub-blobs) before anything is written. From then on
 * scratch is the incoming scratch, firmware buffers that collide with the
 * hand-over move to free memory (the log is adopted if a previous hop left it as
 * a reserve_mem region, a DMA buffer if an incoming dma-alloc entry has its phys
 * and size), and boot_handoff() forwards the incoming state with the firmware's
 * own added (dma-alloc entries and khofw records merged, docs/dma.md). Incoming
 * dma-alloc and khofw blobs are checked here too. Returns 0, -KHO_E_NO_HANDOVER
 * (none: a cold boot), or the error that rejects it (-KHO_E_BLOB for a malformed
 * dma-alloc or khofw blob; the caller applies its policy; the map then holds
 * part of the hand-over and must not be used for a KHO boot).
 */
int boot_take_handover(struct boot_state *st, const void *dt);

/*
 * boot_take_handover() with /chosen already found at offset chosen of dt (the
 * stage indexes its DT once). Same errors, and kho_dt_read_chosen()'s.
 */
int boot_take_handover_at(struct boot_state *st, const void *dt, int chosen);

/*
 * Find a reserve_mem region by name in the incoming memblock sub-FDT (checked as
 * untrusted: FDT structure, compatibles, 8-byte start and size, preserved).
 * Errors: -KHO_E_NOT_FOUND, -KHO_E_BLOB, mem errors.
 */
int boot_in_resmem(const struct boot_state *st, const char *name, u64 *start, u64 *size);

/*
 * Read the firmware buffers of board_dt's /firmware/khofw: children with reg and
 * khofw,kind = "log" | "dma"; DMA ones name their device by khofw,device (a path
 * in board_dt) and may carry khofw,dma-attrs. A DMA buffer is coherent when the
 * device or its nearest ancestor saying so has dma-coherent (dma-noncoherent says
 * no; the arm64 default is non-coherent). Buffers are recorded as firmware.
 * Returns how many, or -KHO_E_NOT_FOUND (no node), -KHO_E_PROP, -KHO_E_NOSPC,
 * -KHO_E_MISALIGNED (not page aligned), -KHO_E_OUTSIDE_RAM, rmap errors.
 */
int boot_read_fw(struct boot_state *st, const void *board_dt);

/*
 * Take the payload container at [phys, phys+len) (the stage's initrd) and the
 * input DTB at dt (recorded so nothing is placed over them before they are read).
 * Errors: boot_payload_parse() errors, -KHO_E_OUTSIDE_RAM, -KHO_E_UNMAPPED.
 */
int boot_take_payload(struct boot_state *st, u64 phys, u64 len, int check_data);

/*
 * Scratch total the next kernel needs for its early allocations, as Linux 7.3
 * sizes it (scale x what a boot reserves: memmap, page tables, kernel, initrd,
 * DTB and early allocations), rounded up to the scratch alignment, at least the floor.
 */
u64 boot_scratch_estimate(const struct boot_state *st);

/*
 * Choose scratch areas (aligned to the ABI's scratch alignment) that avoid every
 * protected range: first an area around the payload container so the kernel stays
 * where it is, else the highest free areas. Errors: -KHO_E_NOSPC.
 */
int boot_plan_scratch(struct boot_state *st, u64 dt_phys, u64 dt_size);

/*
 * Place kernel (2 MiB aligned), initrd and the DTB inside scratch, copying only
 * what is not already in place (st->copied counts the bytes), and open the input
 * DT into the new DTB buffer. Errors: -KHO_E_NOSPC, -KHO_E_FDT, mem errors.
 */
int boot_place(struct boot_state *st, const void *dt);

/*
 * Find the highest free, aligned [phys, phys+size) in RAM that no range of the
 * reservation map touches (not recorded). Errors: -KHO_E_NOSPC.
 */
int boot_find_free(const struct boot_state *st, u64 size, u64 align, u64 *phys);

/* A struct kho_page_alloc that hands out boot_find_free() pages. */
struct kho_page_alloc boot_page_alloc(struct boot_state *st);

/*
 * Build the hand-over into the placed DTB: a CMA pool (/reserved-memory,
 * shared-dma-pool, reusable, linux,cma-default), and either KHO state (the log as
 * reserve_mem, DMA buffers as dma_alloc_ser entries, kexec-metadata, the scratch
 * array, /chosen) or, for a kernel without KHO, /reserved-memory nodes for the
 * firmware buffers. Also /chosen bootargs and linux,initrd-*.
 * Errors: kho_out_*() errors, -KHO_E_FDT.
 */
int boot_handoff(struct boot_state *st);

/*
 * Fill every firmware buffer that has a pattern seed with the pattern (through
 * mem, so a non-coherent buffer is written through its non-cacheable mapping).
 * Errors: kho_mem_ptr() errors.
 */
int boot_fill_fw(const struct boot_state *st);

/*
 * After a rejected hand-over (policy "cold"): boot the payload without KHO,
 * writing only inside the payload container (see lib/boot/fallback.c). The
 * reservation map restarts in storage and then lists only what was written.
 * Errors: -KHO_E_NOSPC (the DTB does not fit before the kernel), -KHO_E_FDT.
 */
int boot_fallback_owned(struct boot_state *st, const void *dt, struct kho_range *storage,
			unsigned int cap);

/*
 * Call fn for each range the stage wrote and must clean to PoC before the jump.
 * Forwarding, the map and preserved ranges are mostly the previous kernel's: the
 * pages boot_page_alloc() handed out and the buffers filled stand for them (all
 * of them again if more than BOOT_MAX_ALLOC runs of pages were handed out).
 */
void boot_for_each_written(const struct boot_state *st,
			   void (*fn)(void *arg, u64 phys, u64 size), void *arg);

#endif /* BOOT_BOOT_H */
