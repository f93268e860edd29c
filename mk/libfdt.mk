# libfdt, unmodified, from Debian's linux-source-7.3 (scripts/dtc/libfdt), fetched
# into the cache by scripts/linux-src.sh. LIBFDT_SRC may point at another tree.
LIBFDT_SRC ?= $(KHOFW_CACHE)/src/linux-7.3/scripts/dtc/libfdt
LIBFDT_NAMES := fdt fdt_ro fdt_rw fdt_sw fdt_wip fdt_strerror fdt_empty_tree fdt_addresses

$(LIBFDT_SRC)/fdt.c:
	scripts/linux-src.sh >/dev/null

libfdt-src: $(LIBFDT_SRC)/fdt.c
.PHONY: libfdt-src
