/* SPDX-License-Identifier: MIT */
/*
 * The stage's main line, LK style: CPU, DT, console, banner, memory map, MMU,
 * then stage_run(). Everything before the console works without printing; a DT
 * that fails the structural check is reported and the stage stops.
 */
#include "stage.h"
#include "version.h"

#include <khofw/board.h>
#include <kho/dt.h>
#include <kho/err.h>
#include <libfdt.h>
#include <string.h>

#define STAGE_PAGE 4096ull
#define STAGE_MAX_DEVICES 8

extern char __pgtable_pool_start[], __pgtable_pool_end[];

struct regions {
	struct arch_region r[STAGE_MAX_REGIONS];
	unsigned int n;
};

static int push_region(struct regions *rs, const struct arch_region *r)
{
	if (rs->n == STAGE_MAX_REGIONS)
		return -KHO_E_NOSPC;
	rs->r[rs->n++] = *r;
	return 0;
}

/* [base, end) if not empty. */
static int add_region(struct regions *rs, u64 base, u64 end, enum arch_mem_attr attr)
{
	const struct arch_region r = { base, end - base, attr };

	return end > base ? push_region(rs, &r) : 0;
}

/*
 * /memory of the DT, read once: the stage never edits the DT it was given. More
 * banks than recorded: read each time.
 */
#define STAGE_MAX_BANKS 16

static struct {
	const struct stage_dt *dt;
	int err; /* of the walk */
	unsigned int n;
	u64 base[STAGE_MAX_BANKS], size[STAGE_MAX_BANKS];
} banks_seen;

static int record_bank(void *arg, u64 base, u64 size)
{
	(void)arg;
	if (banks_seen.n == STAGE_MAX_BANKS)
		return -KHO_E_NOSPC;
	banks_seen.base[banks_seen.n] = base;
	banks_seen.size[banks_seen.n++] = size;
	return 0;
}

int stage_for_each_bank(const struct stage_dt *dt,
			int (*fn)(void *arg, u64 base, u64 size), void *arg)
{
	int err = 0;

	if (banks_seen.dt != dt) {
		banks_seen.n = 0;
		banks_seen.err = stage_dt_for_each_memory(dt, record_bank, NULL);
		if (banks_seen.err == -KHO_E_NOSPC)
			return stage_dt_for_each_memory(dt, fn, arg);
		banks_seen.dt = dt;
	}
	if (banks_seen.err)
		return banks_seen.err;
	for (unsigned int i = 0; !err && i < banks_seen.n; i++)
		err = fn(arg, banks_seen.base[i], banks_seen.size[i]);
	return err < 0 ? err : 0;
}

/*
 * [start, end) inside one region already there: mapping it again, as the same
 * RAM, would only split the bank's large blocks into pages around it.
 */
static int in_region(const struct regions *rs, u64 start, u64 end)
{
	for (unsigned int i = 0; i < rs->n; i++)
		if (start >= rs->r[i].base && end - rs->r[i].base <= rs->r[i].size)
			return 1;
	return 0;
}

/* RAM banks, rounded inwards: only whole pages of RAM are mapped cacheable. */
static int add_ram(void *arg, u64 base, u64 size)
{
	u64 end = base + size;

	if (end < base)
		return -KHO_E_WRAP;
	return add_region(arg, (base + STAGE_PAGE - 1) & ~(STAGE_PAGE - 1),
			  end & ~(STAGE_PAGE - 1), ARCH_MEM_NORMAL_WB);
}

int stage_mmu_map(const struct stage_dt *dt, const struct arch_region *extra,
		  unsigned int n_extra)
{
	u64 base[STAGE_MAX_DEVICES], size[STAGE_MAX_DEVICES];
	struct regions rs = { .n = 0 };
	unsigned int nd = board_device_regions(base, size, STAGE_MAX_DEVICES);
	int err = stage_for_each_bank(dt, add_ram, &rs);

	if (!err && !in_region(&rs, stage_image_start(), stage_image_end()))
		err = add_region(&rs, stage_image_start(), stage_image_end(),
				 ARCH_MEM_NORMAL_WB);
	/* Devices after RAM: a DT cannot make MMIO cacheable. */
	for (unsigned int i = 0; !err && i < nd; i++)
		err = add_region(&rs, base[i] & ~(STAGE_PAGE - 1),
				 (base[i] + size[i] + STAGE_PAGE - 1) & ~(STAGE_PAGE - 1),
				 ARCH_MEM_DEVICE);
	/* As given: a bad one fails in arch_mmu_enable() rather than vanish. */
	for (unsigned int i = 0; !err && i < n_extra; i++)
		err = push_region(&rs, &extra[i]);
	if (err)
		return err;
	return arch_mmu_enable(rs.r, rs.n, __pgtable_pool_start,
			       (size_t)(__pgtable_pool_end - __pgtable_pool_start));
}

/*
 * The DT as found (board_find_dtb() checked the magic): checked whole, then its
 * root's children found. Its blocks must be aligned as the spec says: libfdt
 * reads a tag with one load, which faults when misaligned with the MMU off.
 */
