/* SPDX-License-Identifier: MIT */
/*
 * The stage's boot flow on simulated RAM: firmware buffers from a board DT,
 * scratch planning, placement (in place or copied), and the hand-over, read back
 * with libkho's consumer as the next kernel would.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <boot/boot.h>
#include <boot/pattern.h>
#include <kho/dt.h>
#include <kho/err.h>
#include <libfdt.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"
#include "../../../tools/mkpayload/container.h"

#define RAM_SIZE (256ull << 20)
#define STAGE 0x40000000ull /* the stage image, 1 MiB */
#define LOG_BUF 0x4e000000ull
#define LOG_SIZE 0x100000ull
#define DMA_BUF 0x4e200000ull
#define DMA_SIZE 0x3000ull /* 3 pages: order 2 */
#define CONTAINER 0x48000000ull
#define KERNEL_SIZE 0x300000ull
#define KERNEL_MEM 0x500000ull
#define INITRD_SIZE 0x123456ull
#define NR_RANGES 512

struct fix {
	struct sim s;
	struct boot_state st;
	struct kho_range store[NR_RANGES];
	u8 board[4096];
	u8 dt[8192];
	struct boot_cfg cfg;
	u64 pl_len;
};

static int setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));

	sim_init(&f->s);
	sim_add_bank(&f->s, SIM_LOW_BASE, RAM_SIZE, 1);
	sim_os_dt(f->dt, sizeof(f->dt), &f->s, 2, 2);
	f->cfg.log_name = "khofw_log";
	f->cfg.release = "khofw-test";
	f->cfg.cma_size = 16u << 20;
	f->cfg.scratch_min = 64u << 20;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fix *f = *state;

	sim_fini(&f->s);
	free(f);
	return 0;
}

static void fdt_ok(int err)
{
	if (err < 0)
		fail_msg("libfdt: %s", fdt_strerror(err));
}

static void add_buf(void *dt, int parent, const char *name, const char *kind, u64 base,
		    u64 size, const char *device)
{
	int node = fdt_add_subnode(dt, parent, name);
	fdt64_t reg[2] = { cpu_to_fdt64(base), cpu_to_fdt64(size) };

	fdt_ok(node);
	fdt_ok(fdt_setprop(dt, node, "reg", reg, sizeof(reg)));
	fdt_ok(fdt_setprop_string(dt, node, "khofw,kind", kind));
	if (device)
		fdt_ok(fdt_setprop_string(dt, node, "khofw,device", device));
}

/* A board DT: a log buffer and one DMA buffer of a non-coherent device. */
static void board_dt(struct fix *f, u64 dma_base, const char *dev_prop)
{
	void *dt = f->board;
	int fw, kh, bus, dev;

	fdt_ok(fdt_create_empty_tree(dt, sizeof(f->board)));
	fdt_ok(fdt_setprop(dt, 0, "dma-coherent", NULL, 0));
	bus = fdt_add_subnode(dt, 0, "soc");
	fdt_ok(bus);
	dev = fdt_add_subnode(dt, bus, "dma-dev");
	fdt_ok(dev);
	if (dev_prop)
		fdt_ok(fdt_setprop(dt, dev, dev_prop, NULL, 0));
	fw = fdt_add_subnode(dt, 0, "firmware");
	kh = fdt_add_subnode(dt, fw, "khofw");
	fdt_ok(kh);
	fdt_ok(fdt_setprop_u32(dt, kh, "#address-cells", 2));
	fdt_ok(fdt_setprop_u32(dt, kh, "#size-cells", 2));
	add_buf(dt, kh, "log", "log", LOG_BUF, LOG_SIZE, NULL);
	add_buf(dt, kh, "dma0", "dma", dma_base, DMA_SIZE, "/soc/dma-dev");
}

static void fake_image(u8 *img, u64 size, u64 image_size)
{
	memset(img, 0x5a, size);
	memset(img, 0, 64);
	memcpy(img + 0x38, "ARM\x64", 4);
	memcpy(img + 16, &image_size, 8);
	img[24] = 2 | 8; /* 4K pages, anywhere */
	memcpy(img + 0x100, "kho-v4", 7);
}

