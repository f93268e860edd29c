/* SPDX-License-Identifier: MIT */
/* The board's DT (dts/<board>.dts, compiled by the build), linked into the stage. */
	.section .rodata.board_dtb, "a"
	.balign 8
	.global stage_board_dtb
stage_board_dtb:
	.incbin BOARD_DTB
