/* SPDX-License-Identifier: MIT */
/*
 * The DT the stage was given, read where the stage looks most: the root's
 * children, found in one pass. libfdt finds a node by walking every tag before
 * it, a node name a byte a call (about 300 k instructions for /chosen, last in
 * QEMU's virt DT); after kho_fdt_check() has walked the blob once, this pass reads
 * each tag with a load. The stage never edits this DT: the offsets stay valid.
 */
#include "stage.h"

#include <kho/dt.h>
#include <kho/err.h>
#include <libfdt.h>
#include <string.h>

_Static_assert(STAGE_DT_MAX_TOP <= 64, "typed is a 64-bit mask");

static u32 be32_at(const char *p)
{
	return fdt32_to_cpu(*(const fdt32_t *)__builtin_assume_aligned(p, 4));
}

static u32 align4(u32 n)
{
	return (n + 3) & ~3u;
}

/* The tag at off - 4 of the struct block s (len bytes): the offset after it, or 0. */
static u32 skip_tag(const char *s, u32 len, u32 off, u32 tag)
{
	u32 n;

	switch (tag) {
	case FDT_BEGIN_NODE:
		n = (u32)strnlen(s + off, len - off);
		return n < len - off ? off + align4(n + 1) : 0;
	case FDT_PROP:
		if (len - off < 8)
			return 0;
		n = be32_at(s + off);
		return n <= len - off - 8 ? off + 8 + align4(n) : 0;
	case FDT_END_NODE:
	case FDT_NOP:
		return off;
	default:
		return 0;
	}
}

/* Property name nameoff is "device_type" (kho_fdt_check() found it in bounds). */
static int is_device_type(const void *fdt, u32 nameoff)
{
	static const char name[] = "device_type";

	return nameoff < fdt_size_dt_strings(fdt) &&
	       fdt_size_dt_strings(fdt) - nameoff >= sizeof(name) &&
	       !memcmp((const char *)fdt + fdt_off_dt_strings(fdt) + nameoff, name,
		       sizeof(name));
}

int stage_dt_scan(const void *fdt, struct stage_dt *d)
{
	const char *s = (const char *)fdt + fdt_off_dt_struct(fdt);
	u32 len = fdt_totalsize(fdt) - fdt_off_dt_struct(fdt), off = 0, tag;
	int depth = 0;

	memset(d, 0, sizeof(*d));
	d->fdt = fdt;
	/* kho_fdt_check() passed: every bound below holds, checked all the same. */
	if ((fdt_off_dt_struct(fdt) & 3) || fdt_off_dt_struct(fdt) > fdt_totalsize(fdt))
		return -KHO_E_FDT_HEADER;
	while (off <= len && len - off >= 4 && (tag = be32_at(s + off)) != FDT_END) {
		if (tag == FDT_BEGIN_NODE && depth == 1 && d->nr == STAGE_DT_MAX_TOP)
			d->more = 1;
		else if (tag == FDT_BEGIN_NODE && depth == 1)
			d->top[d->nr++] = (int)off;
		else if (tag == FDT_PROP && depth == 2 && d->nr && !d->more &&
			 len - off >= 12 && is_device_type(fdt, be32_at(s + off + 8)))
			d->typed |= 1ull << (d->nr - 1);
		depth += tag == FDT_BEGIN_NODE ? 1 : tag == FDT_END_NODE ? -1 : 0;
		off = skip_tag(s, len, off + 4, tag);
		if (!off || depth < 0)
			return -KHO_E_FDT_HEADER;
	}
	if (off > len || len - off < 4)
		return -KHO_E_FDT_HEADER;
	d->chosen = stage_dt_child(d, "chosen", 6);
	return 0;
}

/* libfdt's rule: "name" also finds "name@unit", "name@unit" only itself. */
static int name_eq(const char *node, const char *name, int len)
{
	if (memcmp(node, name, (size_t)len))
		return 0;
	return !node[len] || (node[len] == '@' && !memchr(name, '@', (size_t)len));
}

int stage_dt_child(const struct stage_dt *d, const char *name, int len)
{
	const char *s = (const char *)d->fdt + fdt_off_dt_struct(d->fdt);

	if (d->more)
		return fdt_subnode_offset_namelen(d->fdt, 0, name, len);
	for (unsigned int i = 0; i < d->nr; i++)
		if (name_eq(s + d->top[i] + 4, name, len))
			return d->top[i];
	return -FDT_ERR_NOTFOUND;
}

int stage_dt_path(const struct stage_dt *d, const char *path, int len, int *parent)
{
	const char *slash;
	int node;

	if (len > 0 && path[0] != '/') {
		/* An alias: its value is the path. */
		int alen;
		const char *a = fdt_getprop_namelen(
			d->fdt, stage_dt_child(d, "aliases", 7), path, len, &alen);

		if (!a || alen <= 0)
			return -FDT_ERR_NOTFOUND;
		path = a;
		len = (int)strnlen(a, (size_t)alen);
		if (!len || path[0] != '/')
			return -FDT_ERR_BADPATH;
	}
	slash = len > 1 ? memchr(path + 1, '/', (size_t)len - 1) : NULL;
	if (len > 1 && !slash) {
		*parent = 0;
		return stage_dt_child(d, path + 1, len - 1);
	}
	node = fdt_path_offset_namelen(d->fdt, path, len);
	*parent = node > 0 ? fdt_parent_offset(d->fdt, node) : -FDT_ERR_NOTFOUND;
	return node;
}

/*
 * Only the children kho_dt_memory_node() would take: with a device_type, or
 * named memory or memory@unit; the others cost it a walk of their properties.
 */
int stage_dt_for_each_memory(const struct stage_dt *d,
			     int (*fn)(void *arg, u64 base, u64 size), void *arg)
{
	const char *s = (const char *)d->fdt + fdt_off_dt_struct(d->fdt);
	struct kho_cells c;
	int err;

	if (d->more)
		return kho_dt_for_each_memory(d->fdt, fn, arg);
	err = kho_dt_cells(d->fdt, 0, &c);
	for (unsigned int i = 0; !err && i < d->nr; i++)
		if ((d->typed >> i & 1) || name_eq(s + d->top[i] + 4, "memory", 6))
			err = kho_dt_memory_node(d->fdt, d->top[i], &c, fn, arg);
	return err < 0 ? err : 0;
}
