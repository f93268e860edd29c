# khotool tests: mkhandover, the generator of their handovers (RAM image + OS DTB),
# linked with the host libkho and libfdt. tool-check runs test/py-free/tool/*.sh.
MKHANDOVER := $(BUILD)/host/test/mkhandover

$(MKHANDOVER): $(BUILD)/host/obj/test/py-free/tool/mkhandover.o $(HOST_LIBS)
	@mkdir -p $(@D)
	$(CC_host) $(CFLAGS_host) -o $@ $^

tool-check: $(MKHANDOVER)
