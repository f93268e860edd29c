/* SPDX-License-Identifier: MIT */
/* Consume: validate a previous kernel's handover and protect all of it. */
#include <kho/config.h>
#include <kho/err.h>
#include <kho/in.h>
#include <kho/out.h>
#include <libfdt.h>
#include <string.h>

/* len rounded up to whole pages: len is at most KHO_EARLY_MAP_MAX (kho_in_open()). */
static u32 page_round(u64 len, unsigned int p)
{
	u32 m = (1u << p) - 1;

	return ((u32)len + m) & ~m;
}
_Static_assert(KHO_EARLY_MAP_MAX <= 0x80000000u, "page_round() in 32 bits");

/*
 * Is an opened handover kho-v1? Never in a build without a v1 consumer (opening
 * refuses the ABIs left out), so the v1 paths go with it.
 */
static int in_v1(const struct kho_in *in)
{
	return KHO_HAVE_IN_V1 && kho_abi_is_v1(in->abi);
}

static int open_fdt(struct kho_in *in)
{
	const struct kho_chosen *ch = &in->ch;
	int err;

	if (!ch->fdt_len || ch->fdt_len > KHO_EARLY_MAP_MAX)
		return -KHO_E_FDT_SIZE;
	if (ch->fdt_phys & 7)
		return -KHO_E_FDT_ALIGN;
	in->fdt = kho_mem_ptr(in->mem, ch->fdt_phys, ch->fdt_len, &err);
	if (!in->fdt)
		return err;
	return kho_fdt_check(in->fdt, ch->fdt_len);
}

static int resolve_abi(struct kho_in *in, enum kho_abi hint)
{
	/* Each compatible once; v1's flavour is decided later. */
	static const u8 abis[] = { KHO_ABI_V4, KHO_ABI_V3, KHO_ABI_V1_4K };
	enum kho_abi found;
	unsigned int i = 0;

	while (fdt_node_check_compatible(in->fdt, 0, kho_abi_compatible(abis[i])))
		if (++i == sizeof(abis))
			return -KHO_E_COMPAT;
	found = abis[i];
	if (hint == KHO_ABI_AUTO)
		in->abi = found;
	else if (hint == found || (kho_abi_is_v1(hint) && kho_abi_is_v1(found)))
		in->abi = hint;
	else
		return -KHO_E_COMPAT;
	return 0;
}

static int u64_prop(const void *fdt, int node, const char *name, u64 *v)
{
	int len;
	const void *p = fdt_getprop(fdt, node, name, &len);

	if (!p || len != 8)
		return -KHO_E_PROP;
	memcpy(v, p, sizeof(*v)); /* native order, as written */
	return 0;
}

static int read_map(struct kho_in *in, enum kho_abi hint)
{
	int guess, err = u64_prop(in->fdt, 0, KHO_FDT_MEMORY_MAP_PROP_NAME, &in->map);

	if (err)
		return err;
	if (!in->map)
		return KHO_HAVE_IN_V1 && (in->abi == KHO_ABI_V1_512 ||
					  in->abi == KHO_ABI_V1_4K)
			       ? 0
			       : -KHO_E_MAP_ZERO;
	if (in_v1(in) && hint == KHO_ABI_AUTO) {
		guess = kho_v1_guess_bitmap(in->mem, in->map);
		if (guess < 0)
			return guess;
		in->abi =
			guess == KHO_V1_BITMAP_BYTES_512 ? KHO_ABI_V1_512 : KHO_ABI_V1_4K;
	}
	return 0;
}

_Static_assert(KHO_SCRATCH_ALIGN(16) <= 1u << 31 && KHO_SCRATCH_ALIGN_V1(16) <= 1u << 31,
	       "scratch alignment in 32 bits");

