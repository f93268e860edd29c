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

# Forwarding: a previous hop's dma-alloc and khofw blobs merged with the new ones.
$(BUILD)/host/test/test_dma_forward: $(BUILD)/host/obj/$(UNIT_DIR)/test_dma_forward.o \
		$(BOOTSIM_OBJ) $(UNIT_SUPPORT_OBJS) $(HOST_LIBS)
	@mkdir -p $(@D)
	$(CC_host) $(CFLAGS_host) -o $@ $^ -lcmocka

# No cacheable alias: the stage's regions through the real table builder.
$(BUILD)/host/obj/$(UNIT_DIR)/test_dma_mmu.o: EXTRA_CFLAGS_host += -Iarch/arm64
$(BUILD)/host/test/test_dma_mmu: $(BUILD)/host/obj/$(UNIT_DIR)/test_dma_mmu.o \
		$(BOOTSIM_OBJ) $(BUILD)/host/obj/arch/arm64/pgtable.o $(UNIT_SUPPORT_OBJS) \
		$(HOST_LIBS)
	@mkdir -p $(@D)
	$(CC_host) $(CFLAGS_host) -o $@ $^ -lcmocka

# The cache model (test/py-free/cache): the model's own tests and the replay of
# the stage's hand-over through it. Part of unit-check (and so of
# unit-asan-check); cache-check runs them alone.
CACHE_DIR := test/py-free/cache
CACHE_TESTS := $(patsubst $(CACHE_DIR)/%.c,$(BUILD)/host/test/cache/%,\
	$(sort $(wildcard $(CACHE_DIR)/test_*.c)))
CACHE_OBJS := $(BUILD)/host/obj/$(CACHE_DIR)/cache.o $(BUILD)/host/obj/$(CACHE_DIR)/fake_arch.o

$(BUILD)/host/obj/$(CACHE_DIR)/%.o: EXTRA_CFLAGS_host += -I$(UNIT_DIR) -Iarch/arm64
$(BUILD)/host/test/cache/%: $(BUILD)/host/obj/$(CACHE_DIR)/%.o $(CACHE_OBJS) $(BOOTSIM_OBJ) \
		$(BUILD)/host/obj/arch/arm64/pgtable.o $(UNIT_SUPPORT_OBJS) $(HOST_LIBS)
	@mkdir -p $(@D)
	$(CC_host) $(CFLAGS_host) -o $@ $^ -lcmocka

UNIT_TESTS += $(CACHE_TESTS)
unit-check: $(CACHE_TESTS)

.PHONY: cache-check
cache-check: $(CACHE_TESTS)
	@fail=0; for t in $(CACHE_TESTS); do \
		echo "== $$t"; $$t || fail=1; \
	done; exit $$fail

# The known-wrong stage test/py-free/stage/e2e-dma.sh boots as well: its own
# defconfig, built by a sub-make once the target libraries exist (so the two
# makes never write the same archives).
DMA_SHORT_CONFIG := qemu_virt_arm64_dma_short_count
DMA_SHORT_BIN := $(BUILD)/$(DMA_SHORT_CONFIG)/khofw.bin
$(DMA_SHORT_BIN): $(addprefix $(BUILD)/aarch64/,libboot.a libkho.a libfdt.a libc.a) FORCE
	@$(MAKE) --no-print-directory STAGE_CONFIG=$(DMA_SHORT_CONFIG) stage
stage-e2e-check: $(DMA_SHORT_BIN)

# khofw_dma.ko, the test bed kernel's consumer (test/py-free/linux), on its own.
.PHONY: linux-module
linux-module: linux
	@BUILD=$(BUILD) test/py-free/linux/build.sh "$$(scripts/testbed/build-linux.sh)"

# mkdma: handovers with DMA allocations (and known faults) for khotool dma's tests.
MKDMA := $(BUILD)/host/test/mkdma
$(MKDMA): $(BUILD)/host/obj/test/py-free/tool/mkdma.o $(HOST_LIBS)
	@mkdir -p $(@D)
	$(CC_host) $(CFLAGS_host) -o $@ $^
tool-check: $(MKDMA)
