/* SPDX-License-Identifier: MIT */
/*
 * The Linux Kexec HandOver (KHO) binary ABI, as seen by firmware, in one header.
 *
 * Every constant and structure that crosses the kernel boundary is here, for each
 * released ABI: kho-v1 (6.16-7.0; 512-byte bitmaps up to 6.17.8, 4 KiB bitmaps
 * after), kho-v3 (7.1) and kho-v4 (7.2, 7.3). Integer properties inside the KHO FDT
 * are CPU-native u64 (little-endian on arm64); /chosen cells are big-endian.
 * Names follow the kernel's where one exists so a reader can grep for them.
 */
#ifndef KHO_ABI_H
#define KHO_ABI_H

#include <stddef.h>
#include <stdint.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;

/* ------------------------------------------------------------------------- */
/* Root KHO FDT                                                               */

#define KHO_FDT_COMPATIBLE_V1 "kho-v1"
#define KHO_FDT_COMPATIBLE_V2 "kho-v2" /* development trees only, never released */
#define KHO_FDT_COMPATIBLE_V3 "kho-v3"
#define KHO_FDT_COMPATIBLE_V4 "kho-v4"

#define KHO_FDT_MEMORY_MAP_PROP_NAME "preserved-memory-map"
#define KHO_V1_SUB_TREE_PROP_NAME "fdt"		/* kho-v1: u64 phys of a sub-FDT */
#define KHO_SUB_TREE_PROP_NAME "preserved-data" /* kho-v3/v4: u64 phys */
#define KHO_SUB_TREE_SIZE_PROP_NAME "blob-size" /* kho-v3/v4: u64 bytes */

/* /chosen properties of the OS DT (big-endian <address size> pairs). */
#define KHO_CHOSEN_FDT_PROP "linux,kho-fdt"
#define KHO_CHOSEN_SCRATCH_PROP "linux,kho-scratch"

/* early_memremap() bounds both the KHO FDT and the scratch array to 256 KiB. */
#define KHO_EARLY_MAP_MAX (256u * 1024u)

/* ------------------------------------------------------------------------- */
/* Pages                                                                      */

#define KHO_PAGE_SHIFT_4K 12
#define KHO_PAGE_SHIFT_16K 14
#define KHO_PAGE_SHIFT_64K 16

/*
 * MAX_PAGE_ORDER of arm64 per page size (x86-64: 10). Scratch areas are aligned to
 * PAGE_SIZE << MAX_PAGE_ORDER (SCRATCH_ALIGNMENT_BYTES, 7.2+): 4 MiB, 32 MiB, 512 MiB.
 */
#define KHO_MAX_PAGE_ORDER(shift) ((shift) == 16 ? 13 : (shift) == 14 ? 11 : 10)
#define KHO_SCRATCH_ALIGN(shift) ((u64)1 << ((shift) + KHO_MAX_PAGE_ORDER(shift)))
/* 6.16-7.1 only need one pageblock (2 MiB with 4 KiB pages). */
#define KHO_SCRATCH_ALIGN_V1(shift) ((u64)1 << ((shift) + 9))

/* page->private magic the receiver stores on each preserved head page (6.18+). */
#define KHO_PAGE_MAGIC 0x4b484f50u /* "KHOP" */

/* ------------------------------------------------------------------------- */
/* Format A: kho-v1 chunk list (6.16 - 7.0), 4 KiB pages only                 */

#define KHO_V1_PAGE_SIZE 4096u

struct khoser_mem_chunk_hdr {
	u64 next;     /* phys of the next chunk page, 0 = end */
	u32 order;    /* page order of every entry in this chunk */
	u32 num_elms; /* valid entries that follow */
};

struct khoser_mem_bitmap_ptr {
	u64 phys_start; /* phys covered by bit 0 */
	u64 bitmap;	/* phys of the bitmap */
};

#define KHOSER_BITMAP_SIZE                                                               \
	((KHO_V1_PAGE_SIZE - sizeof(struct khoser_mem_chunk_hdr)) /                      \
	 sizeof(struct khoser_mem_bitmap_ptr))

