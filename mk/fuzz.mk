# Hostile input: a libFuzzer harness per parser of handover data (clang, ASan and
# UBSan), the catalogue of malformed handovers, and the unit tests under sanitizers.
#
#   fuzz-check       each harness for FUZZ_CHECK_TIME seconds from the committed seeds
#   fuzz             each harness for FUZZ_TIME seconds, FUZZ_JOBS jobs in parallel
#   fuzz-seeds       regenerate the committed seeds in $(FUZZ_DIR)/seeds/
#   fuzz-coverage    line and branch coverage of the parsers by the corpora
#   hostile-check    the catalogue ($(HOSTILE_DIR)), one case per class
#   unit-asan-check  every unit test and the catalogue under ASan and UBSan
#
# Corpora the runs grow stay in $(BUILD)/fuzz/corpus/<harness>/ (the repository keeps
# only the seeds); crashes and their inputs go to $(BUILD)/fuzz/artifacts/<harness>/.
# Reproduce one with: $(BUILD)/fuzz/bin/fuzz_<harness> <input>

FUZZ_DIR := test/py-free/fuzz
HOSTILE_DIR := test/py-free/hostile
FUZZ_CHECK_TIME ?= 30
FUZZ_TIME ?= 3600
# Parallel libFuzzer jobs per harness for `make fuzz` (-jobs, -workers): two cores.
FUZZ_JOBS ?= 2

# One harness per parser of untrusted input, fuzz_<name>.c each: the consumer as
# a whole, the two map readers, the OS DT readers, and lib/boot's readers: the
# container (payload) and the khofw DMA sub-blob (khofw_dma). A new parser gets
# its fuzz_<name>.c, seeds from mkseeds.c and its name here.
FUZZ_HARNESSES := consume v1_walk radix_walk resmem payload khofw_dma

# Sanitizers stop at the first report. clang builds the fuzzers, with libkho, libfdt
# and lib/boot/payload.c instrumented for coverage; the sanitized unit tests use
# CC_asan (clang by default; gcc works as well).
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
SAN_ENV := ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

CC_fuzz ?= clang
CFLAGS_fuzz ?= -O1 -g -fsanitize=fuzzer-no-link $(SAN_FLAGS)
AR_fuzz ?= ar
CC_asan ?= clang
CFLAGS_asan ?= -O1 -g $(SAN_FLAGS)
$(eval $(call target_rules,fuzz))

FUZZ_LIBS := $(BUILD)/fuzz/libkho.a $(BUILD)/fuzz/libfdt.a
FUZZ_BINS := $(addprefix $(BUILD)/fuzz/bin/fuzz_,$(FUZZ_HARNESSES))

$(BUILD)/fuzz/bin/fuzz_%: $(BUILD)/fuzz/obj/$(FUZZ_DIR)/fuzz_%.o \
		$(BUILD)/fuzz/obj/$(FUZZ_DIR)/fuzz.o $(FUZZ_LIBS)
	@mkdir -p $(@D)
	$(CC_fuzz) -fsanitize=fuzzer $(SAN_FLAGS) -o $@ $(filter %.o,$^) \
		-Wl,--start-group $(filter %.a,$^) -Wl,--end-group

# From lib/boot only the container's parsers (and zImage headers), the khofw
# sub-blob's reader with what dma.c links, and boot_take_handover() with its
# checks of forwarded DMA blobs: the rest reads no untrusted input.
FUZZ_PAYLOAD_SRCS := lib/boot/payload.c $(wildcard lib/boot/zimage.c)
$(BUILD)/fuzz/bin/fuzz_payload: $(patsubst %.c,$(BUILD)/fuzz/obj/%.o,$(FUZZ_PAYLOAD_SRCS))
$(BUILD)/fuzz/bin/fuzz_khofw_dma: $(BUILD)/fuzz/libboot.a
$(BUILD)/fuzz/bin/fuzz_consume: $(BUILD)/fuzz/libboot.a

.PHONY: fuzz-check fuzz fuzz-bins fuzz-seeds hostile-check unit-asan-check
fuzz-bins: $(FUZZ_BINS)

fuzz-check: $(FUZZ_BINS)
	@for h in $(FUZZ_HARNESSES); do \
		BUILD=$(BUILD) sh $(FUZZ_DIR)/run.sh $$h $(FUZZ_CHECK_TIME) 1 || exit 1; \
	done

fuzz: $(FUZZ_BINS)
	@for h in $(FUZZ_HARNESSES); do \
		BUILD=$(BUILD) sh $(FUZZ_DIR)/run.sh $$h $(FUZZ_TIME) $(FUZZ_JOBS) || exit 1; \
	done

# Seeds: handovers made with kho_out_* for every ABI, small maps, OS DTs, payload
# containers, and the captured Linux 7.3 vector moved into the fuzzers' RAM window.
MKSEEDS := $(BUILD)/host/test/mkseeds
FUZZ_VECTOR := test/py-free/vectors/linux-7.3-arm64
$(MKSEEDS): $(BUILD)/host/obj/$(FUZZ_DIR)/mkseeds.o \
		$(BUILD)/host/obj/tools/mkpayload/container.o $(HOST_LIBS)
	@mkdir -p $(@D)
	$(CC_host) $(CFLAGS_host) -o $@ $^

