/* SPDX-License-Identifier: MIT */
/* OS device tree access for KHO: cells, /memory, /chosen, /reserved-memory. */
#include <kho/dt.h>
#include <kho/err.h>
#include <kho/rmap.h>
#include <libfdt.h>
#include <string.h>

static u32 be32_at(const void *p)
{
	const u8 *b = p;
	return (u32)b[0] << 24 | (u32)b[1] << 16 | (u32)b[2] << 8 | b[3];
}

/* The value of n big-endian cells at p. */
static u64 read_cells(const u8 *p, int n)
{
	u64 v = 0;

	for (int i = 0; i < 4 * n; i++)
		v = v << 8 | p[i];
	return v;
}

static int cell_prop(const void *dt, int node, const char *name, int *out)
{
	int len;
	const void *p = fdt_getprop(dt, node, name, &len);

	if (!p) {
		*out = 1;
		return 0;
	}
	if (len != 4)
		return -KHO_E_CELLS;
	*out = (int)be32_at(p);
	return (*out == 1 || *out == 2) ? 0 : -KHO_E_CELLS;
}

int kho_dt_cells(const void *dt, int node, struct kho_cells *c)
{
	int err = cell_prop(dt, node, "#address-cells", &c->addr);

	if (!err)
		err = cell_prop(dt, node, "#size-cells", &c->size);
	return err;
}

void kho_dt_read_pair(const void *p, const struct kho_cells *c, u64 *addr, u64 *size)
{
	*addr = read_cells(p, c->addr);
	*size = read_cells((const u8 *)p + 4 * c->addr, c->size);
}

/* v in n big-endian cells at p; -KHO_E_CELLS if it does not fit (p is written). */
static int write_cells(u8 *p, int n, u64 v)
{
	for (int i = 4 * n; i-- > 0; v >>= 8)
		p[i] = (u8)v;
	return v ? -KHO_E_CELLS : 0;
}

int kho_dt_write_pair(void *buf, const struct kho_cells *c, u64 addr, u64 size)
{
	u8 *b = buf;

	if (write_cells(b, c->addr, addr) || write_cells(b + 4 * c->addr, c->size, size))
		return -KHO_E_CELLS;
	return 4 * (c->addr + c->size);
}

/* device_type "memory" decides; without one, the name memory or memory@... does. */
static int is_memory_node(const void *dt, int node)
{
	int len;
	const char *type = fdt_getprop(dt, node, "device_type", &len), *name;

	if (type)
		return len >= 7 && !strncmp(type, "memory", 7);
	name = fdt_get_name(dt, node, NULL);
	return name && !strncmp(name, "memory", 6) && (!name[6] || name[6] == '@');
}

/* As Linux's of_fdt_device_is_available(): the first string of status decides. */
static int node_enabled(const void *dt, int node)
{
	const char *s = fdt_stringlist_get(dt, node, "status", 0, NULL);

	return !s || !strcmp(s, "okay") || !strcmp(s, "ok");
}

/* fn(arg, addr, size) for each <addr size> pair of the len bytes at p. */
static int each_pair(const u8 *p, int len, const struct kho_cells *c,
		     int (*fn)(void *, u64, u64), void *arg)
{
	int entry = 4 * (c->addr + c->size), rest = len;

	/* len % entry without a division: ARMv7-A has none, libgcc's is 700 bytes. */
	while (rest > 0)
		rest -= entry;
	if (rest)
		return -KHO_E_PROP;
	for (const u8 *end = p + len; p < end; p += entry) {
		u64 base, size;
		int err;

		kho_dt_read_pair(p, c, &base, &size);
		err = fn(arg, base, size);
		if (err < 0)
			return err;
	}
	return 0;
}

int kho_dt_memory_node(const void *dt, int node, const struct kho_cells *c,
		       int (*fn)(void *arg, u64 base, u64 size), void *arg)
{
	int len;
	const u8 *p;

	if (!is_memory_node(dt, node) || !node_enabled(dt, node))
		return 0;
	p = fdt_getprop(dt, node, "reg", &len);
	return p ? each_pair(p, len, c, fn, arg) : 0;
}

int kho_dt_for_each_memory(const void *dt, int (*fn)(void *arg, u64 base, u64 size),
			   void *arg)
{
	struct kho_cells c;
	int node, err;

	if (fdt_check_header(dt))
		return -KHO_E_FDT_HEADER;
	err = kho_dt_cells(dt, 0, &c);
	if (err)
		return err;
	fdt_for_each_subnode (node, dt, 0) {
		err = kho_dt_memory_node(dt, node, &c, fn, arg);
		if (err < 0)
			return err;
	}
	return 0;
}

