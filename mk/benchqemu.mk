# make bench-qemu: the AArch64 stage's hand-over cost in QEMU 10, counted by a TCG
# plugin (bench/qemu/handover.sh): instructions from the stage's entry to the
# kernel's, and the bytes stored, by destination. make bench runs it too.
BQ_DIR := $(BUILD)/host/bench

$(BQ_DIR)/handover_count.so: bench/qemu/handover_count.c
	@mkdir -p $(@D)
	$(CC_host) -std=gnu11 $(WARN) -O2 -shared -fPIC -fvisibility=hidden -o $@ $<

$(BQ_DIR)/park.bin: bench/qemu/park.S
	@mkdir -p $(@D)
	aarch64-linux-gnu-gcc -c $< -o $(BQ_DIR)/park.o
	aarch64-linux-gnu-objcopy -O binary $(BQ_DIR)/park.o $@

.PHONY: bench-qemu
# The production stage (test hooks off), when STAGE_CONFIG has one, is measured
# too: a make of its own, as this make describes one STAGE_CONFIG.
BQ_PROD_CONFIG := $(patsubst configs/%_defconfig,%,\
	$(wildcard configs/$(STAGE_CONFIG)_nohooks_defconfig))
bench-qemu: $(ST_DIR)/khofw.bin $(BQ_DIR)/handover_count.so $(BQ_DIR)/park.bin \
		$(BUILD)/host/mkpayload $(MKHANDOVER) | $(DEPS_STAMP)
	$(if $(BQ_PROD_CONFIG),@$(MAKE) --no-print-directory STAGE_CONFIG=$(BQ_PROD_CONFIG) stage)
	BUILD=$(BUILD) STAGE_CONFIG=$(STAGE_CONFIG) PROD_CONFIG=$(BQ_PROD_CONFIG) \
		sh bench/qemu/handover.sh

bench: bench-qemu
