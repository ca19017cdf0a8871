// SPDX-License-Identifier: GPL-2.0
/*
 * serial_plugin: a QEMU TCG plugin that counts, per kind, the costly
 * instructions the guest kernel executes between two markers that
 * tools/entry_bench.c puts around its timed batches.
 *
 * Instruction counts treat every instruction alike; hardware does not. An
 * IRET, a WRMSR or a MOV to CR3 serializes the pipeline, SWAPGS, SYSRET,
 * VERW or an FRED return are microcoded and cost tens to hundreds of
 * cycles. Counted here, by opcode, at kernel addresses only (user mode
 * runs none of them on the benchmarked paths):
 *
 *   serializing (SDM vol. 3, 10.3): IRET, WRMSR, MOV to CR0/CR3/CR4,
 *     MOV to DR, CPUID, INVLPG, INVPCID, LGDT, LIDT, LLDT, LTR, WBINVD,
 *     SERIALIZE
 *   other costly ones: SYSRET, SYSEXIT, SWAPGS, ERETU, ERETS, LKGS, WRMSRNS,
 *     RDMSR, MOV to CR8, LFENCE, MFENCE, VERW, XSETBV
 *
 * The markers are 9-byte NOPs, 66 0F 1F 84 00 <disp32>, the same bytes in
 * 32- and 64-bit code, told apart by disp32:
 *   0x5e710001  begin a window
 *   0x5e710002  end it: add what ran since the begin to the running sums
 *   0x5e710003  report the sums and clear them
 * A report is one line in QEMU's log (-d plugin -D FILE):
 *
 *   serial <seq> <kind>=<count> ... (every kind, 0 included)
 *
 * entry_bench prints "serial <case> <round trips>" for each report, in the
 * same order; scripts/bench-report.py divides.
 *
 * Built by scripts/bench.sh against build/qemu/src's qemu-plugin.h, loaded
 * only by make bench's one-vCPU boots under -icount (one vCPU: the counters
 * are plain, as are QEMU's inline adds).
 */
#include <glib.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <qemu-plugin.h>

#include "bench_plugin.h"

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

enum kind {
	/* serializing */
	K_IRET, K_WRMSR, K_MOV_CR0, K_MOV_CR3, K_MOV_CR4, K_MOV_DR, K_CPUID,
	K_INVLPG, K_INVPCID, K_LDESC, K_WBINVD, K_SERIALIZE,
	/* other costly ones */
	K_SYSRET, K_SYSEXIT, K_SWAPGS, K_ERETU, K_ERETS, K_LKGS, K_WRMSRNS,
	K_RDMSR, K_MOV_CR8, K_LFENCE, K_MFENCE, K_VERW, K_XSETBV,
	NR_KINDS,
	K_NONE = -1,
};

#define FIRST_OTHER	K_SYSRET

static const char *const names[NR_KINDS] = {
	"iret", "wrmsr", "mov_cr0", "mov_cr3", "mov_cr4", "mov_dr", "cpuid",
	"invlpg", "invpcid", "lgdt_lidt_lldt_ltr", "wbinvd", "serialize",
	"sysret", "sysexit", "swapgs", "eretu", "erets", "lkgs", "wrmsrns",
	"rdmsr", "mov_cr8", "lfence", "mfence", "verw", "xsetbv",
};

static uint64_t count[NR_KINDS];	/* since boot */
static uint64_t start[NR_KINDS];	/* at the window's begin */
static uint64_t sum[NR_KINDS];		/* over the closed windows */
static unsigned long reports;

/*
 * The kind of the 64-bit instruction at p (len bytes), or K_NONE. Only the
 * prefixes the kernel puts on these instructions are skipped.
 */
