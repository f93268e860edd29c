/* SPDX-License-Identifier: MIT */
/* Map-page validation and bitmap run extraction shared by both map formats. */
#include <kho/err.h>
#include <string.h>
#include "walk.h"

static int conflict_err(const struct kho_rmap *rm, u64 start, u64 end)
{
	switch (kho_rmap_overlap_kind(rm, start, end)) {
	case KHO_KIND_MAP:
		return -KHO_E_CYCLE;
	case KHO_KIND_FIRMWARE:
		return -KHO_E_PROTECTED;
	default:
		return -KHO_E_OVERLAP;
	}
}

const void *kho_walk_map_page(struct kho_walk *w, u64 phys, u64 len, u64 align, int *err)
{
	const void *p;
	int e;

	if (phys & (align - 1)) {
		*err = -KHO_E_MISALIGNED;
		return NULL;
	}
	p = kho_mem_ptr(w->mem, phys, len, err);
	if (!p)
		return NULL;
	if (w->seen) {
		e = kho_rmap_add_new(w->seen, phys, phys + len, KHO_KIND_MAP, NULL);
		/* A map page the producer also preserved is odd but valid (Linux accepts
		 * it). */
		if (e == -KHO_E_OVERLAP &&
		    kho_rmap_covered(w->seen, phys, phys + len, KHO_KIND_PRESERVED))
			e = 0;
		else if (e == -KHO_E_OVERLAP)
			e = conflict_err(w->seen, phys, phys + len);
		if (e) {
			*err = e;
			return NULL;
		}
	}
	/* Without a record of pages, a cycle still cannot outlast the RAM it lives in. */
	if (++w->nodes > (kho_mem_ram_size(w->mem) >> 9) + 1) {
		*err = -KHO_E_CYCLE;
		return NULL;
	}
	return p;
}

static int check_run(struct kho_walk *w, u64 phys, u64 size, unsigned int shift)
{
	int err;

	if (phys + size < phys)
		return -KHO_E_WRAP;
	err = kho_mem_check_ram(w->mem, phys, size);
	if (!err)
		return 0;
	/* A run may span two adjacent banks: then every block must still be RAM. */
	for (u64 off = 0; off < size; off += (u64)1 << shift) {
		err = kho_mem_check_ram(w->mem, phys + off, (u64)1 << shift);
		if (err)
			return err;
	}
	return 0;
}

/* Runs found in one bitmap, on their way to the caller: all of one order. */
struct sink {
	struct kho_walk *w;
	struct kho_run *buf;
	unsigned int n, cap;
	unsigned int order, shift;
	u64 base;
};

/* Hand buf[0..n) to the caller: one batch, or one block() call per run. */
static int deliver(struct sink *s)
{
	struct kho_walk *w = s->w;
	unsigned int n = s->n;
	u64 bytes = 0;
	int err = 0;

	s->n = 0;
	if (w->runs) {
		for (unsigned int k = 0; k < n; k++)
			bytes += s->buf[k].size;
		w->bytes += bytes;
		w->blocks += bytes >> s->shift;
		return n ? w->runs(w->arg, s->buf, n, s->order) : 0;
	}
	/* blocks counts what the caller was given, up to a run it refused. */
	for (unsigned int k = 0; !err && k < n; k++) {
		w->bytes += s->buf[k].size;
		w->blocks += s->buf[k].size >> s->shift;
		if (w->block)
			err = w->block(w->arg, s->buf[k].phys, s->buf[k].size, s->order);
	}
	return err;
}

/* The checks of a run in a bitmap not known to be in RAM: see extent_in_ram(). */
static int check_bits(struct sink *s, u64 bit, u64 len)
{
	u64 phys = s->base + (bit << s->shift);

	if (len > (~(u64)0 >> s->shift) || phys < s->base)
		return -KHO_E_WRAP;
	return check_run(s->w, phys, len << s->shift, s->shift);
}

/*
 * Bitmaps are read a native word at a time: on a little-endian CPU, bit b of a
 * map of u64 words is bit b % W of word b / W whatever the word size W.
 */
typedef unsigned long __attribute__((may_alias)) word;
#define W ((int)(8 * sizeof(word)))
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "bitmap words");

static unsigned int ctzw(word x)
{
	return (unsigned int)__builtin_ctzl(x);
}

/* First word at or after i that is not all equal to fill (n if none), 4 at a time. */
static unsigned long skip_words(const word *v, unsigned long n, unsigned long i,
				word fill)
{
	while (i + 4 <= n && !((v[i] ^ fill) | (v[i + 1] ^ fill) | (v[i + 2] ^ fill) |
			       (v[i + 3] ^ fill)))
		i += 4;
	while (i < n && v[i] == fill)
		i++;
	return i;
}

/*
 * Can no run inside bits [first, end) fail check_bits()? True when the whole
 * extent neither wraps nor leaves one RAM bank: then no run does either, and the
 * runs need no check of their own.
 */
static int extent_in_ram(const struct kho_walk *w, u64 base, u64 first, u64 end,
			 unsigned int order)
{
	unsigned int shift = w->page_shift + order;
	u64 phys;

	if (shift >= 64 || end > (~(u64)0 >> shift))
		return 0;
	phys = base + (first << shift);
	if (phys < base)
		return 0;
	return !kho_mem_check_ram(w->mem, phys, (end - first) << shift);
}

