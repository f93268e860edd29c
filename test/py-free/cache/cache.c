/* SPDX-License-Identifier: MIT */
/* The write-back cache model (cache.h). */
#include "cache.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Per-line state: where the line is (bits 0-1) and what happened to it. */
#define ST_ABSENT 0
#define ST_CLEAN 1
#define ST_DIRTY 2
#define ST_WHERE 3
#define F_CLEANED 0x04	   /* a DC CIVAC reached it at least once */
#define F_AFTER_CLEAN 0x08 /* the CPU wrote it after its last clean */
#define F_DEVICE 0x10	   /* the device wrote memory while the line was cached */
#define F_LOST 0x20	   /* an invalidate dropped dirty bytes of it */

static const char *const fault_names[CM_FAULT_KINDS] = {
	[CM_OK] = "ok",
	[CM_MISSING_CLEAN] = "missing clean",
	[CM_LATE_WRITE] = "late write after the clean",
	[CM_MISSING_DSB] = "missing DSB",
	[CM_LOST_DIRTY] = "invalidate dropped dirty data",
	[CM_STALE_READ] = "stale read",
	[CM_OVERWROTE_DEVICE] = "write-back over device data",
	[CM_MEMORY_DIFFERS] = "memory differs",
};

const char *cm_fault_name(enum cm_fault_kind kind)
{
	return kind < CM_FAULT_KINDS ? fault_names[kind] : "?";
}

static void fault(struct cm *cm, enum cm_fault_kind kind, uint64_t pa, const char *fmt,
		  ...) __attribute__((format(printf, 4, 5)));
static void fault(struct cm *cm, enum cm_fault_kind kind, uint64_t pa, const char *fmt,
		  ...)
{
	va_list ap;

	if (cm->nfaults < CM_MAX_FAULTS) {
		struct cm_fault *f = &cm->faults[cm->nfaults];

		f->kind = kind;
		f->pa = pa;
		va_start(ap, fmt);
		vsnprintf(f->msg, sizeof(f->msg), fmt, ap);
		va_end(ap);
	}
	cm->nfaults++;
}

unsigned int cm_faults(const struct cm *cm, const struct cm_fault **f)
{
	*f = cm->faults;
	return cm->nfaults;
}

const struct cm_fault *cm_find_fault(const struct cm *cm, enum cm_fault_kind kind)
{
	for (unsigned int i = 0; i < cm->nfaults && i < CM_MAX_FAULTS; i++)
		if (cm->faults[i].kind == kind)
			return &cm->faults[i];
	return NULL;
}

/* ------------------------------------------------------------- set-up */

int cm_init(struct cm *cm, uint64_t base, uint64_t size, unsigned int line,
	    const void *init)
{
	memset(cm, 0, sizeof(*cm));
	if (line < CM_LINE_MIN || line > CM_LINE_MAX || (line & (line - 1)) ||
	    (base | size) % CM_PAGE || !size)
		return -1;
	cm->base = base;
	cm->size = size;
	cm->line = line;
	cm->lines = (unsigned int)(size / line);
	cm->mem = malloc(size);
	cm->data = malloc(size);
	cm->state = calloc(cm->lines, 1);
	cm->dirty = calloc(cm->lines, sizeof(*cm->dirty));
	cm->npend = calloc(cm->lines, sizeof(*cm->npend));
	cm->attr = calloc(size / CM_PAGE, 1);
	if (!cm->mem || !cm->data || !cm->state || !cm->dirty || !cm->npend ||
	    !cm->attr) {
		cm_fini(cm);
		return -1;
	}
	memcpy(cm->mem, init, size);
	return 0;
}

void cm_fini(struct cm *cm)
{
	free(cm->mem);
	free(cm->data);
	free(cm->state);
	free(cm->dirty);
	free(cm->npend);
	free(cm->attr);
	free(cm->wb);
	memset(cm, 0, sizeof(*cm));
}

int cm_set_attr(struct cm *cm, uint64_t pa, uint64_t size, enum cm_attr attr)
{
	if ((pa | size) % CM_PAGE || pa < cm->base || size > cm->size ||
	    pa - cm->base > cm->size - size)
		return -1;
	memset(cm->attr + (pa - cm->base) / CM_PAGE, attr, size / CM_PAGE);
	return 0;
}

/* ------------------------------------------------------------ helpers */

static unsigned int line_of(const struct cm *cm, uint64_t pa)
{
	if (pa < cm->base || pa - cm->base >= cm->size) {
		fprintf(stderr, "cache model: 0x%" PRIx64 " is outside the model\n", pa);
		abort();
	}
	return (unsigned int)((pa - cm->base) / cm->line);
}

