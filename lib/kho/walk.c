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

const void *kho_walk_map_page(struct kho_walk *w, u64 phys, unsigned int len,
			      unsigned int align, int *err)
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

/* Runs found in one bitmap, on their way to the caller: all of one order. */
struct sink {
	struct kho_walk *w;
	struct kho_run *buf;
	unsigned int n, cap;
	unsigned int order, shift;
	u64 base;
	int checked; /* each run is checked against RAM before it is queued */
};

/* Bytes of n blocks of 2^shift bytes. */
static KHO_SHIFT64_FN u64 bits_bytes(unsigned long n, unsigned int shift)
{
	return (u64)n << shift;
}

/* Hand buf[0..n) to the caller: one batch, or one block() call per run. */
static int deliver(struct sink *s)
{
	struct kho_walk *w = s->w;
	unsigned int n = s->n, k = 0;
	u64 bytes = 0;
	int err = 0;

	s->n = 0;
	if (w->runs)
		for (; k < n; k++)
			bytes += s->buf[k].size;
	/* blocks counts what the caller was given, up to a run it refused. */
	for (; !err && k < n; k++) {
		bytes += s->buf[k].size;
		if (w->block)
			err = w->block(w->arg, s->buf[k].phys, s->buf[k].size, s->order);
	}
	w->bytes += bytes;
	w->blocks += bytes >> s->shift;
	return w->runs && n ? w->runs(w->arg, s->buf, n, s->order) : err;
}

/*
 * 0 if the blocks of bits [bit, end) neither wrap nor leave RAM. With each, blocks
 * over two adjacent banks pass when every one of them is RAM; without, they fail
 * as kho_mem_check_ram() fails them.
 */
static int check_bits(const struct sink *s, unsigned long bit, unsigned long end,
		      int each)
{
	unsigned int shift = s->shift;
	int err;

	/* end << shift fits (end is never 0), and base + that does not wrap. */
	if ((unsigned int)__builtin_clzll(end) < shift ||
	    s->base + bits_bytes(end, shift) < s->base)
		return -KHO_E_WRAP;
	err = kho_mem_check_ram(s->w->mem, s->base + bits_bytes(bit, shift),
				bits_bytes(end - bit, shift));
	if (!err || !each)
		return err;
	for (err = 0; !err && bit < end; bit++)
		err = check_bits(s, bit, bit + 1, 0);
	return err;
}

/* Before run [a, b) is queued: check it if it must be, deliver a full batch. */
static int make_room(struct sink *s, unsigned long a, unsigned long b)
{
	int err = s->checked ? check_bits(s, a, b, 1) : 0, e;

	if (err) {
		e = deliver(s); /* the runs before it are still reported */
		return e ? e : err;
	}
	return s->n == s->cap ? deliver(s) : 0;
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
static inline unsigned long skip_words(const word *v, unsigned long n, unsigned long i,
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
 * Queue the runs that end inside a word at r, which has room for W / 2: st marks
 * where they start, en the first clear bit after each one, wbase is the phys of
 * the word's bit 0. A run that reaches the top bit has no end here.
 */
static struct kho_run *word_runs(struct kho_run *r, word st, word en, u64 wbase,
				 unsigned int shift)
{
	while (en) {
		unsigned int a = ctzw(st), b = ctzw(en);

		r->phys = wbase + bits_bytes(a, shift);
		r->size = bits_bytes(b - a, shift);
		r++;
		st &= st - 1;
		en &= en - 1;
	}
	return r;
}

/*
 * Queue the runs of v[i..n) (v[i] non-zero). In each word, st marks where runs
 * start and en the first clear bit after each one; open carries a run over the
 * words it fills, which are skipped four at a time as empty words are. Past n the
 * map reads as 0, which ends an open run. With room and nothing to check, the
 * runs that end inside a word are taken all at once; otherwise one at a time.
 * The batch is kept in locals (r, lim) and written back to s only when
 * make_room() must see it: lim is the end of the buffer, or the next run when
 * each run must be checked.
 */
static int walk_runs(struct sink *s, const word *v, unsigned long i, unsigned long n)
{
	struct kho_run *r = s->buf, *lim = s->checked ? r : r + s->cap;
	unsigned int shift = s->shift;
	unsigned long a = 0, b, bit; /* bit numbers: a bitmap is at most a 64 KiB page */
	u64 base = s->base;
	word x, st, en, open = 0;
	int err;

	for (;;) {
		x = i < n ? v[i] : 0;
		if (x == (word)0 - open) {
			if (i >= n)
				break;
			i = skip_words(v, n, i + 1, x);
			continue;
		}
		bit = i * W;
		st = x & ~(x << 1 | open);
		en = ~x & (x << 1 | open);
		while (en) {
			if (!open && lim - r >= W / 2) {
				r = word_runs(r, st, en, base + bits_bytes(bit, shift),
					      shift);
				break;
			}
			if (!open) {
				a = bit + ctzw(st);
				st &= st - 1;
			}
			open = 0;
			b = bit + ctzw(en);
			en &= en - 1;
			if (r == lim) {
				s->n = (unsigned int)(r - s->buf);
				err = make_room(s, a, b);
				if (err)
					return err;
				r = s->buf + s->n;
				lim = s->checked ? r + 1 : s->buf + s->cap;
			}
			r->phys = base + bits_bytes(a, shift);
			r->size = bits_bytes(b - a, shift);
			r++;
		}
		open = x >> (W - 1);
		if (open) /* st's top bit starts the run */
			a = bit + (W - 1) - (unsigned long)__builtin_clzl(st);
		i++;
	}
	s->n = (unsigned int)(r - s->buf);
	/* Every run of this bitmap is out before the walk reads another map page. */
	return deliver(s);
}

unsigned int kho_walk_skip_zero(const u64 *words, unsigned int i, unsigned int n)
{
	return (unsigned int)(skip_words((const word *)words, n * (64 / W), i * (64 / W),
					 0) /
			      (64 / W));
}

int kho_walk_bitmap(struct kho_walk *w, const u64 *words, unsigned int nwords, u64 base,
		    unsigned int order)
{
	struct kho_run local[64];
	struct sink s = { w, local, 0, 64, order, w->page_shift + order, base, 0 };
	const word *v = (const word *)words;
	unsigned long n = nwords * (64 / W), first = skip_words(v, n, 0, 0);

	if (first == n)
		return 0;
	/* Also keeps shift below 64 (radix.c passes ~0u for orders no key holds). */
	if (order > w->max_order || order > 63 - w->page_shift)
		return -KHO_E_ORDER;
	if (w->runs && w->run_buf && w->run_cap) {
		s.buf = w->run_buf;
		s.cap = w->run_cap;
	}
	while (!v[n - 1])
		n--;
	/* If the whole extent is in one bank, so is every run: no run needs a check. */
	s.checked = check_bits(&s, first * W + ctzw(v[first]),
			       n * W - (unsigned long)__builtin_clzl(v[n - 1]), 0);
	return walk_runs(&s, v, first, n);
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
