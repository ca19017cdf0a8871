/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What make bench's QEMU plugins (serial_plugin.c, ipi_plugin.c) share:
 * the marker NOPs tools/entry_bench.c puts around its timed batches, what
 * a marker does, and where kernel text is.
 *
 * The markers are 9-byte NOPs, 66 0F 1F 84 00 <disp32>, the same bytes in
 * 32- and 64-bit code, told apart by disp32.
 */
#ifndef BENCH_PLUGIN_H
#define BENCH_PLUGIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define MARK_BEGIN	0x5e710001u	/* begin a window */
#define MARK_END	0x5e710002u	/* end it */
#define MARK_REPORT	0x5e710003u	/* report what the windows saw */

/* Kernel text: the upper half of the canonical address space. */
static inline bool kernel_address(uint64_t va)
{
	return va >= 0xffff800000000000ull;
}

/* The marker's disp32, or 0 if the instruction is not a marker. */
static inline uint32_t marker(const uint8_t *p, size_t len)
{
	static const uint8_t head[] = { 0x66, 0x0f, 0x1f, 0x84, 0x00 };
	uint32_t d;

	if (len != 9 || memcmp(p, head, sizeof(head)))
		return 0;
	d = p[5] | p[6] << 8 | p[7] << 16 | (uint32_t)p[8] << 24;
	return d >= MARK_BEGIN && d <= MARK_REPORT ? d : 0;
}

/*
 * What a marker does. Each plugin defines the three; on_marker() is the
 * callback it registers on the marker instructions, with the marker's
 * disp32 as its data.
 */
static void window_begin(void);
static void window_end(void);
static void report(void);

static inline void on_marker(unsigned int vcpu_index, void *udata)
{
	switch ((uint32_t)(uintptr_t)udata) {
	case MARK_BEGIN:
		window_begin();
		break;
	case MARK_END:
		window_end();
		break;
	case MARK_REPORT:
		report();
		break;
	}
}

#endif /* BENCH_PLUGIN_H */