static int dt_check(const void *dt, struct stage_dt *d)
{
	int err;

	if (!dt)
		return -KHO_E_NOT_FOUND;
	if (fdt_totalsize(dt) > CONFIG_STAGE_DTB_MAX_SIZE)
		return -KHO_E_FDT_SIZE;
	if ((fdt_off_dt_struct(dt) & 3) || (fdt_off_mem_rsvmap(dt) & 7))
		return -KHO_E_FDT_HEADER;
	err = kho_fdt_check(dt, fdt_totalsize(dt));
	return err ? err : stage_dt_scan(dt, d);
}

/*
 * The console: the node /chosen/stdout-path names (path or alias, ":options"
 * ignored), for the board to use if it can drive it.
 */
static void console_init(const struct stage_dt *d)
{
	int len, parent = -FDT_ERR_NOTFOUND, node = -FDT_ERR_NOTFOUND;
	const char *path = fdt_getprop(d->fdt, d->chosen, "stdout-path", &len);

	if (path && len > 0) {
		const char *colon;

		len = (int)strnlen(path, (size_t)len);
		colon = memchr(path, ':', (size_t)len);
		node = stage_dt_path(d, path, colon ? (int)(colon - path) : len, &parent);
	}
	board_console_init(d->fdt, node, parent);
}

static int log_bank(void *arg, u64 base, u64 size)
{
	unsigned int *n = arg;

	stage_log("khofw: memory bank %u: 0x%llx-0x%llx (%llu MiB)", (*n)++,
		  (unsigned long long)base, (unsigned long long)(base + size),
		  (unsigned long long)(size >> 20));
	return 0;
}

struct ram_probe {
	u64 addr;
	int found;
};

static int in_ram(void *arg, u64 base, u64 size)
{
	struct ram_probe *p = arg;

	p->found |= p->addr >= base && p->addr - base < size;
	return 0;
}

/*
 * Test hooks (CONFIG_STAGE_TEST_HOOKS), after the MMU is on: khofw.fault=1 runs
 * an undefined instruction (the vectors' register dump); khofw.jump=ADDR enters a
 * kernel already loaded at ADDR with x0 = this DT, as the real hand-over does.
 */
static void test_hooks(const struct stage_dt *dt)
{
	struct ram_probe probe = { 0, 0 };
	u64 v;

	if (!stage_bootarg_u64(dt, "khofw.fault", &v) && v == 1) {
		stage_log("khofw: khofw.fault=1: executing an undefined instruction");
		__asm__ volatile("udf #0");
	}
	if (!stage_bootarg_u64(dt, "khofw.jump", &v)) {
		probe.addr = v;
		if (stage_for_each_bank(dt, in_ram, &probe) || !probe.found)
			stage_panic("khofw.jump=0x%llx is not in RAM",
				    (unsigned long long)v);
		stage_log("khofw: khofw.jump: entering 0x%llx at EL%u, x0 = dt %p",
			  (unsigned long long)v, arch_current_el(), dt->fdt);
		arch_boot_kernel(v, (uintptr_t)dt->fdt);
	}
}

__attribute__((weak)) void stage_run(const struct stage_dt *dt)
{
	(void)dt;
	stage_log("khofw: no payload");
	arch_halt();
}

void stage_start(u64 x0)
{
	static struct stage_dt d;
	const void *dt;
	unsigned int banks = 0;
	int err;

	arch_early_init();
	dt = board_find_dtb(x0);
	err = dt_check(dt, &d);
	if (err)
		board_console_init(NULL, -FDT_ERR_NOTFOUND, -FDT_ERR_NOTFOUND);
	else
		console_init(&d);
	stage_log("khofw %s (%s, %s) at EL%u, CNTFRQ %llu Hz", KHOFW_VERSION,
		  CONFIG_BOARD, CONFIG_ARCH, arch_current_el(),
		  (unsigned long long)arch_counter_freq());
	stage_log("khofw: image 0x%llx-0x%llx, x0 0x%llx",
		  (unsigned long long)stage_image_start(),
		  (unsigned long long)stage_image_end(), (unsigned long long)x0);
	if (err)
		stage_panic("no usable device tree (x0 0x%llx, found %p): %s",
			    (unsigned long long)x0, dt, kho_strerror(err));
	stage_log("khofw: dt %p, %u bytes", dt, (unsigned int)fdt_totalsize(dt));
	err = stage_for_each_bank(&d, log_bank, &banks);
	if (err || !banks)
		stage_panic("no RAM in /memory: %s",
			    kho_strerror(err ? err : -KHO_E_NOT_FOUND));
	err = stage_mmu_map(&d, NULL, 0);
	if (err)
		stage_panic("MMU: %s", kho_strerror(err));
	stage_log("khofw: MMU on");
	if (IS_ENABLED(CONFIG_STAGE_TEST_HOOKS))
		test_hooks(&d);
	stage_run(&d);
	stage_panic("stage_run returned");
}
