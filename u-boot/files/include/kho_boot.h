/* SPDX-License-Identifier: MIT */
/*
 * Kexec HandOver in U-Boot (khofw): the hand-over a kernel left when it kexec'd
 * into U-Boot, the buffers U-Boot preserves itself, and the hooks that keep
 * booti/bootm from writing over any of them. Implemented in boot/kho.c on top of
 * khofw's libkho and lib/boot; the `kho` command (cmd/kho.c) is its interface.
 *
 * Errors are U-Boot's: 0, or a negative errno (-EBUSY: a write would land on
 * protected memory; -EINVAL: bad arguments; -ENOSPC, -ENOMEM; -EIO: the
 * hand-over could not be built). Every failure is also printed.
 */
#ifndef KHO_BOOT_H
#define KHO_BOOT_H

#include <linux/types.h>

/*
 * Before relocation: the top of RAM U-Boot may relocate itself under. When the
 * DT U-Boot was given carries a KHO scratch array, that is the end of the
 * highest scratch area holding at least need bytes (scratch is the only memory
 * a kexec'ing kernel leaves free); else top.
 */
phys_addr_t kho_boot_ram_top(phys_addr_t top, phys_size_t need);

/*
 * Take the incoming hand-over from the control DT (once): validate it and
 * record everything it preserves. Returns 0 (also when there is none), or the
 * error that rejected it (-EINVAL), after which it is never used.
 */
int kho_boot_setup(void);

/*
 * Reserve in LMB, never to be overwritten: every incoming preserved block, map
 * page, KHO FDT, scratch array and sub-blob, and every buffer U-Boot preserves.
 * Called before booti/bootm write anything. Returns 0 or -EBUSY (a range was
 * already taken by U-Boot itself).
 */
int kho_boot_reserve(void);

/*
 * May [start, start+size) be written? 0, or -EBUSY after printing which
 * protected range what would overwrite.
 */
int kho_boot_check(ulong start, ulong size, const char *what);

/*
 * Bytes from start up to the first protected range, at most max: the most a
 * decompressor writing at start may produce.
 */
ulong kho_boot_room(ulong start, ulong max);

/*
 * Hand over a buffer as memblock reserve_mem region name (Linux revives it
 * given reserve_mem=<size>:<align>:<name>; the fixup adds that to bootargs).
 * addr and size must be page aligned. Errors: -EINVAL, -ENOSPC, -EBUSY (it
 * overlaps preserved memory or U-Boot).
 */
int kho_boot_preserve(ulong addr, ulong size, const char *name);

/*
 * Hand over a device's DMA buffer as a dma-alloc entry (struct dma_alloc_ser):
 * path is the device's node in the DT the kernel gets. Errors as above.
 */
int kho_boot_dma(ulong addr, ulong size, const char *path);

/*
 * Write the hand-over for the next kernel and point fdt's /chosen at it:
 * incoming state forwarded with U-Boot's buffers added, or a new hand-over
 * with scratch areas of its own. Nothing to hand over: /chosen is cleared.
 * fdt needs room for a few properties. Errors: -ENOSPC, -ENOMEM, -EIO.
 */
int kho_boot_fixup(void *fdt);

/* The KHO FDT the last kho_boot_fixup() made, 0 if none. */
u64 kho_boot_out_fdt(void);

/* Print the incoming state (kho info) and every protected range (kho list). */
void kho_boot_print_info(void);
void kho_boot_print_list(void);

#endif /* KHO_BOOT_H */