struct khoser_mem_chunk {
	struct khoser_mem_chunk_hdr hdr;
	struct khoser_mem_bitmap_ptr bitmaps[KHOSER_BITMAP_SIZE];
};

/* PRESERVE_BITS: 512-byte bitmaps up to 6.17.8, one page from 6.17.9/6.18 on. */
#define KHO_V1_BITMAP_BYTES_512 512u
#define KHO_V1_BITMAP_BYTES_4K KHO_V1_PAGE_SIZE

/* deserialize_bitmap() computes the block size with an int shift. */
#define KHO_V1_MAX_ORDER 18u

/* ------------------------------------------------------------------------- */
/* Format B: radix tree (7.1 - 7.3, kho-v3 / kho-v4)                          */

/* Per page shift p: key width 64-p+1, table 2^(p-3) entries, leaf 2^(p+3) bits. */
#define KHO_RADIX_KEY_WIDTH(p) (64u - (p) + 1u)
#define KHO_TABLE_SIZE_LOG2(p) ((p)-3u)
#define KHO_BITMAP_SIZE_LOG2(p) ((p) + 3u)
#define KHO_TREE_MAX_DEPTH(p)                                                            \
	((KHO_RADIX_KEY_WIDTH(p) - KHO_BITMAP_SIZE_LOG2(p) + KHO_TABLE_SIZE_LOG2(p) -    \
	  1u) / KHO_TABLE_SIZE_LOG2(p) +                                                 \
	 1u)

/* 4 KiB pages: 53-bit keys, 512-entry tables, 32768-bit leaves, 6 levels. */
struct kho_radix_node {
	u64 table[1u << KHO_TABLE_SIZE_LOG2(KHO_PAGE_SHIFT_4K)];
};

struct kho_radix_leaf {
	u64 bitmap[(1u << KHO_BITMAP_SIZE_LOG2(KHO_PAGE_SHIFT_4K)) / 64u];
};

/* kho_preserved_memory_reserve() in 7.1 shifts an int: orders above 18 break it. */
#define KHO_V3_MAX_ORDER 18u

/* ------------------------------------------------------------------------- */
/* Scratch                                                                    */

struct kho_scratch {
	u64 addr;
	u64 size;
};

/* ------------------------------------------------------------------------- */
/* Sub-blobs                                                                  */

/* kexec-metadata (7.1+): one preserved order-0 page, blob-size 73. */
#define KHO_METADATA_NODE_NAME "kexec-metadata"
#define KHO_KEXEC_METADATA_VERSION 1u
#define KHO_NEW_UTS_LEN 64u

struct __attribute__((packed)) kho_kexec_metadata {
	u32 version;
	char previous_release[KHO_NEW_UTS_LEN + 1];
	u32 kexec_count;
};

/* memblock reserve_mem hand-over: the blob is an FDT of at most one page. */
#define MEMBLOCK_KHO_FDT "memblock"
#define MEMBLOCK_KHO_NODE_COMPATIBLE "memblock-v1"
#define RESERVE_MEM_KHO_NODE_COMPATIBLE "reserve-mem-v1"
#define RESERVE_MEM_NAME_SIZE 16u /* names up to 15 characters */
#define RESERVE_MEM_MAX_ENTRIES 8u

/* dma-direct preserve RFC: the blob is an array of struct dma_alloc_ser. */
#define DMA_ALLOC_KHO_BLOB "dma-alloc"

/*
 * dma-direct preserve RFC: one entry per preserved allocation. The allocation
 * covers 1 << get_order(size) pages starting at page_phys, preserved as a
 * single block of that order.
 */
struct __attribute__((packed)) dma_alloc_ser {
	u64 page_phys;
	u64 size;
	u64 attrs;	    /* DMA_ATTR_* of the allocation */
	u8 force_decrypted; /* memory was force-decrypted in the previous kernel */
	u8 padding[7];
};

