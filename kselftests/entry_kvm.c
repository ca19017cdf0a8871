// SPDX-License-Identifier: GPL-2.0
/*
 * Interrupts and NMIs that end a KVM guest's run. A tiny real-mode guest
 * spins on one CPU, counting in ECX and leaving to user space with an OUT
 * every 2^18 rounds, while the host's timer interrupts and IPIs, NMI IPIs
 * from the nmi_ipi_test module (CONFIG_X86_NMI_IPI_TEST) and the NMIs of
 * "sysrq l" hit that CPU. Each of them ends the VM run (a VM exit) and
 * KVM delivers it to the host afterwards: through the host IDT, or under
 * FRED through the FRED entry code. The guest must go on undisturbed (its
 * registers intact at every exit), the host must handle every NMI, and
 * KVM's own counters must show the exits: irq_exits for interrupts, and
 * exits that are neither I/O nor interrupts for NMIs.
 *
 * Needs /dev/kvm (kvm_intel is loaded if it is not); skips where the CPU
 * has no VMX, as under QEMU TCG.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "../kselftest.h"
#include "entry_harness.h"

#define DBG		"/sys/kernel/debug/nmi_ipi_test"
#define CTL_CPU		0
#define GUEST_MEM	0x10000
#define GUEST_CODE	0x1000
#define GUEST_PORT	0x10
#define GUEST_OUT	(GUEST_CODE + 11)	/* the OUT in guest_code[] */
#define ROUNDS_SHIFT	18
#define NMI_IPIS	200

/*
 * The guest, 16-bit code at GUEST_CODE:
 *	1:	inc	%ecx
 *		test	$(1 << ROUNDS_SHIFT) - 1, %ecx
 *		jnz	1b
 *		out	%al, $GUEST_PORT
 *		jmp	1b
 */
static const unsigned char guest_code[] = {
	0x66, 0x41,
	0x66, 0xf7, 0xc1, 0xff, 0xff, 0x03, 0x00,
	0x75, 0xf5,
	0xe6, GUEST_PORT,
	0xeb, 0xf1,
};

/*
 * What the guest must keep: it never writes these registers. IF is set,
 * as in any running guest; KVM has VMX exit on every external interrupt
 * whatever the guest's IF, but an emulated VMX (Bochs) may not, and no
 * interrupt is ever injected into this guest (it has no interrupt chip).
 */
static const struct kvm_regs guest_regs = {
	.rax = 0x6b617661, .rbx = 0x5a5a1234, .rdx = 0x0f0e0d0c,
	.rsi = 0x13572468, .rdi = 0x24681357, .rbp = 0x7e7e0101,
	.rip = GUEST_CODE, .rflags = 0x202,
};

static int kvm_fd, vm_fd, vcpu_fd, stats_fd;
static struct kvm_run *run;
static int vcpu_cpu;

/* Written by the vCPU thread, read by the controller. */
static unsigned long io_exits_seen;
static int vcpu_stop, vcpu_failed;
static char vcpu_why[160];

struct kvm_counters {
	unsigned long long exits, io_exits, irq_exits;
};

struct stat_off {
	const char *name;
	size_t field;
	unsigned int off;	/* in the stats fd's data block; 0 = not found */
};

static struct stat_off stat_offs[] = {
	{ .name = "exits", .field = offsetof(struct kvm_counters, exits) },
	{ .name = "io_exits", .field = offsetof(struct kvm_counters, io_exits) },
	{ .name = "irq_exits", .field = offsetof(struct kvm_counters, irq_exits) },
};

/* Find the counters in the vCPU's binary stats (KVM_GET_STATS_FD). */
static bool stats_init(void)
{
	struct kvm_stats_header h;
	struct kvm_stats_desc *d;
	size_t dsize;
	char *descs;
	unsigned int i, j;

	stats_fd = ioctl(vcpu_fd, KVM_GET_STATS_FD, NULL);
	if (stats_fd < 0 || pread(stats_fd, &h, sizeof(h), 0) != sizeof(h))
		return false;
	dsize = sizeof(*d) + h.name_size;
	descs = malloc(dsize * h.num_desc);
	if (!descs || pread(stats_fd, descs, dsize * h.num_desc, h.desc_offset) !=
	    (ssize_t)(dsize * h.num_desc))
		return false;
	for (i = 0; i < h.num_desc; i++) {
		d = (struct kvm_stats_desc *)(descs + i * dsize);
		for (j = 0; j < ARRAY_SIZE(stat_offs); j++)
			if (!strcmp(d->name, stat_offs[j].name))
				stat_offs[j].off = h.data_offset + d->offset;
	}
	free(descs);
	for (j = 0; j < ARRAY_SIZE(stat_offs); j++)
		if (!stat_offs[j].off)
			return false;
	return true;
}

