# khotool tests: mkhandover, the generator of their handovers (RAM image + OS DTB),
# linked with the host libkho and libfdt, and pngstat for the pictures. tool-check
# runs test/py-free/tool/*.sh.
MKHANDOVER := $(BUILD)/host/test/mkhandover

$(MKHANDOVER): $(BUILD)/host/obj/test/py-free/tool/mkhandover.o $(HOST_LIBS)
	@mkdir -p $(@D)
	$(CC_host) $(CFLAGS_host) -o $@ $^

# pngstat: colours and inked pixels of a PNG, to tell a drawn map from a blank one.
PNGSTAT := $(BUILD)/host/test/pngstat

$(PNGSTAT): $(BUILD)/host/obj/test/py-free/tool/pngstat.o
	@mkdir -p $(@D)
	$(CC_host) $(CFLAGS_host) -o $@ $^ -lz

tool-check: $(MKHANDOVER) $(PNGSTAT)

include mk/khotool-arm64.mk