static uint64_t line_pa(const struct cm *cm, unsigned int l)
{
	return cm->base + (uint64_t)l * cm->line;
}

static int is_nc(const struct cm *cm, unsigned int l)
{
	return cm->attr[(uint64_t)l * cm->line / CM_PAGE] == CM_NC;
}

static unsigned int where(const struct cm *cm, unsigned int l)
{
	return cm->state[l] & ST_WHERE;
}

static void set_where(struct cm *cm, unsigned int l, unsigned int w)
{
	cm->state[l] = (uint8_t)((cm->state[l] & ~ST_WHERE) | w);
}

static uint8_t *mem_of(const struct cm *cm, unsigned int l)
{
	return cm->mem + (uint64_t)l * cm->line;
}

static uint8_t *data_of(const struct cm *cm, unsigned int l)
{
	return cm->data + (uint64_t)l * cm->line;
}

static uint64_t full_mask(const struct cm *cm)
{
	return cm->line == 64 ? ~0ull : (1ull << cm->line) - 1;
}

/* Bytes [from, to) of a line as a mask. */
static uint64_t byte_mask(unsigned int from, unsigned int to)
{
	uint64_t m = 0;

	for (unsigned int i = from; i < to; i++)
		m |= 1ull << i;
	return m;
}

static void apply(uint8_t *dst, const uint8_t *src, uint64_t mask, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		if (mask & (1ull << i))
			dst[i] = src[i];
}

/* What memory will hold once the write buffer has drained. */
static void coherent(const struct cm *cm, unsigned int l, uint8_t *out)
{
	memcpy(out, mem_of(cm, l), cm->line);
	for (unsigned int i = 0; cm->npend[l] && i < cm->nwb; i++)
		if (cm->wb[i].line == l)
			apply(out, cm->wb[i].data, cm->wb[i].mask, cm->line);
}

/* What the CPU reads: the cached line, else memory behind the write buffer. */
static void visible(const struct cm *cm, unsigned int l, uint8_t *out)
{
	if (where(cm, l) != ST_ABSENT)
		memcpy(out, data_of(cm, l), cm->line);
	else
		coherent(cm, l, out);
}

static void push(struct cm *cm, unsigned int l, const uint8_t *data, uint64_t mask)
{
	struct cm_pending *p;

	if (cm->nwb == cm->capwb) {
		unsigned int cap = cm->capwb ? 2 * cm->capwb : 256;
		struct cm_pending *wb = realloc(cm->wb, cap * sizeof(*wb));

		if (!wb) {
			fprintf(stderr, "cache model: out of memory\n");
			abort();
		}
		cm->wb = wb;
		cm->capwb = cap;
	}
	p = &cm->wb[cm->nwb++];
	p->line = l;
	p->mask = mask;
	memcpy(p->data, data, cm->line);
	cm->npend[l]++;
}

/* A line comes in, clean: memory as the CPU would see it now. */
static void allocate(struct cm *cm, unsigned int l)
{
	coherent(cm, l, data_of(cm, l));
	set_where(cm, l, ST_CLEAN);
	cm->state[l] &= (uint8_t)~F_DEVICE;
	cm->dirty[l] = 0;
}

static void drop(struct cm *cm, unsigned int l)
{
	set_where(cm, l, ST_ABSENT);
	cm->state[l] &= (uint8_t)~F_DEVICE;
	cm->dirty[l] = 0;
}

/* A dirty line leaves the cache: writing it back over device data is a fault. */
static void check_write_back(struct cm *cm, unsigned int l, const char *how)
{
	if (cm->state[l] & F_DEVICE)
		fault(cm, CM_OVERWROTE_DEVICE, line_pa(cm, l),
		      "line 0x%" PRIx64 " was dirty in the cache when the device wrote "
		      "memory; its %s wrote the CPU's copy back over the device's data "
		      "(clean or invalidate before the DMA)",
		      line_pa(cm, l), how);
}

/* ---------------------------------------------------------- CPU access */

static void write_line(struct cm *cm, unsigned int l, unsigned int off,
		       const uint8_t *src, unsigned int n)
{
	uint8_t buf[CM_LINE_MAX];
	uint64_t mask = byte_mask(off, off + n);

	if (is_nc(cm, l)) {
		memset(buf, 0, sizeof(buf));
		memcpy(buf + off, src, n);
		push(cm, l, buf, mask);
		return;
	}
	if (where(cm, l) == ST_ABSENT)
		allocate(cm, l);
	memcpy(data_of(cm, l) + off, src, n);
	cm->dirty[l] |= mask;
	set_where(cm, l, ST_DIRTY);
	if (cm->state[l] & F_CLEANED)
		cm->state[l] |= F_AFTER_CLEAN;
}