static void stats_read(struct kvm_counters *c)
{
	unsigned int j;
	__u64 v;

	memset(c, 0, sizeof(*c));
	for (j = 0; j < ARRAY_SIZE(stat_offs); j++) {
		if (pread(stats_fd, &v, sizeof(v), stat_offs[j].off) != sizeof(v))
			ksft_exit_fail_msg("reading KVM stat %s: %s\n", stat_offs[j].name,
					   strerror(errno));
		*(unsigned long long *)((char *)c + stat_offs[j].field) = v;
	}
}

static bool has_vmx(void)
{
	unsigned int a, b, c, d;

	return __get_cpuid(1, &a, &b, &c, &d) && (c & (1 << 5));
}

/*
 * Open /dev/kvm, loading kvm_intel first if need be. NULL, or why the
 * test cannot run: the hook under test is VMX's, so a CPU without VMX
 * (QEMU TCG, AMD) skips even where /dev/kvm exists.
 */
static const char *open_kvm(void)
{
	if (!has_vmx())
		return "the CPU has no VMX (QEMU TCG emulates none; AMD has SVM)";
	kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm_fd < 0 && errno == ENOENT) {
		if (system("modprobe kvm_intel 2>/dev/null"))
			ksft_print_msg("modprobe kvm_intel failed\n");
		kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	}
	if (kvm_fd < 0)
		return "no /dev/kvm, although the CPU has VMX (kvm_intel did not load?)";
	return NULL;
}

static void setup_vm(void)
{
	struct kvm_userspace_memory_region mem;
	struct kvm_sregs sregs;
	void *ram;
	int size;

	if (ioctl(kvm_fd, KVM_GET_API_VERSION, NULL) != KVM_API_VERSION)
		ksft_exit_fail_msg("KVM API version is not %d\n", KVM_API_VERSION);
	vm_fd = ioctl(kvm_fd, KVM_CREATE_VM, 0);
	if (vm_fd < 0)
		ksft_exit_fail_msg("KVM_CREATE_VM: %s\n", strerror(errno));
	ram = mmap(NULL, GUEST_MEM, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (ram == MAP_FAILED)
		ksft_exit_fail_msg("mmap: %s\n", strerror(errno));
	memcpy((char *)ram + GUEST_CODE, guest_code, sizeof(guest_code));
	mem = (struct kvm_userspace_memory_region) {
		.slot = 0,
		.guest_phys_addr = 0,
		.memory_size = GUEST_MEM,
		.userspace_addr = (unsigned long)ram,
	};
	if (ioctl(vm_fd, KVM_SET_USER_MEMORY_REGION, &mem))
		ksft_exit_fail_msg("KVM_SET_USER_MEMORY_REGION: %s\n", strerror(errno));

	vcpu_fd = ioctl(vm_fd, KVM_CREATE_VCPU, 0);
	if (vcpu_fd < 0)
		ksft_exit_fail_msg("KVM_CREATE_VCPU: %s\n", strerror(errno));
	size = ioctl(kvm_fd, KVM_GET_VCPU_MMAP_SIZE, NULL);
	run = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu_fd, 0);
	if (size <= 0 || run == MAP_FAILED)
		ksft_exit_fail_msg("mapping kvm_run: %s\n", strerror(errno));

	/* Real mode, CS base 0: the guest code runs at 0:GUEST_CODE. */
	if (ioctl(vcpu_fd, KVM_GET_SREGS, &sregs))
		ksft_exit_fail_msg("KVM_GET_SREGS: %s\n", strerror(errno));
	sregs.cs.base = 0;
	sregs.cs.selector = 0;
	if (ioctl(vcpu_fd, KVM_SET_SREGS, &sregs))
		ksft_exit_fail_msg("KVM_SET_SREGS: %s\n", strerror(errno));
	if (ioctl(vcpu_fd, KVM_SET_REGS, &guest_regs))
		ksft_exit_fail_msg("KVM_SET_REGS: %s\n", strerror(errno));
	if (!stats_init())
		ksft_exit_fail_msg("no exits/io_exits/irq_exits in the vCPU's KVM stats\n");
}

/* Record why the vCPU thread stops; evaluates to its return value. */
#define vcpu_fail(...)							\
	({								\
		snprintf(vcpu_why, sizeof(vcpu_why), __VA_ARGS__);	\
		__atomic_store_n(&vcpu_failed, 1, __ATOMIC_RELEASE);	\
		NULL;							\
	})

