/* SPDX-License-Identifier: MIT */
/*
 * The OS device tree, as far as KHO needs it: the root's cell sizes, /memory,
 * /reserved-memory and the two /chosen properties that point at a handover.
 * All values in the OS DT are big-endian cells, unlike the KHO FDT's native u64s.
 */
#ifndef KHO_DT_H
#define KHO_DT_H

#include <kho/abi.h>

/*
 * Full structural check of an untrusted FDT of at most len bytes: header, totalsize
 * within len, a terminated /memreserve/ table, every tag, node nesting and property
 * name in bounds. Errors: -KHO_E_FDT_HEADER, -KHO_E_FDT_SIZE.
 */
int kho_fdt_check(const void *fdt, u64 len);

/* Node #address-cells/#size-cells; missing ones default as Linux's early code does (1/1).
 */
struct kho_cells {
	int addr;
	int size;
};

/*
 * Cells of node (its own #address-cells/#size-cells, used by its children's reg).
 * Errors: -KHO_E_CELLS if a value is present but not 1 or 2.
 */
int kho_dt_cells(const void *dt, int node, struct kho_cells *c);

/* Decode one <addr size> pair at cell pointer p. */
void kho_dt_read_pair(const void *p, const struct kho_cells *c, u64 *addr, u64 *size);

/*
 * Encode <addr size> into buf (at least 16 bytes). Returns the byte length, or
 * -KHO_E_CELLS if a value does not fit one cell (buf may be written then too).
 */
int kho_dt_write_pair(void *buf, const struct kho_cells *c, u64 addr, u64 size);

/*
 * Call fn(arg, base, size) for every reg entry of every /memory node (nodes named
 * memory or memory@... or with device_type = "memory"). fn's negative return stops
 * the walk and is returned. Errors: -KHO_E_FDT_HEADER (dt invalid), -KHO_E_CELLS.
 */
int kho_dt_for_each_memory(const void *dt, int (*fn)(void *arg, u64 base, u64 size),
			   void *arg);

/*
 * kho_dt_for_each_memory() for one child of the root, node, given the root's cells:
 * nothing if it is not an enabled /memory node. Errors: -KHO_E_PROP, fn's.
 */
int kho_dt_memory_node(const void *dt, int node, const struct kho_cells *c,
		       int (*fn)(void *arg, u64 base, u64 size), void *arg);

/* What a /chosen handover points at. */
struct kho_chosen {
	u64 fdt_phys;
	u64 fdt_len;
	u64 scratch_phys;
	u64 scratch_len;
};

/*
 * Read /chosen/linux,kho-fdt and linux,kho-scratch. Each must be exactly one
 * <address size> pair in the root's cells, as Linux 6.18+ requires.
 * Errors: -KHO_E_FDT_HEADER, -KHO_E_NO_HANDOVER (either property absent),
 * -KHO_E_CHOSEN (wrong length), -KHO_E_CELLS.
 */
int kho_dt_get_chosen(const void *dt, struct kho_chosen *ch);

/*
 * kho_dt_get_chosen() for the /chosen node the caller found at offset chosen of
 * dt (a checked FDT). Errors: -KHO_E_NO_HANDOVER, -KHO_E_CHOSEN, -KHO_E_CELLS.
 */
int kho_dt_read_chosen(const void *dt, int chosen, struct kho_chosen *ch);

/*
 * Write both /chosen properties into dt (which must have room: fdt_open_into() it
 * larger first), replacing stale copies, in the root's cell sizes. Creates /chosen
 * if absent. Errors: -KHO_E_CELLS (a value does not fit the cells), -KHO_E_FDT.
 */
int kho_dt_set_chosen(void *dt, const struct kho_chosen *ch);

/* Remove both /chosen properties (cold boot without KHO). Errors: -KHO_E_FDT. */
int kho_dt_clear_chosen(void *dt);

/* One region of /reserved-memory or a /memreserve/ entry. */
struct kho_resmem {
	const char *name; /* node name, or "memreserve" */
	u64 base;	  /* KHO_RESMEM_DYNAMIC for size-only nodes */
	u64 size;
	u64 align; /* "alignment" of size-only nodes, else 0 */
	unsigned int flags;
};
#define KHO_RESMEM_DYNAMIC (~(u64)0)
#define KHO_RESMEM_NO_MAP 0x1u
#define KHO_RESMEM_REUSABLE 0x2u
#define KHO_RESMEM_CMA 0x4u	    /* compatible "shared-dma-pool" and reusable */
#define KHO_RESMEM_CMA_DEFAULT 0x8u /* linux,cma-default */
#define KHO_RESMEM_MEMRESERVE 0x10u

/*
 * Call fn for every reg entry of every enabled child of /reserved-memory (in that
 * node's own cells, 1 or 2), for every size-only child (base KHO_RESMEM_DYNAMIC),
 * and for every /memreserve/ entry. Returns the number of regions, or
 * -KHO_E_FDT_HEADER, -KHO_E_CELLS, -KHO_E_PROP (reg not a multiple of an entry, or a
 * size-only node without size), or fn's negative return.
 */
int kho_dt_for_each_resmem(const void *dt,
			   int (*fn)(void *arg, const struct kho_resmem *r), void *arg);

struct kho_rmap;

/*
 * Record every placed region of /reserved-memory and /memreserve/ in rm: no-map as
 * KHO_KIND_NOMAP, reusable shared-dma-pool as KHO_KIND_CMA, the rest as
 * KHO_KIND_RESERVED (label: node name). Size-only nodes are not placed yet and are
 * skipped. Returns the number recorded, or the walk's and kho_rmap_add()'s errors.
 */
int kho_dt_protect_resmem(const void *dt, struct kho_rmap *rm);

#endif /* KHO_DT_H */
