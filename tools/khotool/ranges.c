/* SPDX-License-Identifier: MIT */
/*
 * khotool ranges: only the physical ranges a handover claims, one per line (or as
 * a JSON array), for scripts that compare them with something else: a memblock
 * list, /proc/iomem, another decoder.
 */
#include "khotool.h"
#include <stdlib.h>

static int ranges(const struct khotool_cmd *cmd, const struct khotool_opts *o)
{
	struct khotool_input in;
	struct khotool_handover h;
	struct khotool_line *lines;
	size_t n;
	int status = khotool_open(cmd->name, o, &in, &h);

	if (status) {
		khotool_close(&in, &h);
		return status;
	}
	lines = khotool_lines(&h, &n);
	if (!lines) {
		khotool_err(cmd->name, "out of memory");
		status = KHOTOOL_EXIT_USAGE;
	} else if (o->json) {
		putchar('[');
		khotool_lines_json(lines, n, 2);
		puts(n ? "\n]" : "]");
	} else {
		khotool_lines_text(lines, n);
	}
	free(lines);
	khotool_close(&in, &h);
	return status;
}

static const char manual[] =
	"NAME\n"
	"    khotool ranges - list every physical range a KHO handover claims\n"
	"\n"
	"SYNOPSIS\n"
	"    khotool ranges --dtb FILE --ram FILE@ADDR [--ram FILE@ADDR ...]\n"
	"                   [--abi ABI] [--page-size SIZE] [--json]\n"
	"    khotool ranges --live | --live-out [--page-size SIZE] [--json]\n"
	"\n"
	"DESCRIPTION\n"
	"    Validates the handover as 'khotool check' does and prints the range\n"
	"    lines of 'khotool show' without its header: the lines to compare with\n"
	"    a memblock list or another decoder.\n"
	"\n";

static const char manual_end[] =
	"OUTPUT OPTIONS\n"
	"    --json\n"
	"        Print one JSON array instead of text (see OUTPUT).\n"
	"\n"
	"OUTPUT\n"
	"    One range per line, sorted by start, end exclusive, lowercase hex:\n"
	"        0x<start> 0x<end> <kind>\n"
	"    Kinds:\n"
	"        preserved      blocks of the preserved-memory map, merged where\n"
	"                       adjacent; the KHO FDT page is one of them\n"
	"        map            the map's own pages (tree nodes, chunks, bitmaps)\n"
	"        scratch        scratch areas, less the scratch array\n"
	"        scratch-array  the scratch array (where not preserved)\n"
	"        kho-fdt        the KHO FDT page (only where not preserved)\n"
	"        meta           other bytes the handover needs but does not\n"
	"                       preserve (the unpreserved part of a sub-blob)\n"
	"        blob:NAME      where sub-blob NAME lies, preserved or not\n"
	"    The kinds other than blob:NAME never overlap each other. Name bytes\n"
	"    that are not printable ASCII, spaces and '\\' print as \\xNN.\n"
	"\n"
	"    With --json, an array of objects {start, end, kind}, a meta range with\n"
	"    its label too; start and end are hex strings \"0x...\".\n"
	"\n"
	"EXIT STATUS\n"
	"    0   the ranges were printed\n"
	"    1   the handover is invalid: 'khotool: ranges: ERROR (stage: STAGE)'\n"
	"        on stderr; nothing on stdout\n"
	"    2   usage error, or an input file is missing, unreadable or malformed\n"
	"\n"
	"EXAMPLE\n"
	"    khotool ranges --live | awk '$3 == \"preserved\"'\n";

const struct khotool_cmd khotool_cmd_ranges = {
	.name = "ranges",
	.summary = "list every physical range the handover claims",
	.manual = manual,
	.manual_end = manual_end,
	.extra_opts = KHOTOOL_OPT_JSON,
	.run = ranges,
};
