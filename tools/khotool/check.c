/* SPDX-License-Identifier: MIT */
/*
 * khotool check: is this a handover a receiver can trust? The same validation
 * firmware runs before it writes anything (libkho's open, blob listing and
 * protect), reduced to one line and an exit status for scripts.
 */
#include "khotool.h"
#include <inttypes.h>
#include <kho/version.h>

static int check(const struct khotool_cmd *cmd, const struct khotool_opts *o)
{
	struct khotool_input in;
	struct khotool_handover h;
	int status = khotool_open(cmd->name, o, &in, &h);

	if (!status)
		printf("ok: %s %" PRIu64 " preserved %s\n", kho_abi_name(h.in.abi),
		       h.stats.blocks, h.from_memblock ? "ranges (memblock)" : "blocks");
	khotool_close(&in, &h);
	return status;
}

static const char manual[] =
	"NAME\n"
	"    khotool check - validate a KHO handover\n"
	"\n"
	"SYNOPSIS\n"
	"    khotool check --dtb FILE --ram FILE@ADDR [--ram FILE@ADDR ...]\n"
	"                  [--abi ABI] [--page-size SIZE]\n"
	"    khotool check --live | --live-out [--page-size SIZE]\n"
	"\n"
	"DESCRIPTION\n"
	"    Validates the handover the DT's /chosen points at, in three stages:\n"
	"        open     /chosen, the KHO FDT (size, alignment, structure,\n"
	"                 compatible), preserved-memory-map, the scratch array and\n"
	"                 each scratch area (alignment for the ABI, in RAM)\n"
	"        blobs    every sub-blob's properties, that it lies in RAM and, for\n"
	"                 kho-v1, that it is an FDT\n"
	"        protect  the whole preserved-memory map (every page in RAM and\n"
	"                 readable, aligned, no page reached twice, orders in range)\n"
	"                 and that no two parts of the handover overlap: scratch\n"
	"                 against preserved memory, map pages and the KHO FDT\n"
	"\n";

static const char manual_end[] =
	"OUTPUT\n"
	"    On success, one line on stdout:\n"
	"        ok: <abi> <n> preserved blocks\n"
	"    <abi> is the resolved ABI (v1-512, v1-4k, v1-4k-nz, v3, v4) and <n> the\n"
	"    number of blocks in the preserved-memory map; with --live, where the\n"
	"    map is gone, 'ok: <abi> <n> preserved ranges (memblock)' counts the\n"
	"    kernel's memblock regions instead. On failure, one line on stderr:\n"
	"        khotool: check: <error> (stage: <open|blobs|protect>)\n"
	"    <error> is libkho's message, e.g. 'KHO FDT header is invalid',\n"
	"    'pointer outside RAM', 'memory map page reached twice (cycle)'.\n"
	"\n"
	"EXIT STATUS\n"
	"    0   the handover is valid\n"
	"    1   the handover is invalid\n"
	"    2   usage error, or an input file is missing, unreadable or malformed\n"
	"        (a --dtb that is no FDT, overlapping --ram files)\n"
	"\n"
	"EXAMPLE\n"
	"    khotool check --dtb os.dtb --ram low.bin@0x40000000 \\\n"
	"                  --ram high.bin@0x880000000 --abi v4\n";

const struct khotool_cmd khotool_cmd_check = {
	.name = "check",
	.summary = "validate the handover; exit 0 if it is sound",
	.manual = manual,
	.manual_end = manual_end,
	.extra_opts = 0,
	.run = check,
};
