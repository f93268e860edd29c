/* SPDX-License-Identifier: MIT */
/*
 * Tables of names as one string of NUL-terminated entries, without an array of
 * pointers (which costs a word and a relocation per entry on every target).
 */
#ifndef KHO_LIB_STRTAB_H
#define KHO_LIB_STRTAB_H

/* Entry n of a packed table (n below the number of entries); in version.c. */
const char *kho_strtab(const char *t, unsigned int n);

#endif
