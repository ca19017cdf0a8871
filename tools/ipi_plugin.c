// SPDX-License-Identifier: GPL-2.0
/*
 * ipi_plugin: a QEMU TCG plugin that counts the kernel instructions of
 * entry_bench's membarrier case, which needs two vCPUs and so cannot run
 * under -icount (see scripts/bench.sh): the caller's system call on one
 * vCPU, the IPI it sends on the other.
 *
 * Without -icount the vCPUs run on the host's clock, and what each one
 * executes in a batch depends on it: the caller spins until the other CPU
 * has answered, and timer interrupts come per host millisecond. So this
 * counts per excursion into the kernel instead: on each vCPU, from the
 * first kernel instruction after user mode to the next user instruction,
 * leaving out the spin-wait loops (csd_lock_wait()'s among them): QEMU
 * ends a translation block at a PAUSE, so a loop is the PAUSE's block
 * and the block that starts after it, and both are left out. An
 * excursion that a timer interrupt joined, or that found
 * more work to do, is longer; the plain membarrier call (vCPU 0) and the
 * plain IPI (vCPU 1) are the most frequent length, which is what is
 * reported, with how many of the excursions had it.
 *
 * Windows and reports come from the same marker NOPs as serial_plugin.c
 * (66 0F 1F 84 00 <disp32>; 0x5e710001 begin, 0x5e710002 end, 0x5e710003
 * report). A report is one line in QEMU's log (-d plugin -D FILE):
 *
 *   ipi <seq> v0=<length>:<count>/<excursions> v1=...
 *
 * one field per vCPU, <length> the most frequent excursion length, 0 if
 * the vCPU made no excursion in the windows. entry_bench prints "serial
 * membarrier <round trips>" for each report, in the same order.
 *
 * Built by scripts/bench.sh against build/qemu/src's qemu-plugin.h and
 * loaded by make bench's two-vCPU boots. The vCPU threads run at once
 * (MTTCG): each keeps its own excursion state; the histograms, which the
 * report reads from another vCPU's thread, are under a lock.
 */
#include <glib.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <qemu-plugin.h>

#include "bench_plugin.h"

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

#define MAX_VCPUS	8

/* What a translation block's exec callback knows about it */
struct tb_info {
	unsigned int insns;	/* counted: 0 for a spin-wait block */
	bool kernel;
};

struct vcpu_state {
	bool in_kernel;
	bool valid;		/* the excursion began in a window */
	uint64_t len;		/* its counted instructions so far */
	GHashTable *hist;	/* length -> excursions, under lock */
	uint64_t excursions;	/* under lock */
};

static struct vcpu_state vcpus[MAX_VCPUS];
static int nr_vcpus;
static volatile bool window_open;
static unsigned long reports;
static GMutex lock;
/* Kernel addresses right after a PAUSE: a spin loop's test starts there */
static GHashTable *after_pause;
static GMutex trans_lock;

static bool is_pause(const uint8_t *p, size_t len)
{
	return len == 2 && p[0] == 0xf3 && p[1] == 0x90;
}

static void record(struct vcpu_state *v, uint64_t len)
{
	gpointer key = GSIZE_TO_POINTER(len);
	gsize n;

	g_mutex_lock(&lock);
	n = GPOINTER_TO_SIZE(g_hash_table_lookup(v->hist, key));
	g_hash_table_insert(v->hist, key, GSIZE_TO_POINTER(n + 1));
	v->excursions++;
	g_mutex_unlock(&lock);
}

static void on_tb_exec(unsigned int vcpu_index, void *udata)
{
	const struct tb_info *tb = udata;
	struct vcpu_state *v;

	if (vcpu_index >= MAX_VCPUS)
		return;
	v = &vcpus[vcpu_index];
	if (tb->kernel) {
		if (!v->in_kernel) {
			v->in_kernel = true;
			v->valid = window_open;
			v->len = 0;
		}
		v->len += tb->insns;
	} else if (v->in_kernel) {
		v->in_kernel = false;
		if (v->valid && window_open)
			record(v, v->len);
	}
}

static void report(void)
{
	GString *s = g_string_new(NULL);
	int i;

	g_mutex_lock(&lock);
	g_string_append_printf(s, "ipi %lu", reports++);
	for (i = 0; i < nr_vcpus; i++) {
		struct vcpu_state *v = &vcpus[i];
		GHashTableIter it;
		gpointer key, val;
		gsize best = 0, best_n = 0;

		g_hash_table_iter_init(&it, v->hist);
		while (g_hash_table_iter_next(&it, &key, &val)) {
			gsize len = GPOINTER_TO_SIZE(key), n = GPOINTER_TO_SIZE(val);

			if (n > best_n || (n == best_n && len < best)) {
				best = len;
				best_n = n;
			}
		}
		g_string_append_printf(s, " v%d=%zu:%zu/%" PRIu64, i, (size_t)best,
				       (size_t)best_n, v->excursions);
		g_hash_table_remove_all(v->hist);
		v->excursions = 0;
	}
	g_mutex_unlock(&lock);
	g_string_append_c(s, '\n');
	qemu_plugin_outs(s->str);
	g_string_free(s, true);
}

static void window_begin(void)
{
	window_open = true;
}

static void window_end(void)
{
	window_open = false;
}

static void on_tb_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	size_t n = qemu_plugin_tb_n_insns(tb), i;
	struct tb_info *info = g_new0(struct tb_info, 1);
	uint64_t va = qemu_plugin_tb_vaddr(tb);
	bool spin = false;

	info->kernel = kernel_address(va);
	if (info->kernel) {
		g_mutex_lock(&trans_lock);
		spin = g_hash_table_contains(after_pause, (gconstpointer)(uintptr_t)va);
		g_mutex_unlock(&trans_lock);
	}
	for (i = 0; i < n; i++) {
		struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
		const uint8_t *p = qemu_plugin_insn_data(insn);
		size_t len = qemu_plugin_insn_size(insn);
		uint32_t d;

		if (info->kernel) {
			if (is_pause(p, len)) {
				uint64_t next = qemu_plugin_insn_vaddr(insn) + len;

				spin = true;
				g_mutex_lock(&trans_lock);
				g_hash_table_add(after_pause, (gpointer)(uintptr_t)next);
				g_mutex_unlock(&trans_lock);
			}
			continue;
		}
		d = marker(p, len);
		if (d)
			qemu_plugin_register_vcpu_insn_exec_cb(insn, on_marker,
				QEMU_PLUGIN_CB_NO_REGS, (void *)(uintptr_t)d);
	}
	info->insns = spin ? 0 : n;
	qemu_plugin_register_vcpu_tb_exec_cb(tb, on_tb_exec,
					     QEMU_PLUGIN_CB_NO_REGS, info);
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id,
					   const qemu_info_t *info,
					   int argc, char **argv)
{
	int i;

	nr_vcpus = info->system_emulation ? info->system.max_vcpus : 1;
	if (nr_vcpus > MAX_VCPUS) {
		fprintf(stderr, "ipi_plugin: at most %d vCPUs\n", MAX_VCPUS);
		return -1;
	}
	for (i = 0; i < nr_vcpus; i++)
		vcpus[i].hist = g_hash_table_new(g_direct_hash, g_direct_equal);
	g_mutex_init(&lock);
	g_mutex_init(&trans_lock);
	after_pause = g_hash_table_new(g_direct_hash, g_direct_equal);
	qemu_plugin_register_vcpu_tb_trans_cb(id, on_tb_trans);
	return 0;
}
