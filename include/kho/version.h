/* SPDX-License-Identifier: MIT */
/*
 * The released KHO ABIs as firmware must tell them apart. "kho-v1" covers three
 * incompatible flavours that share one compatible string: the bitmap size changed
 * in 6.17.9/6.18 and 6.19 started to reject an empty (0) map.
 */
#ifndef KHO_VERSION_H
#define KHO_VERSION_H

#include <kho/abi.h>

enum kho_abi {
	KHO_ABI_AUTO = 0, /* consume: decide from the compatible (and, for v1, the map) */
	KHO_ABI_V1_512,	  /* 6.16 - 6.17.8: kho-v1, 512-byte bitmaps, map 0 accepted */
	KHO_ABI_V1_4K,	  /* 6.17.9 - 6.18: kho-v1, 4 KiB bitmaps, map 0 accepted */
	KHO_ABI_V1_4K_NZ, /* 6.19 - 7.0: kho-v1, 4 KiB bitmaps, map 0 rejected */
	KHO_ABI_V3,	  /* 7.1: kho-v3, radix tree */
	KHO_ABI_V4,	  /* 7.2 - 7.3: kho-v4, radix tree */
	KHO_ABI_COUNT
};

#define KHO_ABI_DEFAULT KHO_ABI_V4

/* Short names: "v1-512", "v1-4k", "v1-4k-nz", "v3", "v4". */
const char *kho_abi_name(enum kho_abi abi);

/* Parse a short name (or "auto"). Returns the ABI or -KHO_E_INVAL. */
int kho_abi_parse(const char *name);

/* Root compatible string of an ABI. */
const char *kho_abi_compatible(enum kho_abi abi);

static inline int kho_abi_is_v1(enum kho_abi abi)
{
	return abi >= KHO_ABI_V1_512 && abi <= KHO_ABI_V1_4K_NZ;
}

/* v1 bitmap bytes (512 or 4096), 0 for radix ABIs. */
unsigned int kho_abi_bitmap_bytes(enum kho_abi abi);

/* Largest block order the receiving kernel handles for this ABI and page size. */
unsigned int kho_abi_max_order(enum kho_abi abi, unsigned int page_shift);

/* Scratch alignment the receiving kernel relies on. */
u64 kho_abi_scratch_align(enum kho_abi abi, unsigned int page_shift);

#endif /* KHO_VERSION_H */
