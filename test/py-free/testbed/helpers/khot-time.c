/*
 * khot-time: print the guest's generic-timer counter as seconds since the
 * machine started ("khot-time: LABEL 12.345678"). The counter runs on across
 * kexec and firmware, unlike each kernel's own clock, so two readings in two
 * kernels give the time from one to the other.
 *
 *   khot-time LABEL
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>

int main(int argc, char **argv)
{
	uint64_t cnt, freq;

	__asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(cnt));
	__asm__ volatile("mrs %0, cntfrq_el0" : "=r"(freq));
	if (argc != 2 || !freq) {
		fprintf(stderr, "usage: khot-time LABEL\n");
		return 2;
	}
	printf("khot-time: %s %" PRIu64 ".%06" PRIu64 "\n", argv[1], cnt / freq,
	       (cnt % freq) * 1000000 / freq);
	return 0;
}
