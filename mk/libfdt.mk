# libfdt, unmodified, from Debian's linux-source-7.3 (scripts/dtc/libfdt), fetched
# into the cache by scripts/linux-src.sh. LIBFDT_SRC may point at another tree.
LIBFDT_SRC ?= $(KHOFW_CACHE)/src/linux-7.3/scripts/dtc/libfdt
LIBFDT_NAMES := fdt fdt_ro fdt_rw fdt_sw fdt_wip fdt_strerror fdt_empty_tree fdt_addresses

$(LIBFDT_SRC)/fdt.c:
	scripts/linux-src.sh >/dev/null

libfdt-src: $(LIBFDT_SRC)/fdt.c
.PHONY: libfdt-src

# For AArch64 (the stage; nothing else links this archive) libfdt is built -O2 and
# may use unaligned loads: at -Os with -mstrict-align fdt32_ld() (four byte loads)
# and fdt_offset_ptr() are calls, and libfdt calls them per tag and per byte of a
# node name while it walks a DT (a stage's cold hand-over: 2.05 M instructions ->
# 1.50 M, +2 KiB of archive, +0.6 KiB linked). Unaligned loads fault only with the
# MMU off, where libfdt reads the stage's input DT only: the stage takes one
# 8-byte aligned with its struct block 4-byte and its reservation map 8-byte
# aligned (stage/start.c), so every field libfdt loads whole is aligned; names and
# strings go through the C library's byte loops (built -mstrict-align).
$(BUILD)/aarch64/libfdt/%.o: EXTRA_CFLAGS_aarch64 += -O2 -mno-strict-align
