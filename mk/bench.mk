# make bench: host benchmark of the preserved-memory map (decode, encode, queries).
# BENCH_REPS: runs per measurement, the best is kept.
BENCH_REPS ?= 7
BENCH_CFLAGS := -O2 -g -falign-loops=64

$(BUILD)/host/bench/map_bench: bench/map_bench.c $(HOST_LIBS)
	@mkdir -p $(@D)
	$(CC_host) $(COMMON_CFLAGS) $(WARN) $(BENCH_CFLAGS) -o $@ $^

.PHONY: bench
bench: $(BUILD)/host/bench/map_bench
	$< $(BENCH_REPS)
