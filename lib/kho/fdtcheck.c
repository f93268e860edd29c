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
	int off = 0, next, depth = 0, roots = 0, len;
	u32 budget = fdt_size_dt_struct(fdt) / 4 + 2;
	const struct fdt_property *p;

	for (;; off = next) {
		uint32_t tag = fdt_next_tag(fdt, off, &next);

		if (next < 0 || !budget--)
			break;
		if (tag == FDT_BEGIN_NODE) {
			roots += !depth++;
			if (roots > 1)
				break;
		} else if (tag == FDT_END_NODE) {
			if (--depth < 0)
				break;
		} else if (tag == FDT_PROP) {
			p = fdt_get_property_by_offset(fdt, off, &len);
			if (!p || depth < 1 ||
			    !name_in_strings(fdt, fdt32_to_cpu(p->nameoff)))
				break;
		} else if (tag != FDT_NOP) {
			return tag == FDT_END && depth == 0 && roots ? 0
								     : -KHO_E_FDT_HEADER;
		}
	}
	return -KHO_E_FDT_HEADER;
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