/*
 * Queue the runs that end inside word x (bits below any earlier run cleared) at
 * r, which has room for W / 2: st marks where runs start, en the first clear bit
 * after each one. A run that reaches the top bit has no end here.
 */
static struct kho_run *word_runs(struct kho_run *r, word x, u64 wbase, unsigned int shift)
{
	word st = x & ~(x << 1), en = ~x & (x << 1);

	while (en) {
		unsigned int a = ctzw(st), b = ctzw(en);

		r->phys = wbase + ((u64)a << shift);
		r->size = (u64)(b - a) << shift;
		r++;
		st &= st - 1;
		en &= en - 1;
	}
	return r;
}

/* The run of x that reaches the top bit (x itself if it has no clear bit), or 0. */
static word top_run(word x)
{
	if (!(x >> (W - 1)) || !~x)
		return x >> (W - 1) ? x : 0;
	return x & (~(word)0 << (W - __builtin_clzl(~x)));
}

/*
 * Queue the runs in v[i..n) (v[i] and v[n - 1] non-zero). With room and nothing
 * to check, the runs that end inside a word are taken all at once; otherwise one
 * at a time. A run that reaches a word's top bit is followed over all-one words
 * four at a time. The batch is kept in locals (r, full) and written back to s
 * only around calls.
 */
static int walk_runs(struct sink *s, const word *v, unsigned long i, unsigned long n,
		     int checked)
{
	struct kho_run *r = s->buf + s->n, *full = s->buf + s->cap;
	unsigned int shift = s->shift;
	word x = v[i], y;
	unsigned long start, end; /* bit numbers: a bitmap is at most a 64 KiB page */
	int err = 0;

	for (;;) {
		if (!x && (++i >= n || !(x = v[i]))) {
			/* The next word is empty too: skip the empty ones at once. */
			i = skip_words(v, n, i, 0);
			if (i >= n)
				break;
			x = v[i];
		}
		if (!checked && full - r >= W / 2) {
			r = word_runs(r, x, s->base + ((u64)(i * W) << shift), shift);
			x = top_run(x);
			if (!x)
				continue;
		}
		start = i * W + ctzw(x);
		y = x | (x - 1); /* x with the bits below its lowest run set */
		if (~y) {
			end = i * W + ctzw(~y);
			x &= y + 1; /* clears the run */
		} else {
			i = skip_words(v, n, i + 1, ~(word)0);
			x = i < n ? v[i] : 0;
			end = i * W + (i < n ? ctzw(~x) : 0);
			x &= x + 1; /* clears the run's tail */
		}
		if (checked && (err = check_bits(s, start, end - start)))
			break; /* the runs before it are still reported */
		if (r == full) {
			s->n = s->cap;
			err = deliver(s);
			if (err)
				return err;
			r = s->buf;
		}
		r->phys = s->base + ((u64)start << shift);
		r->size = (u64)(end - start) << shift;
		r++;
	}
	s->n = (unsigned int)(r - s->buf);
	if (err) {
		int e = deliver(s);

		return e ? e : err;
	}
	return 0;
}

int kho_walk_bitmap(struct kho_walk *w, const u64 *words, u64 nwords, u64 base,
		    unsigned int order)
{
	struct kho_run local[64];
	struct sink s = { w, local, 0, 64, order, w->page_shift + order, base };
	const word *v = (const word *)words;
	unsigned long n = (unsigned long)nwords * (64 / W),
		      first = skip_words(v, n, 0, 0);
	unsigned long last = n;
	int err;

	if (first == n)
		return 0;
	if (order > w->max_order)
		return -KHO_E_ORDER;
	if (w->runs && w->run_buf && w->run_cap) {
		s.buf = w->run_buf;
		s.cap = w->run_cap;
	}
	while (!v[last - 1])
		last--;
	err = walk_runs(&s, v, first, last,
			!extent_in_ram(w, base, (u64)first * W + ctzw(v[first]),
				       (u64)last * W - (u64)__builtin_clzl(v[last - 1]),
				       order));
	/* Every run of this bitmap is out before the walk reads another map page. */
	return err ? err : deliver(&s);
}

void *kho_alloc_map_page(const struct kho_mem *mem, unsigned int page_shift,
			 const struct kho_page_alloc *pa, struct kho_rmap *seen,
			 u64 *phys, int *err)
{
	u32 size = 1u << page_shift; /* pages are at most 64 KiB */
	void *p;
	int e;

	if (!pa || !pa->alloc) {
		*err = -KHO_E_NOMEM;
		return NULL;
	}
	e = pa->alloc(pa->arg, phys);
	if (e) {
		*err = e < 0 ? e : -KHO_E_NOMEM;
		return NULL;
	}
	if (*phys & (size - 1)) {
		*err = -KHO_E_MISALIGNED;
		return NULL;
	}
	p = kho_mem_ptr(mem, *phys, size, err);
	if (!p)
		return NULL;
	if (seen) {
		e = kho_rmap_add_new(seen, *phys, *phys + size, KHO_KIND_MAP, NULL);
		if (e) {
			*err = e == -KHO_E_OVERLAP ? -KHO_E_PROTECTED : e;
			return NULL;
		}
	}
	memset(p, 0, size);
	return p;
}