/* Run the guest until told to stop; check it at every exit. */
static void *vcpu_thread(void *arg)
{
	struct kvm_regs regs, want = guest_regs;
	unsigned int last = 0;

	(void)arg;
	pin_to_cpu(vcpu_cpu);
	while (!__atomic_load_n(&vcpu_stop, __ATOMIC_ACQUIRE)) {
		if (ioctl(vcpu_fd, KVM_RUN, NULL)) {
			if (errno == EINTR)
				continue;
			return vcpu_fail("KVM_RUN: %s", strerror(errno));
		}
		if (run->exit_reason == KVM_EXIT_FAIL_ENTRY)
			return vcpu_fail("VM entry failed, reason %#llx", (unsigned long long)
					 run->fail_entry.hardware_entry_failure_reason);
		if (run->exit_reason != KVM_EXIT_IO)
			return vcpu_fail("the guest left with exit reason %u, not by its OUT",
					 run->exit_reason);
		if (run->io.port != GUEST_PORT || run->io.direction != KVM_EXIT_IO_OUT)
			return vcpu_fail("unexpected I/O exit: port %#x, direction %u",
					 run->io.port, run->io.direction);
		if (ioctl(vcpu_fd, KVM_GET_REGS, &regs))
			return vcpu_fail("KVM_GET_REGS: %s", strerror(errno));
		/* ECX counts, the flags follow it; nothing else may change. */
		want.rcx = regs.rcx;
		want.rip = regs.rip;
		want.rflags = regs.rflags;
		if (memcmp(&regs, &want, sizeof(regs)))
			return vcpu_fail("guest registers changed: rbx %#llx, rsi %#llx",
					 (unsigned long long)regs.rbx,
					 (unsigned long long)regs.rsi);
		/*
		 * One OUT every 2^ROUNDS_SHIFT rounds, none lost or repeated.
		 * KVM finishes the OUT on the next KVM_RUN: RIP is still on it.
		 */
		if (regs.rip != GUEST_OUT ||
		    (unsigned int)regs.rcx - last != 1U << ROUNDS_SHIFT)
			return vcpu_fail("guest off its loop: rip %#llx, ecx %#x after %#x",
					 (unsigned long long)regs.rip,
					 (unsigned int)regs.rcx, last);
		last = regs.rcx;
		__atomic_add_fetch(&io_exits_seen, 1, __ATOMIC_RELEASE);
	}
	return NULL;
}

static bool wait_exits(unsigned long n, int seconds)
{
	struct timespec ts = { 0, 10 * 1000 * 1000 };
	int i;

	for (i = 0; i < seconds * 100; i++) {
		if (__atomic_load_n(&vcpu_failed, __ATOMIC_ACQUIRE))
			return false;
		if (__atomic_load_n(&io_exits_seen, __ATOMIC_ACQUIRE) >= n)
			return true;
		nanosleep(&ts, NULL);
	}
	return false;
}

/* What one stretch of guest time saw. */
struct window {
	struct kvm_counters k0, k1;
	unsigned long nmi0, nmi1, loc0, loc1, io0, io1;
};

static void window_start(struct window *w)
{
	w->io0 = __atomic_load_n(&io_exits_seen, __ATOMIC_ACQUIRE);
	w->nmi0 = irq_count("NMI", vcpu_cpu);
	w->loc0 = irq_count("LOC", vcpu_cpu);
	stats_read(&w->k0);
}

/* Ends the window after the guest has left once more, with fresh counters. */
static bool window_end(struct window *w)
{
	bool ok = wait_exits(__atomic_load_n(&io_exits_seen, __ATOMIC_ACQUIRE) + 1, 60);

	stats_read(&w->k1);
	w->nmi1 = irq_count("NMI", vcpu_cpu);
	w->loc1 = irq_count("LOC", vcpu_cpu);
	w->io1 = __atomic_load_n(&io_exits_seen, __ATOMIC_ACQUIRE);
	return ok;
}

static unsigned long long irq_exits(const struct window *w)
{
	return w->k1.irq_exits - w->k0.irq_exits;
}

/* VM exits neither for the guest's OUT nor for an interrupt: NMIs here */
static unsigned long long other_exits(const struct window *w)
{
	return (w->k1.exits - w->k0.exits) - (w->k1.io_exits - w->k0.io_exits) - irq_exits(w);
}

static void test_interrupts(void)
{
	struct window w;

	window_start(&w);
	sleep(1);
	if (!window_end(&w)) {
		ksft_test_result_fail("host interrupts: %s\n", vcpu_failed ? vcpu_why :
				      "the guest stopped leaving");
		return;
	}
	ksft_print_msg("1 s: %lu OUTs; VM exits %llu, IRQ %llu, other %llu; LOC +%lu\n",
		       w.io1 - w.io0, w.k1.exits - w.k0.exits, irq_exits(&w),
		       other_exits(&w), w.loc1 - w.loc0);
	ksft_test_result(irq_exits(&w) > 0,
			 "host interrupts end VM runs and are counted (irq_exits %llu)\n",
			 irq_exits(&w));
}