/* A container at phys for a KHO kernel (abi) or not (0). */
static void put_container(struct fix *f, u64 phys, u32 abi)
{
	static u8 kernel[KERNEL_SIZE], initrd[INITRD_SIZE];
	struct mkp_input in = {
		kernel, KERNEL_SIZE, initrd, INITRD_SIZE, "console=ttyAMA0 kho=on", abi
	};

	fake_image(kernel, KERNEL_SIZE, KERNEL_MEM);
	memset(initrd, 0x17, INITRD_SIZE);
	f->pl_len = mkp_size(&in);
	assert_true(f->pl_len > 0);
	assert_int_equal(mkp_build(&in, sim_at(&f->s, phys, f->pl_len)), 0);
}

static void run_dt_at(struct fix *f, u64 container, u64 dt_at)
{
	boot_init(&f->st, &f->s.mem, f->store, NR_RANGES, &f->cfg);
	sim_expect(boot_protect_firmware(&f->st, STAGE, STAGE + 0x100000, "stage"), 0);
	assert_int_equal(boot_read_fw(&f->st, f->board), 2);
	sim_expect(boot_take_payload(&f->st, container, f->pl_len, 1), 0);
	sim_expect(boot_plan_scratch(&f->st, dt_at, sizeof(f->dt)), 0);
	memcpy(sim_at(&f->s, dt_at, sizeof(f->dt)), f->dt, sizeof(f->dt));
	sim_expect(boot_place(&f->st, sim_at(&f->s, dt_at, sizeof(f->dt))), 0);
	sim_expect(boot_handoff(&f->st), 0);
}

static void run(struct fix *f, u64 container)
{
	run_dt_at(f, container, 0x40f00000);
}

static int in_scratch(const struct fix *f, u64 start, u64 end)
{
	for (unsigned int i = 0; i < f->st.nr_scratch; i++)
		if (start >= f->st.scratch[i].addr &&
		    end <= f->st.scratch[i].addr + f->st.scratch[i].size)
			return 1;
	return 0;
}

static void test_cold_boot_in_place(void **state)
{
	struct fix *f = *state;

	board_dt(f, DMA_BUF, "dma-noncoherent");
	put_container(f, CONTAINER, KHO_ABI_V4);
	run(f, CONTAINER);
	assert_int_equal(f->st.copied, 0);
	assert_int_equal(f->st.kernel, CONTAINER + BOOT_PAYLOAD_KERNEL_ALIGN);
	assert_true(in_scratch(f, f->st.kernel, f->st.kernel + KERNEL_MEM));
	assert_true(in_scratch(f, f->st.initrd, f->st.initrd + INITRD_SIZE));
	assert_true(in_scratch(f, f->st.dtb, f->st.dtb + f->st.dtb_cap));
	assert_int_equal(f->st.abi, KHO_ABI_V4);
}

static void test_input_dtb_next_to_container_still_in_place(void **state)
{
	struct fix *f = *state;

	/* QEMU puts its DTB right after the initrd (our container). */
	board_dt(f, DMA_BUF, "dma-noncoherent");
	put_container(f, CONTAINER, KHO_ABI_V4);
	run_dt_at(f, CONTAINER, CONTAINER + ((f->pl_len + 0x1fffff) & ~0x1fffffull));
	assert_int_equal(f->st.copied, 0);
	assert_true(in_scratch(f, f->st.dtb, f->st.dtb + f->st.dtb_cap));
}

static void test_scratch_sized_and_aligned(void **state)
{
	struct fix *f = *state;
	u64 total = 0;

	board_dt(f, DMA_BUF, "dma-noncoherent");
	put_container(f, CONTAINER, KHO_ABI_V4);
	run(f, CONTAINER);
	for (unsigned int i = 0; i < f->st.nr_scratch; i++) {
		const struct kho_scratch *s = &f->st.scratch[i];

		assert_int_equal((s->addr | s->size) % (4u << 20), 0);
		assert_false(kho_overlaps(s->addr, s->size, LOG_BUF, LOG_SIZE));
		assert_false(kho_overlaps(s->addr, s->size, DMA_BUF, DMA_SIZE));
		assert_false(kho_overlaps(s->addr, s->size, STAGE, 0x100000));
		total += s->size;
	}
	assert_true(total >= boot_scratch_estimate(&f->st));
	/* 256 MiB of RAM: memmap 4 MiB + tables + kernel + initrd + 18 MiB, x2. */
	assert_true(total >= 64u << 20);
}

