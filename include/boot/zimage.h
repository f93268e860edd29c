/* SPDX-License-Identifier: MIT */
/*
 * An arm (32-bit) Linux zImage as the next kernel: its header, and where a
 * stage may put it, its initrd and DTB. The zImage decompresses the kernel to
 * the start of RAM + TEXT_OFFSET and, with AUTO_ZRELADDR (every multiplatform
 * kernel), finds the start of RAM by masking its own address to 128 MiB: it
 * must run inside the first 128 MiB-aligned 128 MiB of RAM, above the kernel it
 * decompresses. The DTB and initrd must survive the decompression and lie in
 * lowmem: they go at 128 MiB and up, below 512 MiB.
 */
#ifndef BOOT_ZIMAGE_H
#define BOOT_ZIMAGE_H

#include <kho/abi.h>

#define BOOT_ZIMAGE_MAGIC 0x016f2818u	 /* at 0x24 */
#define BOOT_ZIMAGE_ENDIAN 0x04030201u	 /* at 0x30: little endian */
#define BOOT_ZIMAGE_TABLE 0x45454545u	 /* at 0x34: table offset at 0x38 */
#define BOOT_ZIMAGE_TAG_KLSZ 0x5a534c4bu /* "KLSZ": decompressed size, bss */
#define BOOT_ZIMAGE_TEXT_OFFSET 0x8000u	 /* without a KLSZ tag saying otherwise */
/* The decompressor's bss, stack and heap after the file, with Linux's 1 MiB headroom. */
#define BOOT_ZIMAGE_SLACK (1u << 20)
#define BOOT_ZIMAGE_ZRELADDR_SPAN (128ull << 20) /* AUTO_ZRELADDR's mask */
#define BOOT_ZIMAGE_LOWMEM (512ull << 20)	 /* DTB and initrd below ram + this */

struct boot_zimage_info {
	u64 size;	 /* bytes of the zImage proper (header end - start) */
	u64 kernel_size; /* decompressed kernel with its bss (KLSZ tag); 0: unknown */
	u32 text_offset; /* where in RAM the kernel lands */
};

/*
 * Check an arm zImage header in len bytes: magic, little endian, start 0
 * (position independent; a zImage linked for a fixed address is refused),
 * end within len, and the optional table of tags, each inside len; a KLSZ tag
 * gives the kernel's decompressed size (read from the zImage) plus its bss and,
 * if it has a fifth word, TEXT_OFFSET. Errors: -KHO_E_BLOB.
 */
int boot_zimage_parse(const void *image, u64 len, struct boot_zimage_info *info);

struct boot_state;

/*
 * Place a zImage payload (BOOT_PAYLOAD_F_ZIMAGE) for a cold boot without KHO:
 * the area the kernel decompresses to ([start of RAM, + TEXT_OFFSET + kernel
 * size), four times the zImage without a KLSZ tag) is checked free of firmware
 * buffers and reservations and recorded (reserved, "kernel-dest"); the zImage
 * goes to the highest free 2 MiB-aligned place above that area and below the
 * 128 MiB boundary; the initrd stays where it is if it already lies in
 * [start of RAM + 128 MiB, + 512 MiB), else it and the DTB go to the lowest free
 * place there. Copies only what must move (st->copied counts the bytes) and
 * opens the input DT into the new DTB buffer. Errors: -KHO_E_OVERLAP (the
 * kernel would decompress over a firmware buffer or reservation), -KHO_E_NOSPC,
 * -KHO_E_BLOB, -KHO_E_FDT, mem and rmap errors.
 */
int boot_zimage_place(struct boot_state *st, const void *dt);

#endif /* BOOT_ZIMAGE_H */
