/* SPDX-License-Identifier: MIT */
/* Error strings for libkho's single error space. */
#include <kho/err.h>
#include <string.h>
#include "strtab.h"

/* X(code, text) for every code, in the order of enum kho_err (checked below). */
#define KHO_ERR_TEXTS(X)                                                                 \
	X(KHO_OK, "success")                                                             \
	X(KHO_E_INVAL, "invalid argument")                                               \
	X(KHO_E_NOSPC, "caller-provided table is full")                                  \
	X(KHO_E_NOMEM, "page allocator has no page")                                     \
	X(KHO_E_NO_HANDOVER, "no KHO handover in /chosen")                               \
	X(KHO_E_CHOSEN,                                                                  \
	  "/chosen KHO property does not match #address-cells/#size-cells")              \
	X(KHO_E_CELLS, "value does not fit the DT cells")                                \
	X(KHO_E_FDT_HEADER, "KHO FDT header is invalid")                                 \
	X(KHO_E_FDT_SIZE, "KHO FDT size is invalid")                                     \
	X(KHO_E_FDT_ALIGN, "KHO FDT is not 8-byte aligned")                              \
	X(KHO_E_COMPAT, "KHO FDT compatible is not a known ABI")                         \
	X(KHO_E_PROP, "KHO property missing or of wrong length")                         \
	X(KHO_E_MAP_ZERO, "preserved-memory-map is 0, which this ABI rejects")           \
	X(KHO_E_OUTSIDE_RAM, "pointer outside RAM")                                      \
	X(KHO_E_UNMAPPED, "address in RAM but not readable")                             \
	X(KHO_E_MISALIGNED, "pointer or block misaligned")                               \
	X(KHO_E_CYCLE, "memory map page reached twice (cycle)")                          \
	X(KHO_E_COUNT, "element count over capacity")                                    \
	X(KHO_E_ORDER, "block order too large")                                          \
	X(KHO_E_WRAP, "address range wraps")                                             \
	X(KHO_E_OVERLAP, "ranges overlap")                                               \
	X(KHO_E_PROTECTED, "write would touch protected memory")                         \
	X(KHO_E_DUP_BLOB, "duplicate sub-blob name")                                     \
	X(KHO_E_SCRATCH, "scratch array malformed")                                      \
	X(KHO_E_SCRATCH_ALIGN, "scratch area misaligned")                                \
	X(KHO_E_KEY, "radix key out of range")                                           \
	X(KHO_E_FDT, "FDT write failed")                                                 \
	X(KHO_E_ABI, "not supported by this ABI version")                                \
	X(KHO_E_BLOB, "sub-blob content malformed")                                      \
	X(KHO_E_NOT_FOUND, "not found")

#define AS_POS(code, text) POS_##code,
#define AS_TEXT(code, text) text "\0"
#define AS_CHECK(code, text)                                                             \
	_Static_assert((int)POS_##code == (int)code, #code " out of order");

enum { KHO_ERR_TEXTS(AS_POS) NR_TEXTS };
KHO_ERR_TEXTS(AS_CHECK)
_Static_assert((int)NR_TEXTS == (int)KHO_E_COUNT_MAX, "one text per code");

static const char texts[] = KHO_ERR_TEXTS(AS_TEXT);

const char *kho_strtab(const char *t, unsigned int n)
{
	while (n--)
		t += strlen(t) + 1;
	return t;
}

const char *kho_strerror(int err)
{
	if (err < 0)
		err = -err;
	if (err >= KHO_E_COUNT_MAX)
		return "unknown error";
	return kho_strtab(texts, (unsigned int)err);
}
