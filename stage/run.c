/* SPDX-License-Identifier: MIT */
/*
 * The stage's real work: with the DT validated and the MMU on, protect what the
 * firmware owns, map non-coherent buffers non-cacheable, take the payload
 * container (our initrd), plan scratch, place the kernel, initrd and DTB in it,
 * fill the firmware buffers, build the hand-over, clean what was written to the
 * point of coherency and enter the kernel. The steps themselves live in lib/boot
 * and are host-tested; this file only strings them together and reports.
 */
#include "stage.h"
#include "version.h"

#include <boot/boot.h>
#include <boot/dma.h>
#include <kho/dt.h>
#include <kho/err.h>
#include <libfdt.h>
#include <string.h>

#define STAGE_MAX_RANGES CONFIG_STAGE_MAX_RANGES
#define MIB (1ull << 20)

extern const char stage_board_dtb[];

/* Initialised by kho_rmap_init() before use: not cleared at entry (512 KiB). */
static struct kho_range ranges[STAGE_MAX_RANGES] __attribute__((section(".bss.noinit")));
static struct kho_mem mem;
static struct boot_state st;

static void check(int err, const char *what)
{
	if (err < 0)
		stage_panic("%s: %s", what, kho_strerror(err));
}

/*
 * Non-coherent DMA buffers: Normal non-cacheable over their whole preserved block,
 * the only mapping they get.
 */
static void map_buffers(const struct stage_dt *dt)
{
	struct arch_region nc[BOOT_MAX_FW_BUFS];
	int n = boot_dma_nc_regions(&st, nc, BOOT_MAX_FW_BUFS);

	for (unsigned int i = 0; i < st.nr_fw; i++) {
		const struct boot_fw_buf *b = &st.fw[i];

		stage_log("khofw: firmware buffer %s 0x%llx-0x%llx %s%s%s", b->name,
			  (unsigned long long)b->phys,
			  (unsigned long long)(b->phys + b->size),
			  b->kind == BOOT_FW_LOG ? "log" : "dma",
			  b->kind == BOOT_FW_DMA
				  ? (b->coherent ? " coherent" : " non-coherent")
				  : "",
			  b->adopted ? " (adopted from the incoming hand-over)" : "");
	}
	check(n, "non-coherent regions");
	check(stage_mmu_map(dt, nc, (unsigned int)n), "MMU with non-coherent buffers");
}

/* Our initrd is the payload container. */
static void take_payload(const struct stage_dt *dt)
{
	int l1, l2;
	const fdt32_t *s = fdt_getprop(dt->fdt, dt->chosen, "linux,initrd-start", &l1);
	const fdt32_t *e = fdt_getprop(dt->fdt, dt->chosen, "linux,initrd-end", &l2);
	u64 start, end;

	if (!s || !e) {
		stage_log("khofw: no payload");
		arch_halt();
	}
	if ((l1 != 4 && l1 != 8) || (l2 != 4 && l2 != 8))
		stage_panic("payload: /chosen linux,initrd-start/end of %d and %d bytes",
			    l1, l2);
	start = l1 == 8 ? fdt64_to_cpu(*(const fdt64_t *)s) : fdt32_to_cpu(*s);
	end = l2 == 8 ? fdt64_to_cpu(*(const fdt64_t *)e) : fdt32_to_cpu(*e);
	if (end <= start)
		stage_panic("payload: empty initrd range");
	check(boot_take_payload(&st, start, end - start,
				IS_ENABLED(CONFIG_KHOFW_PAYLOAD_CHECK_DATA)),
	      "payload container");
	stage_log("khofw: payload 0x%llx-0x%llx: kernel %llu bytes, initrd %llu bytes, "
		  "KHO %s",
		  (unsigned long long)start, (unsigned long long)end,
		  (unsigned long long)st.pl.kernel.size,
		  (unsigned long long)st.pl.initrd.size,
		  st.pl.kho_abi ? kho_abi_name(st.pl.kho_abi) : "none");
}

