/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness for the reader of the khofw sub-blob,
 * boot_khofw_for_each_dma() (lib/boot/dma.c): the record of each DMA allocation
 * a firmware handed over, which the next firmware in a chain and khotool read
 * back from a handover they did not make. The input is the blob alone, in an
 * exact-size copy (an overread is an ASan report).
 *
 * What it accepts is compared with an independent decode through libfdt: each
 * record's numbers are its 8-byte properties read little-endian, as KHO FDTs
 * store them, its
 * strings are the properties themselves, terminated inside the blob, and the
 * count returned is the number of records given to the callback. A callback
 * error stops the walk and comes back unchanged.
 */
#include <boot/dma.h>
#include <kho/err.h>
#include <libfdt.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

static const char *const numbers[] = { "index", "phys",	    "size",	"order",
				       "attrs", "coherent", "decrypted" };

struct walk {
	const u8 *blob;
	size_t size;
	int node; /* the subnode the next record must come from */
	unsigned int calls, stop_at;
};

static int inside(const struct walk *w, const void *p, size_t len)
{
	const u8 *b = p;

	return b >= w->blob && len <= w->size && (size_t)(b - w->blob) <= w->size - len;
}

static void check_string(const struct walk *w, const char *name, const char *s)
{
	int len;
	const char *p = fdt_getprop(w->blob, w->node, name, &len);

	if (s != p || len < 1 || !inside(w, s, (size_t)len) || s[len - 1] ||
	    strlen(s) + 1 != (size_t)len)
		fz_fail("record %u: %s is not its property's string", w->calls, name);
}

static void check_numbers(const struct walk *w, const struct boot_khofw_dma *d)
{
	const u64 got[] = { d->index, d->phys,	   d->size,	d->order,
			    d->attrs, d->coherent, d->decrypted };

	for (unsigned int i = 0; i < sizeof(got) / sizeof(got[0]); i++) {
		int len;
		const u8 *p = fdt_getprop(w->blob, w->node, numbers[i], &len);

		if (!p || len != 8 || got[i] != fz_get_le(p, 8))
			fz_fail("record %u: %s misread", w->calls, numbers[i]);
	}
}

static int record(void *arg, const struct boot_khofw_dma *d)
{
	struct walk *w = arg;

	w->node = w->calls ? fdt_next_subnode(w->blob, w->node)
			   : fdt_first_subnode(w->blob, 0);
	if (w->node < 0)
		fz_fail("record %u given with no node left", w->calls);
	if (!d->name || d->name != fdt_get_name(w->blob, w->node, NULL) ||
	    !inside(w, d->name, strlen(d->name) + 1))
		fz_fail("record %u: name outside its node", w->calls);
	check_numbers(w, d);
	check_string(w, "device", d->device);
	check_string(w, "mapping", d->mapping);
	if (++w->calls == w->stop_at)
		return FZ_STOP;
	return 0;
}

static void check_walk(const u8 *blob, size_t size)
{
	struct walk all = { blob, size, 0, 0, 0 };
	struct walk once = { blob, size, 0, 0, 1 };
	int n = boot_khofw_for_each_dma(blob, size, record, &all);

	fz_check_err(n < 0 ? n : 0, "boot_khofw_for_each_dma");
	if (n >= 0 && (unsigned int)n != all.calls)
		fz_fail("%d records counted, %u given", n, all.calls);
	if (n > 0 && fdt_next_subnode(blob, all.node) >= 0)
		fz_fail("a node after the last record was skipped");
	/* Without a callback the count is the same. */
	if (n >= 0 && boot_khofw_for_each_dma(blob, size, NULL, NULL) != n)
		fz_fail("count without a callback differs");
	n = boot_khofw_for_each_dma(blob, size, record, &once);
	if (once.calls > 1 || (once.calls == 1 && n != FZ_STOP))
		fz_fail("callback error became %d after %u calls", n, once.calls);
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	u8 *blob = fz_copy(data, size);

	check_walk(blob, size);
	/* A size short of the header's totalsize is refused, never read past. */
	if (size >= sizeof(struct fdt_header) && fdt_totalsize(blob) == size &&
	    boot_khofw_for_each_dma(blob, size - 1, NULL, NULL) >= 0)
		fz_fail("blob read with a size short of its totalsize");
	fz_copy_done(blob, data, size, "khofw blob");
	return 0;
}
