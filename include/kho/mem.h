/* SPDX-License-Identifier: MIT */
/*
 * Physical memory through a window.
 *
 * A struct kho_mem knows two things: which physical ranges are RAM (normally the
 * DT's /memory banks) and where in this program's address space their bytes can
 * be read (on firmware the identity map; on a host, simulated RAM buffers or RAM
 * dumps). Every address read out of handover data goes through kho_mem_ptr(),
 * which checks it against both before it is dereferenced.
 */
#ifndef KHO_MEM_H
#define KHO_MEM_H

#include <kho/abi.h>

#define KHO_MEM_MAX_BANKS 16
#define KHO_MEM_MAX_WINDOWS 32

struct kho_bank {
	u64 base;
	u64 size;
};

struct kho_window {
	u64 base;
	u64 size;
	u8 *host; /* byte at phys base */
};

struct kho_mem {
	struct kho_bank ram[KHO_MEM_MAX_BANKS];
	unsigned int nr_ram;
	struct kho_window win[KHO_MEM_MAX_WINDOWS];
	unsigned int nr_win;
};

/* Empty window: no RAM, nothing readable. */
void kho_mem_init(struct kho_mem *m);

/*
 * Declare [base, base+size) as RAM. Errors: -KHO_E_INVAL (size 0), -KHO_E_WRAP,
 * -KHO_E_OVERLAP (overlaps a bank already declared), -KHO_E_NOSPC.
 */
int kho_mem_add_ram(struct kho_mem *m, u64 base, u64 size);

/*
 * Make [base, base+size) readable (and writable) at host. Errors as for
 * kho_mem_add_ram(), and -KHO_E_WRAP if [host, host+size) does not fit this
 * program's address space. The window need not be RAM (a dump may hold more).
 */
int kho_mem_add_window(struct kho_mem *m, u64 base, u64 size, void *host);

/*
 * Declare RAM from every /memory node of dt (device_type "memory", all reg entries,
 * root #address-cells/#size-cells). If identity is non-zero each bank is also made
 * readable at the same address (firmware with an identity map), as far as this
 * program can address it: on a 32-bit build a bank above 4 GiB is RAM without a
 * window (kho_mem_ptr() refuses it with -KHO_E_UNMAPPED, never truncates it).
 * Returns the number of banks added, or -KHO_E_NOT_FOUND (no /memory),
 * -KHO_E_CELLS (bad reg), or a kho_mem_add_ram() error.
 */
int kho_mem_from_dt(struct kho_mem *m, const void *dt, int identity);

/* 0 if [phys, phys+len) lies inside one RAM bank; -KHO_E_WRAP or -KHO_E_OUTSIDE_RAM. */
int kho_mem_check_ram(const struct kho_mem *m, u64 phys, u64 len);

/*
 * Pointer to [phys, phys+len), which must be RAM and lie in one readable window.
 * Returns NULL on failure and sets *err (if err) to -KHO_E_WRAP,
 * -KHO_E_OUTSIDE_RAM or -KHO_E_UNMAPPED.
 */
void *kho_mem_ptr(const struct kho_mem *m, u64 phys, u64 len, int *err);

/* Total bytes of RAM and the end of the highest bank (0 if none). */
u64 kho_mem_ram_size(const struct kho_mem *m);
u64 kho_mem_ram_end(const struct kho_mem *m);

/* Native little-endian u64 load from a possibly unaligned address. */
static inline u64 kho_get_u64(const void *p)
{
	const u8 *b = p;
	u64 v = 0;
	for (int i = 7; i >= 0; i--)
		v = (v << 8) | b[i];
	return v;
}

static inline void kho_put_u64(void *p, u64 v)
{
	u8 *b = p;
	for (int i = 0; i < 8; i++, v >>= 8)
		b[i] = (u8)v;
}

/* Does [a, a+alen) overlap [b, b+blen)? Both non-wrapping. */
static inline int kho_overlaps(u64 a, u64 alen, u64 b, u64 blen)
{
	return a < b + blen && b < a + alen;
}

#endif /* KHO_MEM_H */