static int classify(const uint8_t *p, size_t len)
{
	bool rex_r = false, f2 = false, f3 = false, p66 = false;
	size_t i = 0;
	uint8_t op, modrm = 0, reg, mod;

	for (; i < len; i++) {
		uint8_t b = p[i];

		if (b == 0xf2)
			f2 = true;
		else if (b == 0xf3)
			f3 = true;
		else if (b == 0x66)
			p66 = true;
		else if (b == 0x2e || b == 0x3e || b == 0x26 || b == 0x36 ||
			 b == 0x64 || b == 0x65 || b == 0x67 || b == 0xf0)
			;
		else
			break;
	}
	if (i < len && (p[i] & 0xf0) == 0x40) {
		rex_r = p[i] & 0x04;
		i++;
	}
	if (i >= len)
		return K_NONE;
	if (p[i] == 0xcf)
		return K_IRET;
	if (p[i] != 0x0f || i + 1 >= len)
		return K_NONE;
	op = p[i + 1];
	if (i + 2 < len)
		modrm = p[i + 2];
	reg = (modrm >> 3) & 7;
	mod = modrm >> 6;

	switch (op) {
	case 0x07:
		return K_SYSRET;
	case 0x35:
		return K_SYSEXIT;
	case 0x30:
		return K_WRMSR;
	case 0x32:
		return K_RDMSR;
	case 0xa2:
		return K_CPUID;
	case 0x09:
		return K_WBINVD;
	case 0x23:
		return K_MOV_DR;
	case 0x22:
		if (rex_r)
			return reg == 0 ? K_MOV_CR8 : K_NONE;
		return reg == 0 ? K_MOV_CR0 : reg == 3 ? K_MOV_CR3 :
		       reg == 4 ? K_MOV_CR4 : K_NONE;
	case 0x00:
		if (i + 2 >= len)
			return K_NONE;
		if (reg == 5)
			return K_VERW;
		if (reg == 6 && f2)
			return K_LKGS;
		if (reg == 2 || reg == 3)
			return K_LDESC;	/* LLDT, LTR */
		return K_NONE;
	case 0x01:
		if (i + 2 >= len)
			return K_NONE;
		switch (modrm) {
		case 0xf8:
			return K_SWAPGS;
		case 0xc6:
			return K_WRMSRNS;
		case 0xd1:
			return K_XSETBV;
		case 0xe8:
			return K_SERIALIZE;
		case 0xca:
			/* without F2/F3 this is CLAC */
			return f3 ? K_ERETU : f2 ? K_ERETS : K_NONE;
		}
		if (mod != 3 && (reg == 2 || reg == 3))
			return K_LDESC;	/* LGDT, LIDT */
		if (mod != 3 && reg == 7)
			return K_INVLPG;
		return K_NONE;
	case 0xae:
		if (modrm == 0xe8)
			return K_LFENCE;
		if (modrm == 0xf0)
			return K_MFENCE;
		return K_NONE;
	case 0x38:
		if (p66 && i + 2 < len && p[i + 2] == 0x82)
			return K_INVPCID;
		return K_NONE;
	}
	return K_NONE;
}

static void report(void)
{
	GString *s = g_string_new(NULL);
	int k;

	g_string_append_printf(s, "serial %lu", reports++);
	for (k = 0; k < NR_KINDS; k++)
		g_string_append_printf(s, " %s=%" PRIu64, names[k], sum[k]);
	g_string_append_c(s, '\n');
	qemu_plugin_outs(s->str);
	g_string_free(s, true);
	memset(sum, 0, sizeof(sum));
}

static void window_begin(void)
{
	memcpy(start, count, sizeof(start));
}

static void window_end(void)
{
	int k;

	for (k = 0; k < NR_KINDS; k++)
		sum[k] += count[k] - start[k];
}

static void on_tb_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	size_t n = qemu_plugin_tb_n_insns(tb), i;

	for (i = 0; i < n; i++) {
		struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
		const uint8_t *p = qemu_plugin_insn_data(insn);
		size_t len = qemu_plugin_insn_size(insn);
		uint32_t d;
		int k;

		if (!kernel_address(qemu_plugin_insn_vaddr(insn))) {
			d = marker(p, len);
			if (d)
				qemu_plugin_register_vcpu_insn_exec_cb(insn, on_marker,
					QEMU_PLUGIN_CB_NO_REGS, (void *)(uintptr_t)d);
			continue;
		}
		k = classify(p, len);
		if (k != K_NONE)
			qemu_plugin_register_vcpu_insn_exec_inline(insn,
				QEMU_PLUGIN_INLINE_ADD_U64, &count[k], 1);
	}
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id,
					   const qemu_info_t *info,
					   int argc, char **argv)
{
	GString *s = g_string_new("serial-kinds");
	int k;

	if (info->system_emulation && info->system.max_vcpus > 1) {
		fprintf(stderr, "serial_plugin: one vCPU only (plain counters)\n");
		return -1;
	}
	for (k = 0; k < NR_KINDS; k++)
		g_string_append_printf(s, " %s=%s", names[k],
				       k < FIRST_OTHER ? "serializing" : "costly");
	g_string_append_c(s, '\n');
	qemu_plugin_outs(s->str);
	g_string_free(s, true);
	qemu_plugin_register_vcpu_tb_trans_cb(id, on_tb_trans);
	return 0;
}
