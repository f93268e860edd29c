/* SPDX-License-Identifier: MIT */
/* Error strings for libkho's single error space. */
#include <kho/err.h>

static const char *const kho_err_str[KHO_E_COUNT_MAX] = {
	[KHO_OK] = "success",
	[KHO_E_INVAL] = "invalid argument",
	[KHO_E_NOSPC] = "caller-provided table is full",
	[KHO_E_NOMEM] = "page allocator has no page",
	[KHO_E_NO_HANDOVER] = "no KHO handover in /chosen",
	[KHO_E_CHOSEN] = "/chosen KHO property does not match #address-cells/#size-cells",
	[KHO_E_CELLS] = "value does not fit the DT cells",
	[KHO_E_FDT_HEADER] = "KHO FDT header is invalid",
	[KHO_E_FDT_SIZE] = "KHO FDT size is invalid",
	[KHO_E_FDT_ALIGN] = "KHO FDT is not 8-byte aligned",
	[KHO_E_COMPAT] = "KHO FDT compatible is not a known ABI",
	[KHO_E_PROP] = "KHO property missing or of wrong length",
	[KHO_E_MAP_ZERO] = "preserved-memory-map is 0, which this ABI rejects",
	[KHO_E_OUTSIDE_RAM] = "pointer outside RAM",
	[KHO_E_UNMAPPED] = "address in RAM but not readable",
	[KHO_E_MISALIGNED] = "pointer or block misaligned",
	[KHO_E_CYCLE] = "memory map page reached twice (cycle)",
	[KHO_E_COUNT] = "element count over capacity",
	[KHO_E_ORDER] = "block order too large",
	[KHO_E_WRAP] = "address range wraps",
	[KHO_E_OVERLAP] = "ranges overlap",
	[KHO_E_PROTECTED] = "write would touch protected memory",
	[KHO_E_DUP_BLOB] = "duplicate sub-blob name",
	[KHO_E_SCRATCH] = "scratch array malformed",
	[KHO_E_SCRATCH_ALIGN] = "scratch area misaligned",
	[KHO_E_KEY] = "radix key out of range",
	[KHO_E_FDT] = "FDT write failed",
	[KHO_E_ABI] = "not supported by this ABI version",
	[KHO_E_BLOB] = "sub-blob content malformed",
	[KHO_E_NOT_FOUND] = "not found",
};

const char *kho_strerror(int err)
{
	if (err < 0)
		err = -err;
	if (err >= KHO_E_COUNT_MAX)
		return "unknown error";
	return kho_err_str[err];
}