static bool read_module_stats(long long *sent, long long *handled, long long *lost)
{
	FILE *f = fopen(DBG "/stats", "r");
	char key[32];
	long long v;

	if (!f)
		return false;
	*sent = *handled = *lost = 0;
	while (fscanf(f, "%31s %lld", key, &v) == 2) {
		if (!strcmp(key, "sent"))
			*sent = v;
		else if (!strcmp(key, "handled"))
			*handled = v;
		else if (!strcmp(key, "lost"))
			*lost = v;
	}
	fclose(f);
	return true;
}

static void test_nmi_ipis(void)
{
	long long s0, h0, l0, s1, h1, l1;
	struct window w;
	char fire[64];

	if (!read_module_stats(&s0, &h0, &l0) && system("modprobe nmi_ipi_test 2>/dev/null"))
		ksft_print_msg("modprobe nmi_ipi_test failed\n");
	if (!read_module_stats(&s0, &h0, &l0)) {
		ksft_test_result_skip("NMI IPIs into the guest: no nmi_ipi_test module\n");
		return;
	}
	window_start(&w);
	snprintf(fire, sizeof(fire), "%d %d 0", vcpu_cpu, NMI_IPIS);
	write_file(DBG "/fire", fire);
	if (!window_end(&w)) {
		ksft_test_result_fail("NMI IPIs into the guest: %s\n", vcpu_failed ? vcpu_why :
				      "the guest stopped leaving");
		return;
	}
	read_module_stats(&s1, &h1, &l1);
	ksft_print_msg("%d NMI IPIs: handled %lld, lost %lld; exits %llu IRQ %llu other %llu\n",
		       NMI_IPIS, h1 - h0, l1 - l0, w.k1.exits - w.k0.exits, irq_exits(&w),
		       other_exits(&w));
	if (s1 - s0 != NMI_IPIS || h1 - h0 != NMI_IPIS || l1 != l0)
		ksft_test_result_fail("NMI IPIs: sent %lld, handled %lld, lost %lld\n",
				      s1 - s0, h1 - h0, l1 - l0);
	else if (w.nmi1 - w.nmi0 < NMI_IPIS)
		ksft_test_result_fail("NMI IPIs: NMI count on CPU %d rose by %lu only\n",
				      vcpu_cpu, w.nmi1 - w.nmi0);
	else if (!other_exits(&w))
		ksft_test_result_fail("NMI IPIs into the guest: none ended a VM run\n");
	else
		ksft_test_result_pass("NMI IPIs into the guest: %d handled, %llu as VM exits\n",
				      NMI_IPIS, other_exits(&w));
}

static void test_sysrq(void)
{
	struct timespec ts = { 0, 100 * 1000 * 1000 };
	struct window w;
	int i;

	if (access("/proc/sysrq-trigger", W_OK)) {
		ksft_test_result_skip("sysrq l while the guest runs: no /proc/sysrq-trigger\n");
		return;
	}
	window_start(&w);
	for (i = 0; i < 3; i++) {
		write_file("/proc/sysrq-trigger", "l");
		nanosleep(&ts, NULL);
	}
	if (!window_end(&w)) {
		ksft_test_result_fail("sysrq l while the guest runs: %s\n", vcpu_failed ?
				      vcpu_why : "the guest stopped leaving");
		return;
	}
	ksft_test_result(w.nmi1 != w.nmi0,
			 "sysrq l while the guest runs: %lu NMIs on CPU %d, %llu other exits\n",
			 w.nmi1 - w.nmi0, vcpu_cpu, other_exits(&w));
}

int main(void)
{
	const char *why;
	pthread_t t;
	bool two;

	ksft_print_header();
	why = open_kvm();
	if (why)
		ksft_exit_skip("%s\n", why);
	ksft_set_plan(4);
	two = sysconf(_SC_NPROCESSORS_ONLN) >= 2;
	vcpu_cpu = two ? 1 : 0;
	pin_to_cpu(CTL_CPU);
	setup_vm();

	pthread_create(&t, NULL, vcpu_thread, NULL);
	if (!wait_exits(3, 60)) {
		ksft_print_msg("%s\n", vcpu_failed ? vcpu_why : "no guest exit in 60 s");
		ksft_exit_fail_msg("the guest does not run\n");
	}

	test_interrupts();
	if (two) {
		test_nmi_ipis();
		test_sysrq();
	} else {
		ksft_test_result_skip("NMI IPIs into the guest: needs two CPUs\n");
		ksft_test_result_skip("sysrq l while the guest runs: needs two CPUs\n");
	}

	__atomic_store_n(&vcpu_stop, 1, __ATOMIC_RELEASE);
	pthread_join(t, NULL);
	if (vcpu_failed)
		ksft_test_result_fail("guest ran undisturbed: %s\n", vcpu_why);
	else
		ksft_test_result_pass("guest ran undisturbed: %lu OUTs, each after 2^%d rounds\n",
				      io_exits_seen, ROUNDS_SHIFT);
	ksft_finished();
}