fuzz-seeds: $(MKSEEDS)
	@rm -rf $(BUILD)/fuzz/vector && mkdir -p $(BUILD)/fuzz/vector
	@for f in $(FUZZ_VECTOR)/dtb.xz $(FUZZ_VECTOR)/ram@*.xz; do \
		xz -dc $$f > $(BUILD)/fuzz/vector/$$(basename $$f .xz) || exit 1; \
	done
	rm -rf $(FUZZ_DIR)/seeds
	$(MKSEEDS) $(FUZZ_DIR)/seeds $(BUILD)/fuzz/vector
	@du -sh $(FUZZ_DIR)/seeds

# The catalogue links the unit tests' simulated RAM (sim.c).
HOSTILE_SRCS := $(sort $(wildcard $(HOSTILE_DIR)/test_*.c))
HOSTILE_HOST := $(patsubst $(HOSTILE_DIR)/%.c,$(BUILD)/host/hostile/%,$(HOSTILE_SRCS))

$(BUILD)/host/hostile/%: $(BUILD)/host/obj/$(HOSTILE_DIR)/%.o \
		$(BUILD)/host/obj/$(UNIT_DIR)/sim.o $(HOST_LIBS)
	@mkdir -p $(@D)
	$(CC_host) $(CFLAGS_host) -o $@ $^ -lcmocka

hostile-check: $(HOSTILE_HOST)
	@fail=0; for t in $^; do \
		echo "== $$t"; $(SAN_ENV) $$t || fail=1; \
	done; exit $$fail

# Every unit test and the catalogue again, in a build of their own where the host
# compiler is CC_asan with the sanitizers: the rules of test.mk (and any per-test
# flags other fragments add for $(BUILD)/host/...) apply unchanged.
SAN_BUILD := $(BUILD)/san
unit-asan-check:
	@$(SAN_ENV) $(MAKE) --no-print-directory BUILD=$(SAN_BUILD) CC_host=$(CC_asan) \
		CFLAGS_host='$(CFLAGS_asan)' unit-check hostile-check

# Source coverage the corpora reach (fuzz-coverage): the harnesses again with
# clang's coverage mapping instead of sanitizers, every corpus input run once,
# and llvm-cov's per-file report of the parsers in $(BUILD)/fuzzcov/report.txt.
FUZZ_CORPUS ?= $(BUILD)/fuzz/corpus
CC_fuzzcov ?= clang
CFLAGS_fuzzcov ?= -O1 -g -fprofile-instr-generate -fcoverage-mapping
AR_fuzzcov ?= ar
$(eval $(call target_rules,fuzzcov))
FUZZCOV_BINS := $(addprefix $(BUILD)/fuzzcov/bin/fuzz_,$(FUZZ_HARNESSES))

$(BUILD)/fuzzcov/bin/fuzz_%: $(BUILD)/fuzzcov/obj/$(FUZZ_DIR)/fuzz_%.o \
		$(BUILD)/fuzzcov/obj/$(FUZZ_DIR)/fuzz.o $(BUILD)/fuzzcov/libkho.a \
		$(BUILD)/fuzzcov/libfdt.a
	@mkdir -p $(@D)
	$(CC_fuzzcov) -fsanitize=fuzzer -fprofile-instr-generate -o $@ $(filter %.o,$^) \
		-Wl,--start-group $(filter %.a,$^) -Wl,--end-group
$(BUILD)/fuzzcov/bin/fuzz_payload: $(patsubst %.c,$(BUILD)/fuzzcov/obj/%.o,$(FUZZ_PAYLOAD_SRCS))
$(BUILD)/fuzzcov/bin/fuzz_khofw_dma: $(BUILD)/fuzzcov/libboot.a
$(BUILD)/fuzzcov/bin/fuzz_consume: $(BUILD)/fuzzcov/libboot.a

.PHONY: fuzz-coverage
fuzz-coverage: $(FUZZCOV_BINS)
	@rm -f $(BUILD)/fuzzcov/*.profraw
	@for h in $(FUZZ_HARNESSES); do \
		c=$(FUZZ_CORPUS)/$$h; [ -d $$c ] || c=; \
		LLVM_PROFILE_FILE=$(BUILD)/fuzzcov/$$h.profraw $(BUILD)/fuzzcov/bin/fuzz_$$h \
			-runs=0 $$c $(FUZZ_DIR)/seeds/$$h \
			>/dev/null 2>&1 || exit 1; \
	done
	@llvm-profdata merge -o $(BUILD)/fuzzcov/all.profdata $(BUILD)/fuzzcov/*.profraw
	@llvm-cov report -instr-profile=$(BUILD)/fuzzcov/all.profdata \
		$(firstword $(FUZZCOV_BINS)) $(addprefix -object ,$(wordlist 2,99,$(FUZZCOV_BINS))) \
		$(KHO_SRCS) $(FUZZ_PAYLOAD_SRCS) lib/boot/dma.c | tee $(BUILD)/fuzzcov/report.txt