static int chosen_pair(const void *dt, int chosen, const char *name,
		       const struct kho_cells *c, u64 *addr, u64 *size)
{
	int len;
	const void *p = fdt_getprop(dt, chosen, name, &len);

	if (!p)
		return -KHO_E_NO_HANDOVER;
	if (len != 4 * (c->addr + c->size))
		return -KHO_E_CHOSEN;
	kho_dt_read_pair(p, c, addr, size);
	return 0;
}

/* The two /chosen properties: i = 0 for the KHO FDT, 1 for the scratch array. */
static const char *chosen_prop(int i)
{
	return i ? KHO_CHOSEN_SCRATCH_PROP : KHO_CHOSEN_FDT_PROP;
}

int kho_dt_read_chosen(const void *dt, int chosen, struct kho_chosen *ch)
{
	struct kho_cells c;
	int err = kho_dt_cells(dt, 0, &c);

	for (int i = 0; !err && i < 2; i++)
		err = chosen_pair(dt, chosen, chosen_prop(i), &c,
				  i ? &ch->scratch_phys : &ch->fdt_phys,
				  i ? &ch->scratch_len : &ch->fdt_len);
	return err;
}

int kho_dt_get_chosen(const void *dt, struct kho_chosen *ch)
{
	int chosen;

	if (fdt_check_header(dt))
		return -KHO_E_FDT_HEADER;
	chosen = fdt_path_offset(dt, "/chosen");
	return chosen < 0 ? -KHO_E_NO_HANDOVER : kho_dt_read_chosen(dt, chosen, ch);
}

static int chosen_node(void *dt)
{
	int chosen = fdt_path_offset(dt, "/chosen");

	if (chosen == -FDT_ERR_NOTFOUND)
		chosen = fdt_add_subnode(dt, 0, "chosen");
	return chosen;
}

/* Delete every copy of property name (a hostile DT may repeat one). */
static int del_all(void *dt, int node, const char *name)
{
	int err;

	while (!(err = fdt_delprop(dt, node, name)))
		;
	return err == -FDT_ERR_NOTFOUND ? 0 : -KHO_E_FDT;
}

int kho_dt_clear_chosen(void *dt)
{
	int chosen = fdt_path_offset(dt, "/chosen");

	if (chosen == -FDT_ERR_NOTFOUND)
		return 0;
	if (chosen < 0)
		return -KHO_E_FDT;
	return del_all(dt, chosen, chosen_prop(0)) ?: del_all(dt, chosen, chosen_prop(1));
}

/* How many properties of node are called name (a hostile DT may repeat one). */
static int copies(const void *dt, int node, const char *name)
{
	int off, n = 0;

	fdt_for_each_property_offset (off, dt, node) {
		const char *p;
		int len;

		n += fdt_getprop_by_offset(dt, off, &p, &len) && !strcmp(p, name);
	}
	return n;
}

/* Set property name of node, first deleting every copy if there are several. */
static int set_one(void *dt, int node, const char *name, const void *v, int len)
{
	if (copies(dt, node, name) > 1 && del_all(dt, node, name))
		return -KHO_E_FDT;
	return fdt_setprop(dt, node, name, v, len) ? -KHO_E_FDT : 0;
}

int kho_dt_set_chosen(void *dt, const struct kho_chosen *ch)
{
	u8 cells[2][16];
	int len[2], chosen, err;
	struct kho_cells c;

	err = kho_dt_cells(dt, 0, &c);
	for (int i = 0; !err && i < 2; i++) {
		len[i] = kho_dt_write_pair(cells[i], &c,
					   i ? ch->scratch_phys : ch->fdt_phys,
					   i ? ch->scratch_len : ch->fdt_len);
		err = len[i] < 0 ? len[i] : 0;
	}
	if (err)
		return err;
	chosen = chosen_node(dt);
	if (chosen < 0)
		return -KHO_E_FDT;
	/* A stale copy is replaced in place: nothing moves when the size is kept. */
	for (int i = 0; !err && i < 2; i++)
		err = set_one(dt, chosen, chosen_prop(i), cells[i], len[i]);
	return err;
}

struct resmem_ctx {
	int (*fn)(void *arg, const struct kho_resmem *r);
	void *arg;
	struct kho_resmem r;
	int count;
};

static int resmem_reg(void *arg, u64 base, u64 size)
{
	struct resmem_ctx *x = arg;

	x->r.base = base;
	x->r.size = size;
	x->count++;
	return x->fn(x->arg, &x->r);
}