static int open_scratch(struct kho_in *in)
{
	const struct kho_chosen *ch = &in->ch;
	/* The alignment is at most 512 MiB: the low 32 bits of a range decide. */
	u32 mask = (u32)kho_abi_scratch_align(in->abi, in->page_shift) - 1;
	int err;

	if (!ch->scratch_len || ch->scratch_len % sizeof(struct kho_scratch) ||
	    ch->scratch_len > KHO_EARLY_MAP_MAX)
		return -KHO_E_SCRATCH;
	if (ch->scratch_phys & 7)
		return -KHO_E_MISALIGNED;
	in->scratch = kho_mem_ptr(in->mem, ch->scratch_phys, ch->scratch_len, &err);
	if (!in->scratch)
		return err;
	in->nr_scratch = (u32)ch->scratch_len / sizeof(struct kho_scratch);
	for (unsigned int i = 0; i < in->nr_scratch; i++) {
		const struct kho_scratch *s = &in->scratch[i];

		if (!s->size)
			continue; /* Linux 7.0/7.1 emit empty global areas */
		if (((u32)s->addr | (u32)s->size) & mask)
			return -KHO_E_SCRATCH_ALIGN;
		err = kho_mem_check_ram(in->mem, s->addr, s->size);
		if (err)
			return err;
	}
	return 0;
}

int kho_in_open_at(struct kho_in *in, const struct kho_chosen *ch,
		   const struct kho_mem *mem, unsigned int page_shift, enum kho_abi hint)
{
	int err;

	memset(in, 0, sizeof(*in));
	if ((page_shift != 12 && page_shift != 14 && page_shift != 16) ||
	    (unsigned int)hint >= KHO_ABI_COUNT)
		return -KHO_E_INVAL;
	if (!KHO_HAVE_IN)
		return -KHO_E_ABI;
	in->mem = mem;
	in->page_shift = page_shift;
	in->ch = *ch;
	err = open_fdt(in);
	if (!err)
		err = resolve_abi(in, hint);
	if (!err && ((in_v1(in) && page_shift != 12) || !kho_abi_built(in->abi, 0)))
		err = -KHO_E_ABI;
	if (!err)
		err = read_map(in, hint);
	if (!err)
		err = open_scratch(in);
	return err;
}

int kho_in_open(struct kho_in *in, const void *dt, const struct kho_mem *mem,
		unsigned int page_shift, enum kho_abi hint)
{
	struct kho_chosen ch;
	int err = kho_dt_get_chosen(dt, &ch);

	if (err) {
		memset(in, 0, sizeof(*in));
		return err;
	}
	return kho_in_open_at(in, &ch, mem, page_shift, hint);
}

static int v1_blob_size(const struct kho_in *in, struct kho_blob *b)
{
	const void *hdr;
	int err;

	if (b->phys & 7)
		return -KHO_E_MISALIGNED; /* libfdt refuses it, as would Linux */
	hdr = kho_mem_ptr(in->mem, b->phys, sizeof(struct fdt_header), &err);
	if (!hdr)
		return err;
	if (fdt_magic(hdr) != FDT_MAGIC || fdt_totalsize(hdr) < sizeof(struct fdt_header))
		return -KHO_E_BLOB;
	b->size = fdt_totalsize(hdr);
	return 0;
}

static int read_blob(const struct kho_in *in, int node, struct kho_blob *b)
{
	int err;

	b->name = fdt_get_name(in->fdt, node, NULL);
	if (in_v1(in)) {
		err = u64_prop(in->fdt, node, KHO_V1_SUB_TREE_PROP_NAME, &b->phys);
		if (!err)
			err = v1_blob_size(in, b);
	} else {
		err = u64_prop(in->fdt, node, KHO_SUB_TREE_PROP_NAME, &b->phys);
		if (!err)
			err = u64_prop(in->fdt, node, KHO_SUB_TREE_SIZE_PROP_NAME,
				       &b->size);
	}
	if (err)
		return err;
	if (b->phys + b->size < b->phys)
		return -KHO_E_WRAP;
	return kho_mem_check_ram(in->mem, b->phys, b->size ? b->size : 1);
}

static int dup_name(const void *fdt, int node, const char *name)
{
	int other;

	fdt_for_each_subnode (other, fdt, 0) {
		if (other == node)
			return 0;
		if (!strcmp(fdt_get_name(fdt, other, NULL), name))
			return 1;
	}
	return 0;
}

