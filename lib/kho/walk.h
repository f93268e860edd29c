/* SPDX-License-Identifier: MIT */
/* Internal helpers shared by the radix-tree and chunk-list code. */
#ifndef KHO_LIB_WALK_H
#define KHO_LIB_WALK_H

#include <kho/map.h>
#include <stdint.h>

/* A variable 64-bit shift is long on a 32-bit target: there, one copy of it. */
#if UINTPTR_MAX == 0xffffffffu
#define KHO_SHIFT64_FN __attribute__((__noinline__)) /* U-Boot defines noinline */
#else
#define KHO_SHIFT64_FN
#endif

/* Validate, record (w->seen) and map one map structure of len bytes at phys. */
const void *kho_walk_map_page(struct kho_walk *w, u64 phys, unsigned int len,
			      unsigned int align, int *err);

/*
 * Report every run of set bits in words[0..nwords) as preserved memory: bit b is the
 * block at base + (b << shift) of the given order. Errors: see kho_radix_walk().
 */
int kho_walk_bitmap(struct kho_walk *w, const u64 *words, unsigned int nwords, u64 base,
		    unsigned int order);

/* First of words[i..n) that is not 0 (n if none), several words at a time. */
unsigned int kho_walk_skip_zero(const u64 *words, unsigned int i, unsigned int n);

/* A fresh zeroed page from pa, checked against mem and recorded in seen. */
void *kho_alloc_map_page(const struct kho_mem *mem, unsigned int page_shift,
			 const struct kho_page_alloc *pa, struct kho_rmap *seen,
			 u64 *phys, int *err);

#endif
