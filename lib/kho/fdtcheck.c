/* SPDX-License-Identifier: MIT */
/*
 * A full structural check of an untrusted FDT before libfdt's accessors read it:
 * every tag is walked once, nesting must balance, every property name must resolve
 * inside the strings block, and the /memreserve/ table must end inside the blob.
 */
#include <kho/dt.h>
#include <kho/err.h>
#include <libfdt.h>

/*
 * The name must end inside the strings block in every version: libfdt checks
 * size_dt_strings only from version 17 on, and fdt_open_into() copies just that
 * block, leaving a name found beyond it dangling.
 */
static int name_in_strings(const void *fdt, u32 nameoff)
{
	int len;

	return fdt_get_string(fdt, (int)nameoff, &len) &&
	       nameoff < fdt_size_dt_strings(fdt) &&
	       (u32)len < fdt_size_dt_strings(fdt) - nameoff;
}

static int check_tags(const void *fdt)
{
	int off = 0, next, depth = 0, seen_root = 0;
	u64 budget = fdt_size_dt_struct(fdt) / 4 + 2;

	for (;;) {
		uint32_t tag = fdt_next_tag(fdt, off, &next);

		if (next < 0 || !budget--)
			return -KHO_E_FDT_HEADER;
		switch (tag) {
		case FDT_BEGIN_NODE:
			if (depth == 0 && seen_root++)
				return -KHO_E_FDT_HEADER;
			depth++;
			break;
		case FDT_END_NODE:
			if (--depth < 0)
				return -KHO_E_FDT_HEADER;
			break;
		case FDT_PROP: {
			int len;
			const struct fdt_property *p =
				fdt_get_property_by_offset(fdt, off, &len);
			if (!p || depth < 1 ||
			    !name_in_strings(fdt, fdt32_to_cpu(p->nameoff)))
				return -KHO_E_FDT_HEADER;
			break;
		}
		case FDT_NOP:
			break;
		case FDT_END:
			return depth == 0 && seen_root ? 0 : -KHO_E_FDT_HEADER;
		default:
			return -KHO_E_FDT_HEADER;
		}
		off = next;
	}
}

int kho_fdt_check(const void *fdt, u64 len)
{
	if (len < sizeof(struct fdt_header) || fdt_magic(fdt) != FDT_MAGIC)
		return -KHO_E_FDT_HEADER;
	if (fdt_totalsize(fdt) > len)
		return -KHO_E_FDT_SIZE;
	/* A reservation table without its terminator makes fdt_open_into() move a
	 * negative length. */
	if (fdt_check_header(fdt) || fdt_num_mem_rsv(fdt) < 0)
		return -KHO_E_FDT_HEADER;
	return check_tags(fdt);
}