int kho_in_for_each_blob(const struct kho_in *in,
			 int (*fn)(void *arg, const struct kho_blob *b), void *arg)
{
	struct kho_blob b;
	int node, err, count = 0;

	if (!KHO_HAVE_IN)
		return -KHO_E_ABI;
	fdt_for_each_subnode (node, in->fdt, 0) {
		err = read_blob(in, node, &b);
		if (!err && dup_name(in->fdt, node, b.name))
			err = -KHO_E_DUP_BLOB;
		if (!err && fn)
			err = fn(arg, &b);
		if (err < 0)
			return err;
		count++;
	}
	return count;
}

int kho_in_find_blob(const struct kho_in *in, const char *name, struct kho_blob *b)
{
	int node, found = -1;

	if (!KHO_HAVE_IN)
		return -KHO_E_ABI;
	/* Names only: the other blobs' properties are not read again. */
	fdt_for_each_subnode (node, in->fdt, 0) {
		if (strcmp(fdt_get_name(in->fdt, node, NULL), name))
			continue;
		if (found >= 0)
			return -KHO_E_DUP_BLOB;
		found = node;
	}
	return found < 0 ? -KHO_E_NOT_FOUND : read_blob(in, found, b);
}

int kho_in_walk(const struct kho_in *in, struct kho_walk *w)
{
	w->mem = in->mem;
	w->page_shift = in->page_shift;
	w->max_order = kho_abi_max_order(in->abi, in->page_shift);
	if (in_v1(in))
		return kho_v1_walk(w, in->map, kho_abi_bitmap_bytes(in->abi));
	return KHO_HAVE_IN_RADIX ? kho_radix_walk(w, in->map) : -KHO_E_ABI;
}

#define KIND_BIT(k) (1u << (k))

/* The error of an overlap: -KHO_E_PROTECTED if firmware is anywhere in [start, end). */
static int firmware_err(const struct kho_rmap *rm, u64 start, u64 end)
{
	return kho_rmap_kinds(rm, start, end) & KIND_BIT(KHO_KIND_FIRMWARE)
		       ? -KHO_E_PROTECTED
		       : -KHO_E_OVERLAP;
}

/*
 * A preserved block may cover the KHO FDT or a blob recorded as meta before, and map
 * pages (the producer may preserve those too: they stay protected either way), and
 * may overlap other preserved blocks (orders are not deduplicated), in any order.
 */
static int add_preserved(struct kho_rmap *rm, u64 phys, u64 end)
{
	int err = kho_rmap_add(rm, phys, end, KHO_KIND_PRESERVED, NULL);

	if (err == -KHO_E_OVERLAP)
		err = kho_rmap_carve_from(rm, phys, end, KHO_KIND_PRESERVED, NULL,
					  KIND_BIT(KHO_KIND_META) |
						  KIND_BIT(KHO_KIND_MAP));
	return err == -KHO_E_OVERLAP ? firmware_err(rm, phys, end) : err;
}

/* Runs of a walk: appended while they come in ascending order, else one by one. */
static int protect_runs(void *arg, const struct kho_run *r, unsigned int n,
			unsigned int order)
{
	struct kho_rmap *rm = arg;

	(void)order;
	for (unsigned int i = 0; i < n; i++) {
		int err;

		i += kho_rmap_append(rm, r + i, n - i, KHO_KIND_PRESERVED);
		if (i == n)
			break;
		err = add_preserved(rm, r[i].phys, r[i].phys + r[i].size);
		if (err)
			return err;
	}
	return 0;
}

/*
 * Record the parts of [start, end) (none if empty) that nothing covers yet as kind;
 * ranges already there must be of a kind in the allowed mask (firmware otherwise is
 * -KHO_E_PROTECTED, anything else -KHO_E_OVERLAP).
 */
