/* SPDX-License-Identifier: MIT */
/*
 * The payload container: the next kernel, its initrd and command line in one
 * blob, made by tools/mkpayload and handed to the stage as its initrd (QEMU
 * -initrd, or the kexec initrd when Linux kexecs into the stage).
 *
 * Layout, all little-endian:
 *   0x00  struct boot_payload_hdr (64 bytes)
 *   0x40  struct boot_payload_entry[nr_entries] (32 bytes each)
 *   ...   entry data; the kernel at a 2 MiB-aligned offset, the rest 4 KiB-aligned
 * hdr_crc is the CRC-32 (IEEE) of the header and entries with hdr_crc read as 0;
 * each entry's crc is the CRC-32 of its data.
 */
#ifndef BOOT_PAYLOAD_H
#define BOOT_PAYLOAD_H

#include <kho/abi.h>

#define BOOT_PAYLOAD_MAGIC "KHOFWPL1"
#define BOOT_PAYLOAD_VERSION 1u
#define BOOT_PAYLOAD_MAX_ENTRIES 8u
#define BOOT_PAYLOAD_KERNEL_ALIGN (2u << 20) /* arm64 Image: 2 MiB-aligned base */
#define BOOT_PAYLOAD_ALIGN 4096u

/* The kernel does not speak KHO: protect firmware buffers with /reserved-memory. */
#define BOOT_PAYLOAD_F_NO_KHO 0x1u
/*
 * The kernel is an arm (32-bit) zImage, not an arm64 Image (include/boot/zimage.h);
 * it has no KHO, so F_NO_KHO must be set too.
 */
#define BOOT_PAYLOAD_F_ZIMAGE 0x2u

enum boot_payload_type {
	BOOT_PAYLOAD_KERNEL = 1,
	BOOT_PAYLOAD_INITRD = 2,
	BOOT_PAYLOAD_CMDLINE = 3,
};

struct boot_payload_hdr {
	char magic[8];
	u32 version;
	u32 hdr_size; /* 64 + 32 * nr_entries */
	u32 nr_entries;
	u32 flags;	/* BOOT_PAYLOAD_F_* */
	u64 total_size; /* the whole container */
	u32 kho_abi;	/* enum kho_abi the kernel speaks (0: unknown) */
	u32 hdr_crc;
	u8 reserved[24];
};

struct boot_payload_entry {
	u32 type;
	u32 crc;
	u64 offset;   /* from the start of the container */
	u64 size;     /* bytes of data */
	u64 mem_size; /* bytes the data needs in memory (kernel: Image image_size) */
};

_Static_assert(sizeof(struct boot_payload_hdr) == 64, "payload header");
_Static_assert(sizeof(struct boot_payload_entry) == 32, "payload entry");

/* One part of a parsed container, at its current physical address. */
struct boot_blob {
	u64 phys;
	u64 size;
	u64 mem_size;
};

struct boot_payload {
	struct boot_blob kernel;
	struct boot_blob initrd; /* size 0: none */
	const char *cmdline;	 /* NUL-terminated inside the container, or NULL */
	u32 flags;
	u32 kho_abi;
};

/* CRC-32 (IEEE 802.3, reflected, as zlib's crc32()) of len bytes, continuing crc. */
u32 boot_crc32(u32 crc, const void *buf, u64 len);

/*
 * Parse and check a container of len bytes at data, which sits at physical address
 * phys. Checks magic, version, sizes, that every entry lies inside the container
 * without overlapping another, the alignments, both CRCs, the kernel's arm64 Image
 * header (magic, image_size >= its size), or with BOOT_PAYLOAD_F_ZIMAGE its zImage
 * header (and F_NO_KHO), and that the command line is terminated.
 * If check_data is 0 the data CRCs are not computed (a caller that trusts the
 * source may skip reading megabytes). Errors: -KHO_E_BLOB (malformed; the entry
 * at fault is not used), -KHO_E_MISALIGNED, -KHO_E_WRAP, -KHO_E_COUNT, -KHO_E_INVAL.
 */
int boot_payload_parse(const void *data, u64 len, u64 phys, int check_data,
		       struct boot_payload *out);

/* The arm64 Image header fields the stage needs. */
struct boot_image_info {
	u64 text_offset;
	u64 image_size;
	u64 flags;
};

/* Check an arm64 Image header in len bytes. Errors: -KHO_E_BLOB. */
int boot_image_parse(const void *image, u64 len, struct boot_image_info *info);

#endif /* BOOT_PAYLOAD_H */