void cm_cpu_write(struct cm *cm, uint64_t pa, const void *src, size_t len)
{
	const uint8_t *s = src;

	while (len) {
		unsigned int l = line_of(cm, pa),
			     off = (unsigned int)(pa - line_pa(cm, l));
		unsigned int n =
			cm->line - off < len ? cm->line - off : (unsigned int)len;

		write_line(cm, l, off, s, n);
		pa += n;
		s += n;
		len -= n;
	}
}

static void read_line(struct cm *cm, unsigned int l, unsigned int off, uint8_t *dst,
		      unsigned int n)
{
	uint8_t now[CM_LINE_MAX];

	if (is_nc(cm, l)) {
		coherent(cm, l, now);
		memcpy(dst, now + off, n);
		return;
	}
	if (where(cm, l) == ST_ABSENT)
		allocate(cm, l);
	coherent(cm, l, now);
	if (where(cm, l) == ST_CLEAN && (cm->state[l] & F_DEVICE) &&
	    memcmp(now + off, data_of(cm, l) + off, n))
		fault(cm, CM_STALE_READ, line_pa(cm, l) + off,
		      "the CPU read 0x%" PRIx64 " from a line cached before the device "
		      "wrote memory: stale data (invalidate after the DMA, not only "
		      "before)",
		      line_pa(cm, l) + off);
	memcpy(dst, data_of(cm, l) + off, n);
}

void cm_cpu_read(struct cm *cm, uint64_t pa, void *dst, size_t len)
{
	uint8_t *d = dst;

	while (len) {
		unsigned int l = line_of(cm, pa),
			     off = (unsigned int)(pa - line_pa(cm, l));
		unsigned int n =
			cm->line - off < len ? cm->line - off : (unsigned int)len;

		read_line(cm, l, off, d, n);
		pa += n;
		d += n;
		len -= n;
	}
}

unsigned int cm_sync(struct cm *cm, const void *view)
{
	const uint8_t *v = view;
	uint8_t now[CM_LINE_MAX];
	unsigned int written = 0;

	for (unsigned int l = 0; l < cm->lines; l++) {
		const uint8_t *want = v + (uint64_t)l * cm->line;
		unsigned int i = 0;

		if (where(cm, l) == ST_ABSENT && !cm->npend[l] &&
		    !memcmp(want, mem_of(cm, l), cm->line))
			continue;
		visible(cm, l, now);
		if (!memcmp(want, now, cm->line))
			continue;
		/* Replay runs of changed bytes as stores. */
		while (i < cm->line) {
			unsigned int j;

			if (want[i] == now[i]) {
				i++;
				continue;
			}
			for (j = i; j < cm->line && want[j] != now[j]; j++)
				;
			write_line(cm, l, i, want + i, j - i);
			i = j;
		}
		written++;
	}
	return written;
}

/* ------------------------------------------------------ maintenance */

void cm_dc_civac(struct cm *cm, uint64_t pa)
{
	unsigned int l = line_of(cm, pa);

	if (where(cm, l) == ST_DIRTY) {
		check_write_back(cm, l, "clean");
		push(cm, l, data_of(cm, l), full_mask(cm));
	}
	cm->state[l] |= F_CLEANED;
	cm->state[l] &= (uint8_t)~F_AFTER_CLEAN;
	drop(cm, l);
}

void cm_dc_ivac(struct cm *cm, uint64_t pa, uint64_t start, uint64_t end)
{
	unsigned int l = line_of(cm, pa);
	uint64_t lp = line_pa(cm, l), inside, lost;
	unsigned int from = start > lp ? (unsigned int)(start - lp) : 0;
	unsigned int to =
		end < lp + cm->line ? (unsigned int)(end > lp ? end - lp : 0) : cm->line;

	inside = from < to ? byte_mask(from, to) : 0;
	lost = where(cm, l) == ST_DIRTY ? cm->dirty[l] & ~inside : 0;
	if (lost) {
		cm->state[l] |= F_LOST;
		fault(cm, CM_LOST_DIRTY, lp,
		      "invalidating [0x%" PRIx64 ", 0x%" PRIx64 ") dropped %d dirty "
		      "byte(s) of line 0x%" PRIx64 " outside that range: a neighbour's "
		      "data is lost (clean partial lines, do not invalidate them)",
		      start, end, __builtin_popcountll(lost), lp);
	}
	drop(cm, l);
}

