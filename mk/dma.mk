# DMA buffers across the hand-over (lib/boot/dma.c, docs/dma.md): the unit tests
# that link more than the others. Included by mk/test.mk.

# The stage's boot flow on simulated RAM, for tests that need a whole hand-over;
# linked before the libraries it calls.
BOOTSIM_OBJ := $(BUILD)/host/obj/$(UNIT_DIR)/bootsim.o
UNIT_SUPPORT_OBJS := $(patsubst %.c,$(BUILD)/host/obj/%.o,$(UNIT_SUPPORT))

$(BUILD)/host/test/test_dma: $(BUILD)/host/obj/$(UNIT_DIR)/test_dma.o $(BOOTSIM_OBJ) \
		$(UNIT_SUPPORT_OBJS) $(HOST_LIBS)
	@mkdir -p $(@D)
	$(CC_host) $(CFLAGS_host) -o $@ $^ -lcmocka

# No cacheable alias: the stage's regions through the real table builder.
$(BUILD)/host/obj/$(UNIT_DIR)/test_dma_mmu.o: EXTRA_CFLAGS_host += -Iarch/arm64
$(BUILD)/host/test/test_dma_mmu: $(BUILD)/host/obj/$(UNIT_DIR)/test_dma_mmu.o \
		$(BOOTSIM_OBJ) $(BUILD)/host/obj/arch/arm64/pgtable.o $(UNIT_SUPPORT_OBJS) \
		$(HOST_LIBS)
	@mkdir -p $(@D)
	$(CC_host) $(CFLAGS_host) -o $@ $^ -lcmocka