/* DMA_ATTR_* bits (include/linux/dma-mapping.h) recorded in dma_alloc_ser.attrs. */
#define KHO_DMA_ATTR_WEAK_ORDERING (1u << 1)
#define KHO_DMA_ATTR_WRITE_COMBINE (1u << 2)
#define KHO_DMA_ATTR_NO_KERNEL_MAPPING (1u << 4)
#define KHO_DMA_ATTR_SKIP_CPU_SYNC (1u << 5)
#define KHO_DMA_ATTR_FORCE_CONTIGUOUS (1u << 6)
#define KHO_DMA_ATTR_ALLOC_SINGLE_PAGES (1u << 7)
#define KHO_DMA_ATTR_NO_WARN (1u << 8)
#define KHO_DMA_ATTR_PRIVILEGED (1u << 9)
#define KHO_DMA_ATTR_MMIO (1u << 10)

/* kho_block chains (7.2+, abi/block.h). */
struct __attribute__((packed)) kho_block_header_ser {
	u64 next;
	u64 count;
};
#define KHO_MAX_BLOCKS 10000u

/* LUO top level (7.2+): node "LUO", blob struct luo_ser. */
#define LUO_NODE_NAME "LUO"
#define LUO_ABI_COMPAT "luo-v5"
struct __attribute__((packed)) luo_ser {
	char compatible[8];
	u64 liveupdate_num;
	u64 sessions_pa;
	u64 flbs_pa;
};

/* ------------------------------------------------------------------------- */
/* Build-time checks against the byte layouts in the ABI notes.               */

_Static_assert(sizeof(struct khoser_mem_chunk_hdr) == 16, "chunk header");
_Static_assert(KHOSER_BITMAP_SIZE == 255, "255 bitmaps per chunk");
_Static_assert(sizeof(struct khoser_mem_chunk) == KHO_V1_PAGE_SIZE, "chunk page");
_Static_assert(offsetof(struct khoser_mem_chunk, bitmaps) == 0x10, "bitmaps at 0x10");
_Static_assert(offsetof(struct khoser_mem_chunk_hdr, order) == 8, "order at 8");
_Static_assert(offsetof(struct khoser_mem_chunk_hdr, num_elms) == 12, "num_elms at 12");
_Static_assert(sizeof(struct kho_radix_node) == 4096, "table node is a page");
_Static_assert(sizeof(struct kho_radix_leaf) == 4096, "leaf is a page");
_Static_assert(KHO_RADIX_KEY_WIDTH(12) == 53 && KHO_TREE_MAX_DEPTH(12) == 6, "4K radix");
_Static_assert(KHO_RADIX_KEY_WIDTH(14) == 51 && KHO_TREE_MAX_DEPTH(14) == 5, "16K radix");
_Static_assert(KHO_RADIX_KEY_WIDTH(16) == 49 && KHO_TREE_MAX_DEPTH(16) == 4, "64K radix");
_Static_assert(KHO_TABLE_SIZE_LOG2(12) == 9 && KHO_BITMAP_SIZE_LOG2(12) == 15,
	       "4K sizes");
_Static_assert(KHO_TABLE_SIZE_LOG2(16) == 13 && KHO_BITMAP_SIZE_LOG2(16) == 19,
	       "64K sizes");
_Static_assert(KHO_SCRATCH_ALIGN(12) == 4u << 20, "4 MiB scratch alignment");
_Static_assert(KHO_SCRATCH_ALIGN(14) == 32u << 20, "32 MiB scratch alignment");
_Static_assert(KHO_SCRATCH_ALIGN(16) == 512u << 20, "512 MiB scratch alignment");
_Static_assert(sizeof(struct kho_scratch) == 16, "scratch entry");
_Static_assert(sizeof(struct kho_kexec_metadata) == 73, "kexec metadata");
_Static_assert(offsetof(struct kho_kexec_metadata, previous_release) == 4, "release");
_Static_assert(offsetof(struct kho_kexec_metadata, kexec_count) == 69, "count at 69");
_Static_assert(sizeof(struct dma_alloc_ser) == 32, "dma_alloc_ser");
_Static_assert(offsetof(struct dma_alloc_ser, attrs) == 16, "attrs at 16");
_Static_assert(offsetof(struct dma_alloc_ser, force_decrypted) == 24, "decrypted at 24");
_Static_assert(sizeof(struct kho_block_header_ser) == 16, "block header");
_Static_assert(sizeof(struct luo_ser) == 32, "luo_ser");

#endif /* KHO_ABI_H */
