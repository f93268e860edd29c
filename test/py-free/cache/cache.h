/* SPDX-License-Identifier: MIT */
/*
 * A write-back data cache model for the host tests: what a non-coherent observer
 * (a DMA device, or the next kernel with its caches off) sees in memory, given
 * what the CPU did. It is deliberately the worst case the architecture allows:
 *
 * - lines of CM_LINE_MIN..CM_LINE_MAX bytes with dirty bits; a write through a
 *   write-back mapping allocates the line and stays in the cache until a clean
 *   (or an eviction) writes the whole line back;
 * - a write buffer: a line cleaned by DC CIVAC, and every store through a
 *   Normal non-cacheable mapping, reach memory only at the next DSB;
 * - a prefetcher (prefetch = 1) that may allocate any line of a write-back region
 *   at any time: cm_tick() allocates every absent one, as a clean copy of what
 *   memory and the write buffer hold at that moment;
 * - an evict-all switch (evict_all = 1): cm_tick() writes every dirty line back
 *   to memory and drops every line, the other extreme of "at any time".
 *
 * Every address is physical (the stage's map is an identity map). The model
 * never prints: each fault it can prove is recorded, with its kind, the line and
 * a message, and the first ones are kept (cm_faults()).
 */
#ifndef KHO_TEST_CACHE_H
#define KHO_TEST_CACHE_H

#include <stddef.h>
#include <stdint.h>

#define CM_LINE_MIN 16
#define CM_LINE_MAX 64
#define CM_PAGE 4096u
#define CM_MAX_FAULTS 16

enum cm_attr {
	CM_WB = 0, /* Normal write-back: through the cache */
	CM_NC,	   /* Normal non-cacheable: through the write buffer only */
};

enum cm_fault_kind {
	CM_OK = 0,
	CM_MISSING_CLEAN, /* dirty in the cache when memory was read; never cleaned */
	CM_LATE_WRITE,	  /* dirty in the cache, written again after its clean */
	CM_MISSING_DSB,	  /* cleaned or stored non-cacheable, still in the write buffer */
	CM_LOST_DIRTY,	  /* an invalidate dropped dirty bytes outside its range */
	CM_STALE_READ,	  /* the CPU read a line older than what the device wrote */
	CM_OVERWROTE_DEVICE, /* a dirty line went back over bytes the device wrote */
	CM_MEMORY_DIFFERS,   /* memory is wrong for no reason the model tracked */
	CM_FAULT_KINDS
};

struct cm_fault {
	enum cm_fault_kind kind;
	uint64_t pa; /* the line (or byte, for memory checks) */
	char msg[200];
};

/* A pending write to memory: a written-back line, or non-cacheable stores. */
struct cm_pending {
	uint64_t line; /* line index */
	uint64_t mask; /* bytes it writes */
	uint8_t data[CM_LINE_MAX];
};

struct cm {
	uint64_t base, size; /* modelled RAM: [base, base + size) */
	unsigned int line;   /* line size in bytes */
	unsigned int lines;  /* size / line */
	uint8_t *mem;	     /* memory as the point of coherency holds it */
	uint8_t *data;	     /* each present line's data */
	uint8_t *state;	     /* per line: absent, clean or dirty, and flags */
	uint64_t *dirty;     /* per line: bytes the CPU wrote since it was allocated */
	uint8_t *attr;	     /* per page: enum cm_attr */
	struct cm_pending *wb;
	unsigned int nwb, capwb;
	unsigned int *npend; /* per line: entries of wb for it */
	int prefetch;	     /* the prefetcher allocates at every cm_tick() */
	int evict_all;	     /* every line is evicted at every cm_tick() */
	unsigned int absent; /* write-back lines not in the cache (prefetch work) */
	struct cm_fault faults[CM_MAX_FAULTS];
	unsigned int nfaults; /* all faults seen, even past CM_MAX_FAULTS */
};

/*
 * Model [base, base+size) (page aligned) with lines of line bytes (a power of
 * two, CM_LINE_MIN..CM_LINE_MAX); memory starts as a copy of init (size bytes),
 * the cache empty, everything write-back, prefetcher and evictions off.
 * Returns 0, or -1 (bad arguments, no memory). cm_fini() frees it.
 */
int cm_init(struct cm *cm, uint64_t base, uint64_t size, unsigned int line,
	    const void *init);
void cm_fini(struct cm *cm);

/* Map [pa, pa+size) (page aligned) with attr. Returns 0 or -1. */
int cm_set_attr(struct cm *cm, uint64_t pa, uint64_t size, enum cm_attr attr);

/* The CPU's loads and stores, through the mapping of each byte. */
void cm_cpu_write(struct cm *cm, uint64_t pa, const void *src, size_t len);
void cm_cpu_read(struct cm *cm, uint64_t pa, void *dst, size_t len);

/*
 * The CPU wrote memory it sees as view (size bytes from base) through plain
 * pointers: replay every byte that differs from what the CPU would read now as a
 * store (how the tests run real code that writes with plain pointers).
 * Returns the number of lines written.
 */
unsigned int cm_sync(struct cm *cm, const void *view);

/* DC CIVAC of the line holding pa: a dirty line goes to the write buffer. */
void cm_dc_civac(struct cm *cm, uint64_t pa);
/*
 * DC IVAC of the line holding pa, on behalf of an invalidate of [start, end):
 * the line is dropped; dirty bytes of it outside [start, end) are a
 * CM_LOST_DIRTY fault (inside, the caller gave them up).
 */
void cm_dc_ivac(struct cm *cm, uint64_t pa, uint64_t start, uint64_t end);
/* DSB: the write buffer drains into memory, oldest first. */
void cm_dsb(struct cm *cm);

/* "At any time": the prefetcher and evictions act, if switched on. */
void cm_tick(struct cm *cm);

/* A non-coherent DMA device: straight to and from memory. */
void cm_device_write(struct cm *cm, uint64_t pa, const void *src, size_t len);
void cm_device_read(const struct cm *cm, uint64_t pa, void *dst, size_t len);

/*
 * An observer that bypasses the cache (a device, the next kernel with the MMU
 * off) reads [pa, pa+len) and expects want: each line that differs is a fault
 * explained from the model's state (missing clean, late write, missing DSB,
 * dropped dirty data). Returns the number of differing lines.
 */
unsigned int cm_expect_memory(struct cm *cm, uint64_t pa, const void *want, size_t len,
			      const char *what);

/* The faults recorded so far (at most CM_MAX_FAULTS kept); their total count. */
unsigned int cm_faults(const struct cm *cm, const struct cm_fault **f);

/* The first fault of kind, or NULL. */
const struct cm_fault *cm_find_fault(const struct cm *cm, enum cm_fault_kind kind);

/* Short name of a fault kind ("missing clean", ...). */
const char *cm_fault_name(enum cm_fault_kind kind);

#endif /* KHO_TEST_CACHE_H */
