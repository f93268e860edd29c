/* SPDX-License-Identifier: MIT */
/*
 * The stage's boot flow on simulated RAM, for tests that need a whole hand-over
 * made by lib/boot (DMA rules, the MMU regions, the cache model's replay): a
 * board DT declaring firmware buffers, an input DT, a payload container, and the
 * calls stage/run.c makes, in its order, with a hook after each step.
 *
 * Include after <cmocka.h>: the helpers fail the running test on misuse.
 */
#ifndef KHO_TEST_BOOTSIM_H
#define KHO_TEST_BOOTSIM_H

#include <boot/boot.h>

#include "sim.h"

#define BS_RANGES 512
#define BS_STAGE SIM_LOW_BASE /* the stage image, 1 MiB */
#define BS_STAGE_SIZE 0x100000ull
#define BS_NC_DEV "/soc/nc-dev"	  /* says dma-noncoherent */
#define BS_COH_DEV "/soc/coh-dev" /* inherits the root's dma-coherent */
#define BS_MAX_BUFS 8

/* A firmware buffer for the board DT. kind "log" or "dma"; device for dma. */
struct bs_buf {
	const char *name;
	const char *kind;
	u64 phys;
	u64 size;
	u64 seed;	    /* 0: no khofw,pattern-seed */
	u32 attrs;	    /* khofw,dma-attrs */
	const char *device; /* BS_NC_DEV or BS_COH_DEV */
	int decrypted;	    /* khofw,dma-decrypted */
};

struct bootsim {
	struct sim s;
	struct boot_state st;
	struct kho_range store[BS_RANGES];
	u8 board[8192];
	/* the DT the stage is given, copied to dt_at by bs_run() */
	u8 dt[16384] __attribute__((aligned(8)));
	struct boot_cfg cfg;
	u64 container, pl_len, dt_at;
	/* Take the input DT's hand-over first (stage/run.c's take_handover). */
	int forward;
	/* Called after each step of bs_run() with its name. */
	void (*step)(void *arg, const char *name);
	void *step_arg;
};

/*
 * RAM of ram_size bytes at SIM_LOW_BASE (zeroed), an input DT with 2 address and
 * 2 size cells, and the configuration the tests use: log "khofw_log", 16 MiB of
 * CMA (4 MiB if RAM is 128 MiB or less), scratch floor 32 MiB.
 */
void bs_init(struct bootsim *b, u64 ram_size);
void bs_fini(struct bootsim *b);

/* The board DT: root dma-coherent, the two devices, /firmware/khofw with bufs. */
void bs_board(struct bootsim *b, const struct bs_buf *bufs, unsigned int n);

/* A payload container at phys for a kernel speaking abi (0: no KHO). */
void bs_payload(struct bootsim *b, u64 phys, u32 abi);

/* Add a /reserved-memory region to the input DT (no_map: with no-map). */
void bs_dt_resmem(struct bootsim *b, const char *name, u64 base, u64 size, int no_map);

/*
 * Run the stage's steps: boot_init, protect the stage image, boot_read_fw,
 * boot_take_payload, boot_plan_scratch, boot_place, boot_fill_fw, boot_handoff.
 * Returns 0 or the first error (the steps after it are not run).
 */
int bs_run(struct bootsim *b);

/* The placed DTB. */
void *bs_dtb(const struct bootsim *b);

#endif /* KHO_TEST_BOOTSIM_H */
