/* SPDX-License-Identifier: MIT */
/* Known content for firmware buffers (include/boot/pattern.h). */
#include <boot/boot.h>
#include <boot/pattern.h>
#include <kho/err.h>

int boot_fill_fw(const struct boot_state *st)
{
	for (unsigned int i = 0; i < st->nr_fw; i++) {
		const struct boot_fw_buf *b = &st->fw[i];
		u64 *p;
		int err;

		/* An adopted buffer keeps what an earlier hop put there. */
		if (!b->seed || b->adopted)
			continue;
		p = kho_mem_ptr(st->mem, b->phys, b->size, &err);
		if (!p)
			return err;
		for (u64 off = 0; off < b->size; off += 8)
			p[off / 8] = boot_pattern(b->phys + off, b->seed);
	}
	return 0;
}