/*
 * Preserved ranges beyond the first few are counted, not listed: a hand-over of
 * 10 k scattered blocks would otherwise print 10 k lines, most of the stage's time.
 */
#define TABLE_PRESERVED_MAX 16

static void table(void)
{
	unsigned int shown = 0;
	u64 more = 0, more_bytes = 0;
	const struct kho_range *r = st.rm.r, *end = r + st.rm.nr;

	stage_log("khofw: %-16s %-18s %-18s %10s", "kind", "start", "end", "size");
	for (; r < end; r++) {
		if (r->kind == KHO_KIND_PRESERVED && shown >= TABLE_PRESERVED_MAX) {
			/* A hand-over's thousands of blocks: counted in a tight loop. */
			const struct kho_range *from = r;

			for (; r < end && r->kind == KHO_KIND_PRESERVED; r++)
				more_bytes += r->end - r->start;
			more += (u64)(r - from);
			if (r == end)
				break;
		}
		shown += r->kind == KHO_KIND_PRESERVED;
		stage_log("khofw: %-16s 0x%016llx 0x%016llx %10llu %s",
			  kho_kind_name(r->kind), (unsigned long long)r->start,
			  (unsigned long long)r->end,
			  (unsigned long long)(r->end - r->start),
			  r->label ? r->label : "");
	}
	if (more)
		stage_log("khofw: %-16s and %llu more ranges, %llu bytes",
			  kho_kind_name(KHO_KIND_PRESERVED), (unsigned long long)more,
			  (unsigned long long)more_bytes);
	for (unsigned int i = 0; i < st.nr_scratch; i++)
		stage_log("khofw: scratch area %u: 0x%llx-0x%llx (%llu MiB)", i,
			  (unsigned long long)st.scratch[i].addr,
			  (unsigned long long)(st.scratch[i].addr + st.scratch[i].size),
			  (unsigned long long)(st.scratch[i].size / MIB));
	for (unsigned int i = 0; i < st.nr_alloc; i++)
		stage_log("khofw: new pages 0x%llx-0x%llx (KHO FDT, map, blobs)",
			  (unsigned long long)st.alloc[i].addr,
			  (unsigned long long)(st.alloc[i].addr + st.alloc[i].size));
	stage_log("khofw: kernel 0x%llx, initrd 0x%llx, dtb 0x%llx, bytes copied %llu",
		  (unsigned long long)st.kernel, (unsigned long long)st.initrd,
		  (unsigned long long)st.dtb, (unsigned long long)st.copied);
}

static void clean(void *arg, u64 phys, u64 size)
{
	(void)arg;
	arch_clean_inval_poc((uintptr_t)phys, (size_t)size);
}

static const struct boot_cfg cfg = {
	.log_name = CONFIG_KHOFW_LOG_NAME,
	.release = "khofw " KHOFW_VERSION,
	.cma_size = (u64)CONFIG_KHOFW_CMA_MB * MIB,
	.scratch_min = (u64)CONFIG_KHOFW_SCRATCH_MIN_MB * MIB,
	.page_shift = 12,
	.dma_short_count = IS_ENABLED(CONFIG_KHOFW_TEST_DMA_SHORT_COUNT),
};

/* Clean what the stage wrote to the point of coherency and enter the kernel. */
static void __attribute__((noreturn)) enter(const struct stage_dt *dt, const char *how)
{
	u64 stop = 0;

	table();
	stage_log("khofw: hand-over %s, entering the kernel at 0x%llx", how,
		  (unsigned long long)st.kernel);
	boot_for_each_written(&st, clean, NULL);
	if (IS_ENABLED(CONFIG_STAGE_TEST_HOOKS) &&
	    !stage_bootarg_u64(dt, "khofw.stop", &stop) && stop) {
		stage_log("khofw: khofw.stop: halted before the kernel");
		arch_halt();
	}
	arch_boot_kernel(st.kernel, st.dtb);
}