/* The next kernel's view: consume what the stage produced. */
static void consume(struct fix *f, struct kho_in *in, struct kho_rmap *rm,
		    struct kho_range *store)
{
	void *dtb = sim_at(&f->s, f->st.dtb, f->st.dtb_cap);

	kho_rmap_init(rm, store, NR_RANGES);
	sim_expect(kho_in_open(in, dtb, &f->s.mem, 12, KHO_ABI_V4), 0);
	sim_expect(kho_in_protect(in, rm), 0);
}

static void test_handover_consumed(void **state)
{
	struct fix *f = *state;
	struct kho_range store[NR_RANGES];
	struct kho_rmap rm;
	struct kho_in in;
	struct kho_blob b;

	board_dt(f, DMA_BUF, "dma-noncoherent");
	put_container(f, CONTAINER, KHO_ABI_V4);
	run(f, CONTAINER);
	consume(f, &in, &rm, store);
	assert_true(
		kho_rmap_covered(&rm, LOG_BUF, LOG_BUF + LOG_SIZE, KHO_KIND_PRESERVED));
	/* 3 pages -> get_order 2 -> 4 pages, one block. */
	assert_true(kho_rmap_covered(&rm, DMA_BUF, DMA_BUF + 0x4000, KHO_KIND_PRESERVED));
	sim_expect(kho_in_find_blob(&in, "memblock", &b), 0);
	sim_expect(kho_in_find_blob(&in, "kexec-metadata", &b), 0);
	assert_int_equal(b.size, 73);
	sim_expect(kho_in_find_blob(&in, "dma-alloc", &b), 0);
	assert_int_equal(b.size, sizeof(struct dma_alloc_ser));
	assert_int_equal(in.nr_scratch, f->st.nr_scratch);
	assert_false(in_scratch(f, in.ch.scratch_phys, in.ch.scratch_phys + 16));
}

static void test_dma_entry_records_attrs(void **state)
{
	struct fix *f = *state;
	struct kho_range store[NR_RANGES];
	struct kho_rmap rm;
	struct kho_in in;
	struct kho_blob b;
	const struct dma_alloc_ser *e;

	board_dt(f, DMA_BUF, "dma-noncoherent");
	put_container(f, CONTAINER, KHO_ABI_V4);
	run(f, CONTAINER);
	consume(f, &in, &rm, store);
	sim_expect(kho_in_find_blob(&in, "dma-alloc", &b), 0);
	e = sim_at(&f->s, b.phys, b.size);
	assert_int_equal(e->page_phys, DMA_BUF);
	assert_int_equal(e->size, DMA_SIZE);
	assert_int_equal(e->force_decrypted, 0);
}

static void test_chosen_and_cma(void **state)
{
	struct fix *f = *state;
	void *dtb;
	int chosen, cma, len;
	const fdt64_t *v;

	board_dt(f, DMA_BUF, "dma-noncoherent");
	put_container(f, CONTAINER, KHO_ABI_V4);
	run(f, CONTAINER);
	dtb = sim_at(&f->s, f->st.dtb, f->st.dtb_cap);
	chosen = fdt_path_offset(dtb, "/chosen");
	assert_string_equal(fdt_getprop(dtb, chosen, "bootargs", NULL),
			    "console=ttyAMA0 kho=on");
	v = fdt_getprop(dtb, chosen, "linux,initrd-start", &len);
	assert_int_equal(len, 8);
	assert_int_equal(fdt64_ld(v), f->st.initrd);
	cma = fdt_subnode_offset(dtb, fdt_path_offset(dtb, "/reserved-memory"),
				 "linux,cma");
	assert_true(cma >= 0);
	assert_int_equal(fdt_node_check_compatible(dtb, cma, "shared-dma-pool"), 0);
	assert_non_null(fdt_getprop(dtb, cma, "reusable", NULL));
	assert_non_null(fdt_getprop(dtb, cma, "linux,cma-default", NULL));
	assert_null(fdt_getprop(dtb, cma, "no-map", NULL));
	assert_true(f->st.cma != 0 && f->st.cma % (4u << 20) == 0);
	assert_false(in_scratch(f, f->st.cma, f->st.cma + f->cfg.cma_size));
}

