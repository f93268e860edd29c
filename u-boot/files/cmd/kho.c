// SPDX-License-Identifier: MIT
/*
 * The `kho` command: look at the Kexec HandOver state U-Boot holds, and hand
 * memory over to the next kernel (include/kho_boot.h does the work).
 */
#include <command.h>
#include <env.h>
#include <kho_boot.h>
#include <mapmem.h>
#include <vsprintf.h>
#include <linux/libfdt.h>

static int ret_of(int err)
{
	return err ? CMD_RET_FAILURE : CMD_RET_SUCCESS;
}

static int do_kho_info(struct cmd_tbl *cmdtp, int flag, int argc, char *const argv[])
{
	kho_boot_print_info();
	return CMD_RET_SUCCESS;
}

static int do_kho_list(struct cmd_tbl *cmdtp, int flag, int argc, char *const argv[])
{
	kho_boot_print_list();
	return CMD_RET_SUCCESS;
}

static int do_kho_preserve(struct cmd_tbl *cmdtp, int flag, int argc, char *const argv[])
{
	if (argc < 3 || argc > 4)
		return CMD_RET_USAGE;
	return ret_of(kho_boot_preserve(hextoul(argv[1], NULL), hextoul(argv[2], NULL),
					argc == 4 ? argv[3] : "u-boot"));
}

static int do_kho_dma(struct cmd_tbl *cmdtp, int flag, int argc, char *const argv[])
{
	if (argc != 4)
		return CMD_RET_USAGE;
	return ret_of(
		kho_boot_dma(hextoul(argv[1], NULL), hextoul(argv[2], NULL), argv[3]));
}

static int do_kho_fixup(struct cmd_tbl *cmdtp, int flag, int argc, char *const argv[])
{
	void *fdt;

	if (argc != 2)
		return CMD_RET_USAGE;
	fdt = map_sysmem(hextoul(argv[1], NULL), 0);
	if (fdt_check_header(fdt)) {
		printf("kho: no device tree at %s\n", argv[1]);
		return CMD_RET_FAILURE;
	}
	if (kho_boot_fixup(fdt))
		return CMD_RET_FAILURE;
	env_set_hex("kho_fdt", kho_boot_out_fdt());
	return CMD_RET_SUCCESS;
}

U_BOOT_LONGHELP(
	kho,
	"info - the incoming hand-over and what U-Boot hands over\n"
	"kho list - every protected range: preserved, map, meta, scratch, U-Boot's\n"
	"kho preserve <addr> <size> [name] - hand a buffer over as reserve_mem <name>\n"
	"    (page aligned; the next kernel revives it, bootargs get reserve_mem=)\n"
	"kho dma <addr> <size> <dt-path> - hand over the DMA buffer of a device\n"
	"kho fixup <fdt-addr> - write the hand-over into a DT (booti/bootm do this);\n"
	"    the KHO FDT's address goes to $kho_fdt");

U_BOOT_CMD_WITH_SUBCMDS(kho, "Kexec HandOver: memory kept for the next kernel",
			kho_help_text, U_BOOT_SUBCMD_MKENT(info, 1, 1, do_kho_info),
			U_BOOT_SUBCMD_MKENT(list, 1, 1, do_kho_list),
			U_BOOT_SUBCMD_MKENT(preserve, 4, 1, do_kho_preserve),
			U_BOOT_SUBCMD_MKENT(dma, 4, 1, do_kho_dma),
			U_BOOT_SUBCMD_MKENT(fixup, 2, 1, do_kho_fixup));
