/* SPDX-License-Identifier: MIT */
/*
 * Layout of the AArch32 stage, linked at 0 and relocated at run time (start.S):
 * zImage header and text, read-only data, data, the dynamic relocations (REL:
 * the addend is the word in place), then what the file does not carry: bss
 * (cleared at entry) and the pools (stacks, translation tables; not
 * cleared). The zImage header's end is the file's; its KLSZ tag gives the rest.
 */
OUTPUT_FORMAT("elf32-littlearm")
OUTPUT_ARCH(arm)
ENTRY(_start)

SECTIONS
{
	. = 0;
	__image_start = .;
	.text : {
		KEEP(*(.head.text))
		*(.text.vectors)
		*(.text .text.*)
		*(.glue_7 .glue_7t .vfp11_veneer .v4_bx)
	}
	.rodata : ALIGN(16) { *(.rodata .rodata.*) }
	.data : ALIGN(16) {
		*(.data.rel.ro .data.rel.ro.*)
		*(.data .data.*)
		*(.got .got.plt)
	}
	.rel.dyn : ALIGN(8) {
		__rel_start = .;
		*(.rel .rel.*)
		__rel_end = .;
	}
	.dynamic : { *(.dynamic) }
	.dynsym : { *(.dynsym) }
	.dynstr : { *(.dynstr) }
	.hash : { *(.hash) }
	.gnu.hash : { *(.gnu.hash) }
	__file_end = .;

	.bss (NOLOAD) : ALIGN(16) {
		__bss_start = .;
		*(.bss .bss.* COMMON)
		. = ALIGN(16);
		__bss_end = .;
	}
	.pool (NOLOAD) : ALIGN(4096) {
		__stack_start = .;
		. += CONFIG_STAGE_STACK_SIZE;
		__stack_end = .;
		__exc_stack_start = .;
		. += CONFIG_STAGE_EXC_STACK_SIZE;
		__exc_stack_end = .;
		. = ALIGN(4096);
		__pgtable_pool_start = .;
		. += CONFIG_STAGE_PGTABLE_POOL_SIZE;
		__pgtable_pool_end = .;
	}
	__image_end = .;
	_image_size = ABSOLUTE(__image_end - __image_start);

	/DISCARD/ : {
		*(.interp .note .note.* .comment .eh_frame .eh_frame_hdr)
		*(.ARM.exidx .ARM.exidx.* .ARM.extab .ARM.extab.* .ARM.attributes)
	}
}

ASSERT(_start == 0, "the zImage header must come first")
ASSERT(arm_vectors % 32 == 0, "vector table alignment")
ASSERT(__stack_end % 8 == 0, "stack alignment")
ASSERT(__exc_stack_end % 8 == 0, "exception stack alignment")
ASSERT(__pgtable_pool_start % 4096 == 0, "table pool alignment")