static int fill_gaps(struct kho_rmap *rm, u64 start, u64 end, unsigned int kind,
		     const char *label, unsigned int allowed)
{
	u64 at = start, next;
	unsigned int k;
	int err;

	while (at < end) {
		k = kho_rmap_lower_bound(rm, at);
		if (k < rm->nr && rm->r[k].start <= at) {
			if (!(allowed & KIND_BIT(rm->r[k].kind)))
				return rm->r[k].kind == KHO_KIND_FIRMWARE
					       ? -KHO_E_PROTECTED
					       : -KHO_E_OVERLAP;
			at = rm->r[k].end;
			continue;
		}
		next = k < rm->nr && rm->r[k].start < end ? rm->r[k].start : end;
		err = kho_rmap_add(rm, at, next, kind, label);
		if (err)
			return err;
		at = next;
	}
	return 0;
}

/* A sub-blob: the parts no preserved block covers are protected as meta. */
static int protect_blob(void *arg, const struct kho_blob *b)
{
	return fill_gaps(arg, b->phys, b->phys + b->size, KHO_KIND_META, b->name,
			 KIND_BIT(KHO_KIND_PRESERVED) | KIND_BIT(KHO_KIND_META));
}

static int add_meta(struct kho_rmap *rm, u64 phys, u64 len, const char *label)
{
	int err = kho_rmap_carve(rm, phys, phys + len, KHO_KIND_META, label);

	return err == -KHO_E_OVERLAP ? firmware_err(rm, phys, phys + len) : err;
}

static int protect_scratch(const struct kho_in *in, struct kho_rmap *rm)
{
	int err = 0;

	/*
	 * Scratch around the firmware: a stage the previous kernel kexec'd into runs
	 * from its scratch (kexec places every segment there). Linux 7.0/7.1 emit
	 * empty global areas: nothing to record.
	 */
	for (unsigned int i = 0; !err && i < in->nr_scratch; i++)
		err = fill_gaps(rm, in->scratch[i].addr,
				in->scratch[i].addr + in->scratch[i].size,
				KHO_KIND_SCRATCH, NULL, KIND_BIT(KHO_KIND_FIRMWARE));
	return err;
}

int kho_in_protect_stats(const struct kho_in *in, struct kho_rmap *rm,
			 struct kho_in_stats *st)
{
	struct kho_walk w = { .seen = rm, .runs = protect_runs, .arg = rm };
	u32 fdt_len = page_round(in->ch.fdt_len, in->page_shift);
	int err;

	if (!KHO_HAVE_IN)
		return -KHO_E_ABI;
	err = add_meta(rm, in->ch.fdt_phys, fdt_len, "kho-fdt");
	if (!err)
		err = protect_scratch(in, rm);
	if (!err)
		err = add_meta(rm, in->ch.scratch_phys, in->ch.scratch_len,
			       "scratch-array");
	if (!err)
		err = kho_in_walk(in, &w);
	if (!err) {
		err = kho_in_for_each_blob(in, protect_blob, rm);
		err = err > 0 ? 0 : err;
	}
	if (st) {
		st->blocks = w.blocks;
		st->map_pages = w.nodes;
		st->preserved_bytes = w.bytes;
	}
	return err;
}

int kho_in_protect(const struct kho_in *in, struct kho_rmap *rm)
{
	return kho_in_protect_stats(in, rm, NULL);
}

struct carry_ctx {
	struct kho_out *out;
	unsigned int page_shift;
};

static int carry_block(void *arg, u64 phys, u64 size, unsigned int order)
{
	struct carry_ctx *c = arg;
	u64 block = (u64)1 << (c->page_shift + order);

	for (u64 off = 0; off < size; off += block) {
		int err = kho_out_preserve(c->out, phys + off, order);
		if (err)
			return err;
	}
	return 0;
}

int kho_in_carry(const struct kho_in *in, struct kho_out *out)
{
	struct carry_ctx c = { out, in->page_shift };
	struct kho_walk w = { .block = carry_block, .arg = &c };

	if (!KHO_HAVE_IN || !KHO_HAVE_OUT)
		return -KHO_E_ABI;
	if (KHO_HAVE_IN_RADIX && KHO_HAVE_OUT_RADIX && out->rm && in->mem == out->mem &&
	    in->abi == out->abi && !kho_abi_is_v1(in->abi) &&
	    in->page_shift == out->page_shift)
		return kho_radix_merge(in->mem, in->page_shift, &out->map, in->map,
				       &out->pa, out->rm);
	return kho_in_walk(in, &w);
}