/* The root's children of dtb, in order, into names (at most max). */
static unsigned int children(const void *dtb, const char **names, unsigned int max)
{
	unsigned int n = 0;
	int node;

	fdt_for_each_subnode (node, dtb, 0)
		if (n < max)
			names[n++] = fdt_get_name(dtb, node, NULL);
	return n;
}

/*
 * /chosen and /reserved-memory end up the root's first children wherever they
 * were (here: /reserved-memory, with an earlier stage's default CMA pool, between
 * other nodes), nothing else is lost, and the DTB stays well formed.
 */
static void test_chosen_and_resmem_come_first(void **state)
{
	struct fix *f = *state;
	const char *before[32], *after[32];
	unsigned int nb, na, k = 2;
	void *dtb;
	int rsv, old, node;

	board_dt(f, DMA_BUF, "dma-noncoherent");
	put_container(f, CONTAINER, KHO_ABI_V4);
	fdt_ok(fdt_open_into(f->dt, f->dt, sizeof(f->dt)));
	fdt_ok(fdt_add_subnode(f->dt, 0, "uart@9000000"));
	rsv = fdt_add_subnode(f->dt, 0, "reserved-memory");
	fdt_ok(rsv);
	fdt_ok(fdt_setprop_u32(f->dt, rsv, "#address-cells", 2));
	fdt_ok(fdt_setprop_u32(f->dt, rsv, "#size-cells", 2));
	fdt_ok(fdt_setprop(f->dt, rsv, "ranges", NULL, 0));
	old = fdt_add_subnode(f->dt, rsv, "linux,cma");
	fdt_ok(old);
	fdt_ok(fdt_setprop(f->dt, old, "linux,cma-default", NULL, 0));
	fdt_ok(fdt_add_subnode(f->dt, 0, "flash@0"));
	nb = children(f->dt, before, 32);
	run(f, CONTAINER);
	dtb = sim_at(&f->s, f->st.dtb, f->st.dtb_cap);
	assert_int_equal(kho_fdt_check(dtb, f->st.dtb_cap), 0);
	na = children(dtb, after, 32);
	assert_int_equal(na, nb);
	assert_string_equal(after[0], "chosen");
	assert_string_equal(after[1], "reserved-memory");
	for (unsigned int i = 0; i < nb; i++)
		if (strcmp(before[i], "chosen") && strcmp(before[i], "reserved-memory"))
			assert_string_equal(after[k++], before[i]);
	/* Only our CMA pool is left, and the hand-over's properties are set. */
	rsv = fdt_path_offset(dtb, "/reserved-memory");
	node = fdt_subnode_offset(dtb, rsv, "linux,cma");
	assert_true(node >= 0);
	assert_true(fdt_next_subnode(dtb, node) < 0);
	assert_non_null(
		fdt_getprop(dtb, fdt_path_offset(dtb, "/chosen"), "linux,kho-fdt", NULL));
}

static void test_misaligned_container_is_copied(void **state)
{
	struct fix *f = *state;
	u64 at = CONTAINER + 0x1000;

	board_dt(f, DMA_BUF, "dma-noncoherent");
	put_container(f, at, KHO_ABI_V4);
	run(f, at);
	assert_int_equal(f->st.copied, KERNEL_SIZE);
	assert_int_equal(f->st.kernel % BOOT_PAYLOAD_KERNEL_ALIGN, 0);
	assert_true(in_scratch(f, f->st.kernel, f->st.kernel + KERNEL_MEM));
	assert_memory_equal(sim_at(&f->s, f->st.kernel, 64),
			    sim_at(&f->s, at + BOOT_PAYLOAD_KERNEL_ALIGN, 64), 64);
	assert_false(kho_overlaps(f->st.kernel, KERNEL_MEM, at, f->pl_len));
}