static int policy_cold(const struct stage_dt *dt)
{
	int len;
	const char *v = IS_ENABLED(CONFIG_STAGE_TEST_HOOKS)
				? stage_bootarg(dt, "khofw.on-bad-handover", &len)
				: NULL;

	if (v && len == 4 && !memcmp(v, "cold", 4))
		return 1;
	if (v && len == 4 && !memcmp(v, "halt", 4))
		return 0;
	return IS_ENABLED(CONFIG_KHOFW_BAD_HANDOVER_COLD);
}

/*
 * The previous kernel's hand-over failed validation. Nothing has been written:
 * halt, or boot the payload cold, writing only inside the payload container.
 */
static void __attribute__((noreturn)) rejected(const struct stage_dt *dt, int err)
{
	stage_log("khofw: rejected the incoming hand-over: %s", kho_strerror(err));
	if (!policy_cold(dt)) {
		stage_log("khofw: policy: halt (CONFIG_KHOFW_BAD_HANDOVER_COLD not set)");
		arch_halt();
	}
	stage_log(
		"khofw: policy: boot cold without KHO, writing only inside the payload");
	boot_init(&st, &mem, ranges, STAGE_MAX_RANGES, &cfg);
	take_payload(dt);
	check(boot_fallback_owned(&st, dt->fdt, ranges, STAGE_MAX_RANGES),
	      "cold fallback");
	enter(dt, "none (cold boot)");
}

/*
 * The board DT's test pattern (khofw,pattern-seed) is a test hook: without hooks
 * the buffers are handed over as found, neither filled nor cleaned.
 */
static void read_fw(void)
{
	check(boot_read_fw(&st, stage_board_dtb), "board firmware buffers");
	if (IS_ENABLED(CONFIG_STAGE_TEST_HOOKS))
		return;
	for (unsigned int i = 0; i < st.nr_fw; i++)
		st.fw[i].seed = 0;
}

static void take_handover(const struct stage_dt *dt)
{
	/* /chosen as the one pass over the DT found it: no lookup of it again. */
	int err = dt->chosen >= 0 ? boot_take_handover_at(&st, dt->fdt, dt->chosen)
				  : -KHO_E_NO_HANDOVER;

	if (err == -KHO_E_NO_HANDOVER) {
		stage_log("khofw: no incoming hand-over: cold boot");
		return;
	}
	if (err)
		rejected(dt, err);
	stage_log("khofw: incoming hand-over %s at 0x%llx: scratch array 0x%llx (%llu "
		  "areas)",
		  kho_abi_name(st.in.abi), (unsigned long long)st.in.ch.fdt_phys,
		  (unsigned long long)st.in.ch.scratch_phys,
		  (unsigned long long)st.in.nr_scratch);
}

/* RAM as kho_mem_from_dt(dt, identity) declares it, from the banks read once. */
static int add_bank(void *arg, u64 base, u64 size)
{
	const u64 top = (u64)UINTPTR_MAX;
	int err;

	if (!size)
		return 0;
	err = kho_mem_add_ram(arg, base, size);
	if (err || base > top)
		return err;
	if (size - 1 > top - base)
		size = top - base + 1;
	return kho_mem_add_window(arg, base, size, (void *)(uintptr_t)base);
}

void stage_run(const struct stage_dt *dt)
{
	kho_mem_init(&mem);
	check(stage_for_each_bank(dt, add_bank, &mem), "RAM from /memory");
	boot_init(&st, &mem, ranges, STAGE_MAX_RANGES, &cfg);
	check(boot_protect_firmware(&st, stage_image_start(), stage_image_end(), "khofw"),
	      "protect the stage");
	take_handover(dt);
	read_fw();
	map_buffers(dt);
	take_payload(dt);
	check(boot_plan_scratch(&st, (uintptr_t)dt->fdt, fdt_totalsize(dt->fdt)),
	      "scratch");
	check(boot_place(&st, dt->fdt), "placement");
	check(boot_fill_fw(&st), "fill firmware buffers");
	check(boot_handoff(&st), "hand-over");
	enter(dt, st.abi ? kho_abi_name(st.abi) : "reserved-memory only");
}