void cm_dsb(struct cm *cm)
{
	for (unsigned int i = 0; i < cm->nwb; i++) {
		const struct cm_pending *p = &cm->wb[i];

		apply(mem_of(cm, (unsigned int)p->line), p->data, p->mask, cm->line);
		cm->npend[p->line]--;
	}
	cm->nwb = 0;
}

static void evict_all(struct cm *cm)
{
	for (unsigned int l = 0; l < cm->lines; l++) {
		if (where(cm, l) == ST_DIRTY) {
			check_write_back(cm, l, "eviction");
			memcpy(mem_of(cm, l), data_of(cm, l), cm->line);
		}
		if (where(cm, l) != ST_ABSENT)
			drop(cm, l);
	}
}

static void prefetch_all(struct cm *cm)
{
	unsigned int per_page = CM_PAGE / cm->line;

	for (uint64_t pg = 0; pg < cm->size / CM_PAGE; pg++) {
		if (cm->attr[pg] != CM_WB)
			continue;
		for (unsigned int l = (unsigned int)pg * per_page;
		     l < (unsigned int)(pg + 1) * per_page; l++)
			if (where(cm, l) == ST_ABSENT)
				allocate(cm, l);
	}
}

void cm_tick(struct cm *cm)
{
	if (cm->evict_all)
		evict_all(cm);
	if (cm->prefetch)
		prefetch_all(cm);
}

/* ----------------------------------------------------------- devices */

void cm_device_write(struct cm *cm, uint64_t pa, const void *src, size_t len)
{
	const uint8_t *s = src;

	for (size_t i = 0; i < len; i++) {
		unsigned int l = line_of(cm, pa + i);

		mem_of(cm, l)[pa + i - line_pa(cm, l)] = s[i];
		if (where(cm, l) != ST_ABSENT)
			cm->state[l] |= F_DEVICE;
	}
}

void cm_device_read(const struct cm *cm, uint64_t pa, void *dst, size_t len)
{
	uint8_t *d = dst;

	for (size_t i = 0; i < len; i++) {
		unsigned int l = line_of(cm, pa + i);

		d[i] = mem_of(cm, l)[pa + i - line_pa(cm, l)];
	}
}

/* Why memory at line l is not what the CPU wrote. */
static enum cm_fault_kind explain(const struct cm *cm, unsigned int l, const char **why)
{
	if (where(cm, l) == ST_DIRTY && (cm->state[l] & F_AFTER_CLEAN)) {
		*why = "the CPU wrote the line again after its clean to the PoC; the "
		       "new data is only in the cache";
		return CM_LATE_WRITE;
	}
	if (where(cm, l) == ST_DIRTY) {
		*why = "the line is dirty in the cache and was never cleaned to the PoC";
		return CM_MISSING_CLEAN;
	}
	if (cm->npend[l]) {
		*why = "the data is still in the write buffer: no DSB after the clean "
		       "(or after the non-cacheable stores)";
		return CM_MISSING_DSB;
	}
	if (cm->state[l] & F_LOST) {
		*why = "an invalidate dropped the dirty line";
		return CM_LOST_DIRTY;
	}
	*why = "no cache state explains it";
	return CM_MEMORY_DIFFERS;
}

unsigned int cm_expect_memory(struct cm *cm, uint64_t pa, const void *want, size_t len,
			      const char *what)
{
	const uint8_t *w = want;
	unsigned int bad = 0;

	while (len) {
		unsigned int l = line_of(cm, pa),
			     off = (unsigned int)(pa - line_pa(cm, l));
		unsigned int n =
			cm->line - off < len ? cm->line - off : (unsigned int)len;
		const uint8_t *m = mem_of(cm, l) + off;

		if (memcmp(m, w, n)) {
			const char *why;
			enum cm_fault_kind k = explain(cm, l, &why);
			unsigned int i = 0;

			while (m[i] == w[i])
				i++;
			fault(cm, k, pa + i,
			      "%s: memory at 0x%" PRIx64
			      " holds 0x%02x, the CPU wrote 0x%02x: "
			      "%s (%s)",
			      what, pa + i, m[i], w[i], why, cm_fault_name(k));
			bad++;
		}
		pa += n;
		w += n;
		len -= n;
	}
	return bad;
}