static void test_kernel_without_kho_gets_reserved_memory(void **state)
{
	struct fix *f = *state;
	void *dtb;
	int rsv, log, dma;

	board_dt(f, DMA_BUF, "dma-noncoherent");
	put_container(f, CONTAINER, 0);
	run(f, CONTAINER);
	assert_int_equal(f->st.abi, 0);
	dtb = sim_at(&f->s, f->st.dtb, f->st.dtb_cap);
	assert_null(
		fdt_getprop(dtb, fdt_path_offset(dtb, "/chosen"), "linux,kho-fdt", NULL));
	rsv = fdt_path_offset(dtb, "/reserved-memory");
	log = fdt_subnode_offset(dtb, rsv, "log@4e000000");
	dma = fdt_subnode_offset(dtb, rsv, "dma0@4e200000");
	assert_true(log >= 0 && dma >= 0);
	assert_null(fdt_getprop(dtb, log, "no-map", NULL));
	assert_non_null(fdt_getprop(dtb, dma, "no-map", NULL));
}

static const struct boot_fw_buf *dma_buf(const struct boot_state *st)
{
	for (unsigned int i = 0; i < st->nr_fw; i++)
		if (st->fw[i].kind == BOOT_FW_DMA)
			return &st->fw[i];
	fail_msg("no DMA buffer read");
	return NULL;
}

static void test_coherence_follows_dt(void **state)
{
	struct fix *f = *state;

	board_dt(f, DMA_BUF, NULL); /* inherits the root's dma-coherent */
	boot_init(&f->st, &f->s.mem, f->store, NR_RANGES, &f->cfg);
	assert_int_equal(boot_read_fw(&f->st, f->board), 2);
	assert_int_equal(dma_buf(&f->st)->coherent, 1);
	board_dt(f, DMA_BUF, "dma-noncoherent");
	boot_init(&f->st, &f->s.mem, f->store, NR_RANGES, &f->cfg);
	assert_int_equal(boot_read_fw(&f->st, f->board), 2);
	assert_int_equal(dma_buf(&f->st)->coherent, 0);
	assert_string_equal(dma_buf(&f->st)->device, "/soc/dma-dev");
}

static void test_misaligned_fw_buffer_refused(void **state)
{
	struct fix *f = *state;

	board_dt(f, DMA_BUF + 0x800, "dma-noncoherent");
	boot_init(&f->st, &f->s.mem, f->store, NR_RANGES, &f->cfg);
	sim_expect(boot_read_fw(&f->st, f->board), -KHO_E_MISALIGNED);
}

static void test_dma_not_aligned_to_its_order_refused(void **state)
{
	struct fix *f = *state;

	/* 3 pages need an order-2 block: 16 KiB alignment. */
	board_dt(f, DMA_BUF + 0x1000, "dma-noncoherent");
	put_container(f, CONTAINER, KHO_ABI_V4);
	boot_init(&f->st, &f->s.mem, f->store, NR_RANGES, &f->cfg);
	assert_int_equal(boot_read_fw(&f->st, f->board), 2);
	sim_expect(boot_take_payload(&f->st, CONTAINER, f->pl_len, 1), 0);
	sim_expect(boot_plan_scratch(&f->st, 0x40f00000, sizeof(f->dt)), 0);
	memcpy(sim_at(&f->s, 0x40f00000, sizeof(f->dt)), f->dt, sizeof(f->dt));
	sim_expect(boot_place(&f->st, sim_at(&f->s, 0x40f00000, sizeof(f->dt))), 0);
	sim_expect(boot_handoff(&f->st), -KHO_E_MISALIGNED);
}

static void test_payload_corruption_refused(void **state)
{
	struct fix *f = *state;
	u8 *p;

	board_dt(f, DMA_BUF, "dma-noncoherent");
	put_container(f, CONTAINER, KHO_ABI_V4);
	p = sim_at(&f->s, CONTAINER, f->pl_len);
	p[BOOT_PAYLOAD_KERNEL_ALIGN + 0x200] ^= 1; /* kernel data: CRC */
	boot_init(&f->st, &f->s.mem, f->store, NR_RANGES, &f->cfg);
	sim_expect(boot_take_payload(&f->st, CONTAINER, f->pl_len, 1), -KHO_E_BLOB);
	p[BOOT_PAYLOAD_KERNEL_ALIGN + 0x200] ^= 1;
	p[8] = 2; /* version */
	sim_expect(boot_take_payload(&f->st, CONTAINER, f->pl_len, 1), -KHO_E_BLOB);
	p[8] = 1;
	sim_expect(boot_take_payload(&f->st, CONTAINER, f->pl_len - 4096, 1),
		   -KHO_E_BLOB);
	sim_expect(boot_take_payload(&f->st, CONTAINER, f->pl_len, 1), 0);
}

