/* SPDX-License-Identifier: MIT */
/* The stage's boot flow on simulated RAM (bootsim.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <kho/err.h>
#include <libfdt.h>
#include <stdlib.h>
#include <string.h>

#include "bootsim.h"
#include "../../../tools/mkpayload/container.h"

#define KERNEL_SIZE 0x100000ull
#define KERNEL_MEM 0x200000ull
#define INITRD_SIZE 0x12345ull

static void ok(int err, const char *what)
{
	if (err < 0)
		fail_msg("bootsim: %s: %s", what, fdt_strerror(err));
}

void bs_init(struct bootsim *b, u64 ram_size)
{
	memset(b, 0, sizeof(*b));
	sim_init(&b->s);
	sim_add_bank(&b->s, SIM_LOW_BASE, ram_size, 1);
	sim_os_dt(b->dt, sizeof(b->dt), &b->s, 2, 2);
	b->cfg.log_name = "khofw_log";
	b->cfg.release = "khofw-test";
	b->cfg.cma_size = ram_size <= (128ull << 20) ? 4ull << 20 : 16ull << 20;
	b->cfg.scratch_min = 32ull << 20;
	b->dt_at = SIM_LOW_BASE + 0xf00000;
}

void bs_fini(struct bootsim *b)
{
	sim_fini(&b->s);
}

static void add_buf(void *dt, int parent, const struct bs_buf *bb)
{
	int node = fdt_add_subnode(dt, parent, bb->name);
	fdt64_t reg[2] = { cpu_to_fdt64(bb->phys), cpu_to_fdt64(bb->size) };
	fdt32_t seed[2] = { cpu_to_fdt32(bb->seed >> 32), cpu_to_fdt32((u32)bb->seed) };

	ok(node, bb->name);
	ok(fdt_setprop(dt, node, "reg", reg, sizeof(reg)), "reg");
	ok(fdt_setprop_string(dt, node, "khofw,kind", bb->kind), "kind");
	if (bb->seed)
		ok(fdt_setprop(dt, node, "khofw,pattern-seed", seed, sizeof(seed)),
		   "seed");
	if (strcmp(bb->kind, "dma"))
		return;
	ok(fdt_setprop_string(dt, node, "khofw,device", bb->device), "device");
	ok(fdt_setprop_u32(dt, node, "khofw,dma-attrs", bb->attrs), "attrs");
	if (bb->decrypted)
		ok(fdt_setprop(dt, node, "khofw,dma-decrypted", NULL, 0), "decrypted");
}

void bs_board(struct bootsim *b, const struct bs_buf *bufs, unsigned int n)
{
	void *dt = b->board;
	int soc, dev, fw, kh;

	ok(fdt_create_empty_tree(dt, sizeof(b->board)), "board");
	ok(fdt_setprop(dt, 0, "dma-coherent", NULL, 0), "root");
	soc = fdt_add_subnode(dt, 0, "soc");
	ok(soc, "soc");
	dev = fdt_add_subnode(dt, soc, "nc-dev");
	ok(dev, "nc-dev");
	ok(fdt_setprop(dt, dev, "dma-noncoherent", NULL, 0), "nc-dev");
	ok(fdt_add_subnode(dt, soc, "coh-dev"), "coh-dev");
	fw = fdt_add_subnode(dt, 0, "firmware");
	ok(fw, "firmware");
	kh = fdt_add_subnode(dt, fw, "khofw");
	ok(kh, "khofw");
	ok(fdt_setprop_u32(dt, kh, "#address-cells", 2), "cells");
	ok(fdt_setprop_u32(dt, kh, "#size-cells", 2), "cells");
	/* fdt_add_subnode() puts a new node first: add them last to first. */
	for (unsigned int i = n; i-- > 0;)
		add_buf(dt, kh, &bufs[i]);
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

void bs_payload(struct bootsim *b, u64 phys, u32 abi)
{
	u8 *kernel = malloc(KERNEL_SIZE), *initrd = malloc(INITRD_SIZE);
	struct mkp_input in = {
		kernel, KERNEL_SIZE, initrd, INITRD_SIZE, "console=ttyAMA0 kho=on", abi
	};

	assert_non_null(kernel);
	assert_non_null(initrd);
	fake_image(kernel, KERNEL_SIZE, KERNEL_MEM);
	memset(initrd, 0x17, INITRD_SIZE);
	b->pl_len = mkp_size(&in);
	assert_true(b->pl_len > 0);
	assert_int_equal(mkp_build(&in, sim_at(&b->s, phys, b->pl_len)), 0);
	b->container = phys;
	free(kernel);
	free(initrd);
}

void bs_dt_resmem(struct bootsim *b, const char *name, u64 base, u64 size, int no_map)
{
	void *dt = b->dt;
	int rsv = fdt_path_offset(dt, "/reserved-memory"), node;
	fdt64_t reg[2] = { cpu_to_fdt64(base), cpu_to_fdt64(size) };

	if (rsv < 0) {
		rsv = fdt_add_subnode(dt, 0, "reserved-memory");
		ok(rsv, "reserved-memory");
		ok(fdt_setprop_u32(dt, rsv, "#address-cells", 2), "cells");
		ok(fdt_setprop_u32(dt, rsv, "#size-cells", 2), "cells");
		ok(fdt_setprop(dt, rsv, "ranges", NULL, 0), "ranges");
	}
	node = fdt_add_subnode(dt, rsv, name);
	ok(node, name);
	ok(fdt_setprop(dt, node, "reg", reg, sizeof(reg)), "reg");
	if (no_map)
		ok(fdt_setprop(dt, node, "no-map", NULL, 0), "no-map");
}

static int step(struct bootsim *b, int err, const char *name)
{
	if (err >= 0 && b->step)
		b->step(b->step_arg, name);
	return err < 0 ? err : 0;
}

int bs_run(struct bootsim *b)
{
	struct boot_state *st = &b->st;
	void *dt = sim_at(&b->s, b->dt_at, sizeof(b->dt));
	int err;

	memcpy(dt, b->dt, sizeof(b->dt));
	boot_init(st, &b->s.mem, b->store, BS_RANGES, &b->cfg);
	err = step(b,
		   boot_protect_firmware(st, BS_STAGE, BS_STAGE + BS_STAGE_SIZE, "stage"),
		   "protect");
	/* As the stage: /chosen found once, then boot_take_handover_at(). */
	if (!err && b->forward)
		err = step(b,
			   boot_take_handover_at(st, dt, fdt_path_offset(dt, "/chosen")),
			   "take_handover");
	err = err ? err : step(b, boot_read_fw(st, b->board), "read_fw");
	err = err ? err
		  : step(b, boot_take_payload(st, b->container, b->pl_len, 1), "payload");
	err = err ? err : step(b, boot_plan_scratch(st, b->dt_at, sizeof(b->dt)), "plan");
	err = err ? err : step(b, boot_place(st, dt), "place");
	err = err ? err : step(b, boot_fill_fw(st), "fill_fw");
	return err ? err : step(b, boot_handoff(st), "handoff");
}

void *bs_dtb(const struct bootsim *b)
{
	return sim_at(&b->s, b->st.dtb, b->st.dtb_cap);
}
