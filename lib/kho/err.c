/* SPDX-License-Identifier: MIT */
/* Error strings for libkho's single error space. */
#include <kho/config.h>
#include <kho/err.h>
#include "strtab.h"

/*
 * X(code, name, text) for every code, in the order of enum kho_err (checked
 * below): the sentence kho_strerror() gives, and the short name it gives
 * instead with CONFIG_KHO_ERR_NAMES (include/kho/config.h).
 */
#define KHO_ERR_TEXTS(X)                                                                 \
	X(KHO_OK, "ok", "success")                                                       \
	X(KHO_E_INVAL, "inval", "invalid argument")                                      \
	X(KHO_E_NOSPC, "nospc", "caller-provided table is full")                         \
	X(KHO_E_NOMEM, "nomem", "page allocator has no page")                            \
	X(KHO_E_NO_HANDOVER, "no-handover", "no KHO handover in /chosen")                \
	X(KHO_E_CHOSEN, "chosen",                                                        \
	  "/chosen KHO property does not match #address-cells/#size-cells")              \
	X(KHO_E_CELLS, "cells", "value does not fit the DT cells")                       \
	X(KHO_E_FDT_HEADER, "fdt-header", "KHO FDT header is invalid")                   \
	X(KHO_E_FDT_SIZE, "fdt-size", "KHO FDT size is invalid")                         \
	X(KHO_E_FDT_ALIGN, "fdt-align", "KHO FDT is not 8-byte aligned")                 \
	X(KHO_E_COMPAT, "compat", "KHO FDT compatible is not a known ABI")               \
	X(KHO_E_PROP, "prop", "KHO property missing or of wrong length")                 \
	X(KHO_E_MAP_ZERO, "map-zero",                                                    \
	  "preserved-memory-map is 0, which this ABI rejects")                           \
	X(KHO_E_OUTSIDE_RAM, "outside-ram", "pointer outside RAM")                       \
	X(KHO_E_UNMAPPED, "unmapped", "address in RAM but not readable")                 \
	X(KHO_E_MISALIGNED, "misaligned", "pointer or block misaligned")                 \
	X(KHO_E_CYCLE, "cycle", "memory map page reached twice (cycle)")                 \
	X(KHO_E_COUNT, "count", "element count over capacity")                           \
	X(KHO_E_ORDER, "order", "block order too large")                                 \
	X(KHO_E_WRAP, "wrap", "address range wraps")                                     \
	X(KHO_E_OVERLAP, "overlap", "ranges overlap")                                    \
	X(KHO_E_PROTECTED, "protected", "write would touch protected memory")            \
	X(KHO_E_DUP_BLOB, "dup-blob", "duplicate sub-blob name")                         \
	X(KHO_E_SCRATCH, "scratch", "scratch array malformed")                           \
	X(KHO_E_SCRATCH_ALIGN, "scratch-align", "scratch area misaligned")               \
	X(KHO_E_KEY, "key", "radix key out of range")                                    \
	X(KHO_E_FDT, "fdt", "FDT write failed")                                          \
	X(KHO_E_ABI, "abi", "not supported by this ABI version")                         \
	X(KHO_E_BLOB, "blob", "sub-blob content malformed")                              \
	X(KHO_E_NOT_FOUND, "not-found", "not found")

#define AS_POS(code, name, text) POS_##code,
#define AS_NAME(code, name, text) name "\0"
#define AS_TEXT(code, name, text) text "\0"
#define AS_CHECK(code, name, text)                                                       \
	_Static_assert((int)POS_##code == (int)code, #code " out of order");

enum { KHO_ERR_TEXTS(AS_POS) NR_TEXTS };
KHO_ERR_TEXTS(AS_CHECK)
_Static_assert((int)NR_TEXTS == (int)KHO_E_COUNT_MAX, "one text per code");

/* Only the table kho_strerror() reads is kept. */
static const char names[] = KHO_ERR_TEXTS(AS_NAME);
static const char texts[] = KHO_ERR_TEXTS(AS_TEXT);

const char *kho_strerror(int err)
{
	if (err < 0)
		err = -err;
	if (err >= KHO_E_COUNT_MAX)
		return "unknown error";
	return kho_strtab(KHO_ERR_NAMES ? names : texts, (unsigned int)err);
}
