/* SPDX-License-Identifier: MIT */
/*
 * Layout of the AArch64 stage, linked at 0 and relocated at run time (start.S):
 * Image header and text, read-only data, data, the dynamic relocations, then
 * what the file does not carry: tables initialised before use (.bss.noinit,
 * neither cleared nor invalidated at entry), bss (cleared at entry) and the pools
 * (stack, translation tables; not cleared). image_size in the Image header
 * is the whole of it, so a loader keeps the pools free too.
 */
OUTPUT_FORMAT("elf64-littleaarch64")
OUTPUT_ARCH(aarch64)
ENTRY(_start)

SECTIONS
{
	. = 0;
	__image_start = .;
	.text : {
		KEEP(*(.head.text))
		*(.text.vectors)
		*(.text .text.*)
	}
	.rodata : ALIGN(16) { *(.rodata .rodata.*) }
	.data : ALIGN(64) {
		__data_start = .;
		*(.data.rel.ro .data.rel.ro.*)
		*(.data .data.*)
		*(.got .got.plt)
	}
	.rela.dyn : ALIGN(8) {
		__rela_start = .;
		*(.rela .rela.*)
		__rela_end = .;
	}
	.dynamic : { *(.dynamic) }
	.dynsym : { *(.dynsym) }
	.dynstr : { *(.dynstr) }
	.hash : { *(.hash) }
	.gnu.hash : { *(.gnu.hash) }

	/*
	 * First written with the MMU on, through the cache, and never read before
	 * written: a line a previous owner left there is the one written, or holds
	 * bytes nobody reads (start.S).
	 */
	.noinit (NOLOAD) : ALIGN(64) {
		__noinit_start = .;
		*(.bss.noinit)
		. = ALIGN(64);
		__noinit_end = .;
	}
	.bss (NOLOAD) : ALIGN(64) {
		__bss_start = .;
		*(.bss .bss.* COMMON)
		. = ALIGN(16);
		__bss_end = .;
	}
	.pool (NOLOAD) : ALIGN(4096) {
		__stack_start = .;
		. += CONFIG_STAGE_STACK_SIZE;
		__stack_end = .;
		__pgtable_pool_start = .;
		. += CONFIG_STAGE_PGTABLE_POOL_SIZE;
		__pgtable_pool_end = .;
	}
	__image_end = .;
	_image_size = ABSOLUTE(__image_end - __image_start);

	/DISCARD/ : {
		*(.interp .note .note.* .comment .eh_frame .eh_frame_hdr)
	}
}

ASSERT(_start == 0, "the Image header must come first")
ASSERT(__stack_end % 16 == 0, "stack alignment")
ASSERT(__pgtable_pool_start % 4096 == 0, "table pool alignment")