static void test_payload_entry_outside_refused(void **state)
{
	struct fix *f = *state;
	struct boot_payload_hdr *h;
	struct boot_payload_entry *e;
	u32 crc;

	put_container(f, CONTAINER, KHO_ABI_V4);
	h = sim_at(&f->s, CONTAINER, f->pl_len);
	e = (void *)(h + 1);
	e[1].size = h->total_size; /* initrd past the end */
	h->hdr_crc = 0;
	crc = boot_crc32(0, h, sizeof(*h));
	h->hdr_crc = boot_crc32(crc, e, h->nr_entries * sizeof(*e));
	boot_init(&f->st, &f->s.mem, f->store, NR_RANGES, &f->cfg);
	sim_expect(boot_take_payload(&f->st, CONTAINER, f->pl_len, 1), -KHO_E_BLOB);
}

static void test_fill_writes_pattern_only_into_buffers(void **state)
{
	struct fix *f = *state;
	const struct sim_span spans[] = { { LOG_BUF, LOG_BUF + LOG_SIZE } };
	const u64 *p;

	board_dt(f, DMA_BUF, "dma-noncoherent");
	boot_init(&f->st, &f->s.mem, f->store, NR_RANGES, &f->cfg);
	assert_int_equal(boot_read_fw(&f->st, f->board), 2);
	f->st.fw[0].seed = f->st.fw[0].kind == BOOT_FW_LOG ? 7 : 0;
	f->st.fw[1].seed = f->st.fw[1].kind == BOOT_FW_LOG ? 7 : 0;
	sim_snapshot(&f->s);
	sim_expect(boot_fill_fw(&f->st), 0);
	sim_assert_unchanged(&f->s, spans, 1, "boot_fill_fw");
	p = sim_at(&f->s, LOG_BUF, LOG_SIZE);
	assert_int_equal(p[0], boot_pattern(LOG_BUF, 7));
	assert_int_equal(p[LOG_SIZE / 8 - 1], boot_pattern(LOG_BUF + LOG_SIZE - 8, 7));
	assert_true(p[1] != p[0]);
}

static void test_crc32_known_value(void **state)
{
	(void)state;
	/* The IEEE CRC-32 check value. */
	assert_int_equal(boot_crc32(0, "123456789", 9), 0xcbf43926);
}

/* Long enough for the tables, from an aligned and a misaligned start. */
static void test_crc32_tables(void **state)
{
	u8 b[1000];

	(void)state;
	for (unsigned int i = 0; i < sizeof(b); i++)
		b[i] = (u8)(i * 7 + 3);
	assert_int_equal(boot_crc32(0, b, sizeof(b)), 0x17bc2a46);
	assert_int_equal(boot_crc32(0, b + 1, sizeof(b) - 1), 0x6aa56d54);
	assert_int_equal(boot_crc32(boot_crc32(0, b, 300), b + 300, 700), 0x17bc2a46);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_cold_boot_in_place),
		T(test_input_dtb_next_to_container_still_in_place),
		T(test_scratch_sized_and_aligned),
		T(test_handover_consumed),
		T(test_dma_entry_records_attrs),
		T(test_chosen_and_cma),
		T(test_misaligned_container_is_copied),
		T(test_kernel_without_kho_gets_reserved_memory),
		T(test_coherence_follows_dt),
		T(test_misaligned_fw_buffer_refused),
		T(test_dma_not_aligned_to_its_order_refused),
		T(test_payload_corruption_refused),
		T(test_payload_entry_outside_refused),
		T(test_fill_writes_pattern_only_into_buffers),
		T(test_chosen_and_resmem_come_first),
		T(test_crc32_known_value),
		T(test_crc32_tables),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
