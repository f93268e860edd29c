/* SPDX-License-Identifier: MIT */
/*
 * The boot stage's own services: entry, logging, its footprint,
 * the identity map and the kernel command line. stage_start() (start.c) brings
 * the CPU, console, DT and MMU up and calls stage_run(), which does the real
 * work (stage/run.c); a weak stage_run() that only reports "no payload" lets the
 * stage boot on its own.
 */
#ifndef STAGE_STAGE_H
#define STAGE_STAGE_H

#include <kho/abi.h>
#include <kho/map.h>
#include <khofw/arch.h>
#include <stdarg.h>

/* Called by arch entry code with x0 as the previous stage left it. */
void __attribute__((noreturn)) stage_start(u64 x0);

/* ------------------------------- the OS DT -------------------------------- */

#define STAGE_DT_MAX_TOP 64

/*
 * The DT the stage was given (never edited), with its root's children found in
 * one pass (stage/dt.c): a lookup by path in libfdt walks every tag before the
 * node it finds.
 */
struct stage_dt {
	const void *fdt;
	int chosen; /* /chosen, or -FDT_ERR_NOTFOUND */
	int more;   /* more children than top[] holds: lookups go to libfdt */
	unsigned int nr;
	int top[STAGE_DT_MAX_TOP]; /* offsets of the root's children */
	u64 typed;		   /* bit i: top[i] has a device_type */
};

/*
 * Index fdt, which passed kho_fdt_check(). Errors: -KHO_E_FDT_HEADER (a struct
 * block not 4-byte aligned, or a tag out of bounds).
 */
int stage_dt_scan(const void *fdt, struct stage_dt *d);

/*
 * Offset of the root's child called name (len bytes; "name" also finds
 * "name@unit", as in libfdt), or a negative libfdt error.
 */
int stage_dt_child(const struct stage_dt *d, const char *name, int len);

/*
 * Offset of the node at path (len bytes, or an alias of /aliases) and in *parent
 * its parent's, or a negative libfdt error (then *parent is undefined).
 */
int stage_dt_path(const struct stage_dt *d, const char *path, int len, int *parent);

/* kho_dt_for_each_memory() over the root's children found. Same errors. */
int stage_dt_for_each_memory(const struct stage_dt *d,
			     int (*fn)(void *arg, u64 base, u64 size), void *arg);

/*
 * stage_dt_for_each_memory(), read once per DT (start.c): the banks as recorded.
 * Errors: stage_dt_for_each_memory()'s, fn's.
 */
int stage_for_each_bank(const struct stage_dt *dt,
			int (*fn)(void *arg, u64 base, u64 size), void *arg);

/*
 * The work after the MMU is on, given the validated DT (at most
 * CONFIG_STAGE_DTB_MAX_SIZE bytes, already passed kho_fdt_check()). Should not
 * return; if it does, stage_start() panics.
 */
void stage_run(const struct stage_dt *dt);

/* ---------------------------------- log ---------------------------------- */

/* One console line "[    s.uuuuuu] msg" (the newline is added). */
void stage_log(const char *fmt, ...) __attribute__((format(__printf__, 1, 2)));
void stage_vlog(const char *fmt, va_list ap) __attribute__((format(__printf__, 1, 0)));

/* Log "khofw: panic: msg" and halt. */
void __attribute__((noreturn)) stage_panic(const char *fmt, ...)
	__attribute__((format(__printf__, 1, 2)));

/* ------------------------------- footprint ------------------------------- */

/*
 * Physical extent of the loaded stage, [start, end): image, bss, stack and page
 * table pool (the Image header's image_size). It must be protected
 * (KHO_KIND_FIRMWARE) until the jump.
 */
u64 stage_image_start(void);
u64 stage_image_end(void);

/* ---------------------------------- MMU ---------------------------------- */

#define STAGE_MAX_REGIONS 40

/*
 * Identity-map RAM (/memory of dt, rounded inwards to 4 KiB, plus the stage's
 * own image) write-back, the board's device regions Device-nGnRE, then the extra
 * regions as given, in order (later override earlier: pass non-coherent DMA
 * buffers as ARCH_MEM_NORMAL_NC, 4 KiB aligned), from the stage's table pool;
 * turn the MMU on, or re-map if it is on. Errors: -KHO_E_NOSPC (over
 * STAGE_MAX_REGIONS regions), kho_dt_for_each_memory() errors, arch_mmu_enable()
 * errors (then the MMU is off).
 */
int stage_mmu_map(const struct stage_dt *dt, const struct arch_region *extra,
		  unsigned int n_extra);

/* ------------------------------- bootargs -------------------------------- */

/*
 * The value of key=value in /chosen/bootargs (the first word that matches):
 * a pointer into the DT and its length in *len, "" for a bare "key", NULL if
 * absent.
 */
const char *stage_bootarg(const struct stage_dt *dt, const char *key, int *len);

/*
 * key's value as a number (decimal or 0x hex). Errors: -KHO_E_NOT_FOUND,
 * -KHO_E_INVAL (not a number, or too large).
 */
int stage_bootarg_u64(const struct stage_dt *dt, const char *key, u64 *val);

#endif /* STAGE_STAGE_H */
