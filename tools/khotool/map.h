/* SPDX-License-Identifier: MIT */
/*
 * khotool map: the picture's model (map.c fills it from a handover, the DT and
 * the command line) and its renderer (svg.c draws it as hand-written SVG).
 */
#ifndef KHOTOOL_MAP_H
#define KHOTOOL_MAP_H

#include "khotool.h"

/* What a region is; also the drawing order within a lane. */
enum map_kind {
	MAP_SCRATCH,
	MAP_PRESERVED,
	MAP_MAP,
	MAP_META,
	MAP_CMA,
	MAP_RESERVED,
	MAP_FIRMWARE,
	MAP_KERNEL,
	MAP_INITRD,
	MAP_DTB,
	MAP_BLOB,
	MAP_KIND_COUNT
};

struct map_region {
	u64 start;
	u64 end; /* exclusive */
	unsigned int kind;
	const char *label; /* optional: a blob's or reserved-memory node's name */
};

struct map_pic {
	const struct kho_mem *mem; /* RAM banks: one row each */
	struct map_region *r;
	size_t n;
	size_t cap;
	unsigned int page_shift;
	int log;	       /* widths grow with log2 of sizes */
	char title[200];       /* first line */
	char detail[300];      /* second line */
	unsigned int outside;  /* regions outside every RAM bank, not drawn */
	unsigned int floating; /* /reserved-memory nodes without an address */
};

/* Add a region (empty ones are ignored). 0, or -1 if out of memory. */
int map_add(struct map_pic *p, u64 start, u64 end, unsigned int kind, const char *label);

/* Draw p into f. 0, or -1 if out of memory. */
int map_svg(FILE *f, const struct map_pic *p);

/* "4 GiB", "1.5 MiB", "73 B": size in at most 23 characters. */
void map_size_str(char buf[24], u64 size);

#endif /* KHOTOOL_MAP_H */
