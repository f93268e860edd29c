/* SPDX-License-Identifier: MIT */
/*
 * The architecture contract of the boot stages: everything the portable stage
 * code needs from the CPU, in one header (AArch64 in arch/arm64, AArch32 in
 * arch/arm, with the same file names where the roles match). Host builds of the
 * portable code supply fakes.
 */
#ifndef KHOFW_ARCH_H
#define KHOFW_ARCH_H

#include <stddef.h>
#include <stdint.h>

/*
 * First call of the stage, before the console: CPU set-up that needs nothing else
 * (AArch64: instruction cache on while the MMU is still off).
 */
void arch_early_init(void);

/* Exception level (AArch64) or mode (AArch32: 2 = HYP, 1 = SVC) the stage runs in. */
unsigned int arch_current_el(void);

/* Smallest data cache line size, from CTR. */
size_t arch_dcache_line(void);

/*
 * Clean and invalidate [start, start+len) to the point of coherency by VA, line by
 * line, then DSB SY. Used on everything the CPU wrote through a cacheable mapping
 * that a device or the next kernel (caches off) will read.
 */
void arch_clean_inval_poc(uintptr_t start, size_t len);

/* Invalidate only (after a device wrote memory the CPU is about to read); DSB after. */
void arch_inval_poc(uintptr_t start, size_t len);

/* Generic timer: counter and frequency (Hz). */
uint64_t arch_counter(void);
uint64_t arch_counter_freq(void);

/* Memory attributes of an identity-mapped region. */
enum arch_mem_attr {
	ARCH_MEM_NORMAL_WB = 0, /* RAM */
	ARCH_MEM_NORMAL_NC, /* non-coherent DMA buffers: no cacheable alias anywhere */
	ARCH_MEM_DEVICE,    /* Device-nGnRE */
};

struct arch_region {
	uint64_t base;
	uint64_t size;
	enum arch_mem_attr attr;
};

/*
 * Build identity-map tables for regions (later entries override earlier ones
 * where they overlap, so a NC buffer inside RAM ends up NC only: no cacheable
 * alias) in the page-aligned pool [pool, pool+pool_size), then enable the MMU
 * and caches. If the MMU is already on it is first turned off, so the stage can
 * re-map, e.g. to add NC regions; the pool may be the one in use. Turning it off
 * cleans the stage's own footprint to PoC (at least: AArch32 cleans the whole
 * D-cache by set/way); anything else the stage wrote through the cache it cleans
 * first. Regions mapped NC are cleaned and invalidated before they are used.
 * Returns 0 or a negative KHO error (<kho/err.h>):
 * -KHO_E_NOMEM (pool too small), -KHO_E_MISALIGNED (region not 4 KiB aligned),
 * -KHO_E_INVAL (size 0, or beyond the VA range), -KHO_E_WRAP. On error the MMU
 * is left off.
 */
int arch_mmu_enable(const struct arch_region *regions, unsigned int n, void *pool,
		    size_t pool_size);

/*
 * Leave for Linux per the boot protocol: turn MMU and caches off, clean the
 * stage's own footprint to PoC (AArch32: the whole D-cache), invalidate the
 * I-cache and TLBs, and jump to entry with x0 = dtb, x1 = x2 = x3 = 0 (AArch32:
 * r0 = 0, r1 = ~0, r2 = dtb). What the stage wrote for the kernel (image, DTB,
 * hand-over) the caller cleans first (boot_for_each_written()).
 */
void __attribute__((noreturn)) arch_boot_kernel(uint64_t entry, uint64_t dtb);

/* Stop the CPU forever (after a fatal error has been printed). */
void __attribute__((noreturn)) arch_halt(void);

#endif /* KHOFW_ARCH_H */
