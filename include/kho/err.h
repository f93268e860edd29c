/* SPDX-License-Identifier: MIT */
/*
 * libkho's single error space. Every function returns 0 (or a non-negative count)
 * on success and -KHO_E_* on failure. Input from outside (a previous kernel's
 * handover, a DTB) gets a distinct code for each way it can be wrong.
 */
#ifndef KHO_ERR_H
#define KHO_ERR_H

enum kho_err {
	KHO_OK = 0,
	KHO_E_INVAL,	   /* bad argument from the caller */
	KHO_E_NOSPC,	   /* caller-provided table or buffer is full */
	KHO_E_NOMEM,	   /* the caller's page allocator gave no page */
	KHO_E_NO_HANDOVER, /* /chosen carries no linux,kho-fdt / linux,kho-scratch */
	KHO_E_CHOSEN,	   /* a /chosen KHO property has the wrong length for the cells */
	KHO_E_CELLS,	   /* a value does not fit the DT's #address-cells/#size-cells */
	KHO_E_FDT_HEADER,  /* KHO FDT: bad magic, version or structure */
	KHO_E_FDT_SIZE,	   /* KHO FDT: length 0, over 256 KiB, or totalsize over it */
	KHO_E_FDT_ALIGN,   /* KHO FDT not 8-byte aligned */
	KHO_E_COMPAT,	   /* KHO FDT root compatible is no known ABI */
	KHO_E_PROP,	   /* a required property is missing or has the wrong length */
	KHO_E_MAP_ZERO,	   /* preserved-memory-map is 0 where this ABI rejects it */
	KHO_E_OUTSIDE_RAM, /* a pointer or range lies outside RAM */
	KHO_E_UNMAPPED,	   /* RAM, but not in a window this program can read */
	KHO_E_MISALIGNED,  /* a pointer or block is not aligned as the ABI needs */
	KHO_E_CYCLE,	   /* a map page is reached twice (loop or shared node) */
	KHO_E_COUNT,	   /* an element count is over the structure's capacity */
	KHO_E_ORDER,	   /* a block order over the ABI's maximum */
	KHO_E_WRAP,	   /* phys + size wraps around 2^64 */
	KHO_E_OVERLAP,	   /* two ranges that must be apart overlap */
	KHO_E_PROTECTED,   /* a write would touch protected memory */
	KHO_E_DUP_BLOB,	   /* two sub-blobs with the same name */
	KHO_E_SCRATCH,	   /* scratch array malformed (length, size) */
	KHO_E_SCRATCH_ALIGN, /* scratch area not aligned to the ABI's alignment */
	KHO_E_KEY,	     /* a radix key outside the key width */
	KHO_E_FDT,	     /* libfdt failed while writing a tree */
	KHO_E_ABI,	     /* operation not defined for this ABI version */
	KHO_E_BLOB,	     /* a known sub-blob's content is malformed */
	KHO_E_NOT_FOUND,     /* a requested node or entry does not exist */
	KHO_E_COUNT_MAX
};

/* A constant, human-readable string for any code, positive or negative. */
const char *kho_strerror(int err);

#endif /* KHO_ERR_H */