/* Properties that set flag 1 << i, i from 0 (none for KHO_RESMEM_CMA). */
static const char flag_props[] = "no-map\0reusable\0\0linux,cma-default";
_Static_assert(KHO_RESMEM_NO_MAP == 1 && KHO_RESMEM_REUSABLE == 2 &&
		       KHO_RESMEM_CMA == 4 && KHO_RESMEM_CMA_DEFAULT == 8,
	       "a flag per property");

static unsigned int resmem_flags(const void *dt, int node)
{
	unsigned int f = 0;
	const char *name = flag_props;

	for (unsigned int bit = 1; bit <= KHO_RESMEM_CMA_DEFAULT; bit <<= 1) {
		if (*name && fdt_getprop(dt, node, name, NULL))
			f |= bit;
		name += strlen(name) + 1;
	}
	if ((f & KHO_RESMEM_REUSABLE) &&
	    !fdt_node_check_compatible(dt, node, "shared-dma-pool"))
		f |= KHO_RESMEM_CMA;
	return f;
}

/* A size-only node: its size, and alignment if it has one of that length. */
static int resmem_dynamic(const void *dt, int node, const struct kho_cells *c,
			  struct resmem_ctx *x)
{
	int len;
	const u8 *p = fdt_getprop(dt, node, "size", &len);
	u64 size;

	if (!p || len != 4 * c->size)
		return -KHO_E_PROP;
	size = read_cells(p, c->size);
	p = fdt_getprop(dt, node, "alignment", &len);
	if (p && len == 4 * c->size)
		x->r.align = read_cells(p, c->size);
	return resmem_reg(x, KHO_RESMEM_DYNAMIC, size);
}

static int resmem_node(const void *dt, int node, const struct kho_cells *c,
		       struct resmem_ctx *x)
{
	int len;
	const u8 *reg = fdt_getprop(dt, node, "reg", &len);

	x->r.name = fdt_get_name(dt, node, NULL);
	x->r.flags = resmem_flags(dt, node);
	x->r.align = 0;
	return reg ? each_pair(reg, len, c, resmem_reg, x)
		   : resmem_dynamic(dt, node, c, x);
}

int kho_dt_for_each_resmem(const void *dt,
			   int (*fn)(void *arg, const struct kho_resmem *r), void *arg)
{
	static const struct kho_cells rsv_cells = { 2, 2 }; /* fdt64 address, size */
	struct resmem_ctx x = { .fn = fn, .arg = arg };
	struct kho_cells c;
	int parent, node, err, n;

	if (fdt_check_header(dt))
		return -KHO_E_FDT_HEADER;
	n = fdt_num_mem_rsv(dt);
	if (n < 0)
		return -KHO_E_FDT_HEADER; /* no terminator: entries would be lost */
	/* fdt_num_mem_rsv() found entries 0..n in bounds: read them in place. */
	x.r.name = "memreserve";
	x.r.flags = KHO_RESMEM_MEMRESERVE;
	err = each_pair((const u8 *)dt + fdt_off_mem_rsvmap(dt), 16 * n, &rsv_cells,
			resmem_reg, &x);
	if (err < 0)
		return err;
	parent = fdt_path_offset(dt, "/reserved-memory");
	if (parent < 0)
		return x.count;
	err = kho_dt_cells(dt, parent, &c);
	if (err)
		return err;
	fdt_for_each_subnode (node, dt, parent) {
		if (!node_enabled(dt, node))
			continue;
		err = resmem_node(dt, node, &c, &x);
		if (err < 0)
			return err;
	}
	return x.count;
}

struct protect_ctx {
	struct kho_rmap *rm;
	int count;
};

static int protect_one(void *arg, const struct kho_resmem *r)
{
	struct protect_ctx *p = arg;
	unsigned int kind = KHO_KIND_RESERVED;
	int err;

	if (r->base == KHO_RESMEM_DYNAMIC || !r->size)
		return 0;
	if (r->base + r->size < r->base)
		return -KHO_E_WRAP;
	if (r->flags & KHO_RESMEM_NO_MAP)
		kind = KHO_KIND_NOMAP;
	else if (r->flags & KHO_RESMEM_CMA)
		kind = KHO_KIND_CMA;
	err = kho_rmap_add(p->rm, r->base, r->base + r->size, kind, r->name);
	if (!err)
		p->count++;
	return err;
}

int kho_dt_protect_resmem(const void *dt, struct kho_rmap *rm)
{
	struct protect_ctx p = { rm, 0 };
	int err = kho_dt_for_each_resmem(dt, protect_one, &p);

	return err < 0 ? err : p.count;
}
