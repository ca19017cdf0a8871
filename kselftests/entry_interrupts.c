// SPDX-License-Identifier: GPL-2.0
/*
 * Interrupts that hit user mode: a checker pinned to one CPU spins with
 * every general and vector register loaded, while another CPU makes that
 * CPU take timer interrupts, reschedule IPIs, function-call IPIs and
 * TLB-shootdown IPIs. The registers must come through every one of them,
 * and the CPU's counters in /proc/interrupts must show they happened.
 *
 * Then the other CPU goes offline and comes back (CPU hotplug), and the
 * checker moves to it: a CPU that comes up again must deliver events as
 * it did before (under FRED: its FRED setup is redone), so system calls,
 * an exception and timer interrupts on it are checked too.
 */
#define _GNU_SOURCE
#include <err.h>
#include <errno.h>
#include <linux/membarrier.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "../kselftest.h"
#include "entry_harness.h"

#define CHECK_CPU	0
#define OTHER_CPU	1

/* What the other CPU does while the checker spins. */
enum stim { STIM_TIMER, STIM_RESCHED, STIM_CALL, STIM_TLB };

static int wake_pipe[2];

static void *sleeper(void *arg)
{
	char c;

	pin_to_cpu(CHECK_CPU);
	while (read(wake_pipe[0], &c, 1) == 1 && c == 'w')
		;
	return NULL;
}

static void stimulate(enum stim s, int rounds)
{
	int i;
	void *p;

	for (i = 0; i < rounds; i++) {
		switch (s) {
		case STIM_TIMER:
			usleep(1000);
			break;
		case STIM_RESCHED:
			if (write(wake_pipe[1], "w", 1) != 1)
				err(1, "write");
			usleep(200);
			break;
		case STIM_CALL:
			syscall(__NR_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0);
			break;
		case STIM_TLB:
			p = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
			if (p == MAP_FAILED)
				err(1, "mmap");
			munmap(p, 4096);
			break;
		}
	}
}

struct stim_args {
	enum stim s;
	int rounds;
};

static void *stimulator(void *arg)
{
	struct stim_args *a = arg;

	pin_to_cpu(OTHER_CPU);
	usleep(20000);			/* let the checker start spinning */
	stimulate(a->s, a->rounds);
	__atomic_store_n(&harness_spinning, 0, __ATOMIC_SEQ_CST);
	return NULL;
}

static void run(const char *name, const char *counter, enum stim s, int rounds)
{
	struct stim_args a = { s, rounds };
	unsigned long before, after;
	struct uregs in, out, want;
	pthread_t st, sl = 0;
	char why[96];

	if (s == STIM_RESCHED) {
		if (pipe(wake_pipe))
			err(1, "pipe");
		pthread_create(&sl, NULL, sleeper, NULL);
		usleep(20000);
	}
	uregs_fill(&in, s + 1);
	harness_spinning = 1;
	before = irq_count(counter, CHECK_CPU);
	pthread_create(&st, NULL, stimulator, &a);
	harness(&in, &out, harness_spin);
	after = irq_count(counter, CHECK_CPU);
	pthread_join(st, NULL);
	if (sl) {
		if (write(wake_pipe[1], "q", 1) != 1)
			err(1, "write");
		pthread_join(sl, NULL);
		close(wake_pipe[0]);
		close(wake_pipe[1]);
	}

	want = in;
	want.flags = out.flags;		/* CMP in the loop sets the flags */
	if (!uregs_same(&want, &out, why, sizeof(why)))
		ksft_test_result_fail("%s: %s\n", name, why);
	else if (after <= before)
		ksft_test_result_fail("%s: %s on CPU %d did not rise (%lu)\n",
				      name, counter, CHECK_CPU, before);
	else
		ksft_test_result_pass("%s: registers intact over %lu %s\n", name,
				      after - before, counter);
}

static int set_online(int cpu, int on)
{
	char path[64];
	int fd, ok;

	snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%d/online", cpu);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -errno;
	ok = write(fd, on ? "1" : "0", 1) == 1;
	close(fd);
	return ok ? 0 : -errno;
}

static int sigills;	/* atomic: the handler counts, the test reads */

static void on_sigill(int sig, siginfo_t *si, void *ctx_void)
{
	ucontext_t *ctx = ctx_void;

	__atomic_fetch_add(&sigills, 1, __ATOMIC_RELAXED);
	ctx->uc_mcontext.gregs[REG_IP] += 2;	/* past the UD2 */
}

/* CPU hotplug: OTHER_CPU goes offline and comes back, then runs events. */
static void offline_and_back(void)
{
	struct sigaction sa = { .sa_sigaction = on_sigill, .sa_flags = SA_SIGINFO };
	unsigned long before, after;
	struct timespec t0, t;
	int rc, i, n;

	rc = set_online(OTHER_CPU, 0);
	if (rc == -ENOENT || rc == -EACCES || rc == -EPERM) {
		ksft_test_result_skip("CPU hotplug: cannot take CPU %d offline: %s\n",
				      OTHER_CPU, strerror(-rc));
		return;
	}
	if (rc) {
		ksft_test_result_fail("CPU hotplug: offline CPU %d: %s\n", OTHER_CPU,
				      strerror(-rc));
		return;
	}
	rc = set_online(OTHER_CPU, 1);
	if (rc) {
		ksft_test_result_fail("CPU hotplug: online CPU %d again: %s\n", OTHER_CPU,
				      strerror(-rc));
		return;
	}

	pin_to_cpu(OTHER_CPU);
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGILL, &sa, NULL))
		err(1, "sigaction");
	for (i = 0; i < 1000; i++)
		syscall(SYS_getppid);
	asm volatile("ud2");
	before = irq_count("LOC", OTHER_CPU);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while ((t.tv_sec - t0.tv_sec) * 1000000000L + t.tv_nsec - t0.tv_nsec < 100000000L);
	after = irq_count("LOC", OTHER_CPU);
	signal(SIGILL, SIG_DFL);
	pin_to_cpu(CHECK_CPU);

	n = __atomic_load_n(&sigills, __ATOMIC_RELAXED);
	if (n != 1)
		ksft_test_result_fail("CPU hotplug: UD2 on CPU %d raised %d SIGILL(s)\n",
				      OTHER_CPU, n);
	else if (after <= before)
		ksft_test_result_fail("CPU hotplug: no timer interrupt on CPU %d once back\n",
				      OTHER_CPU);
	else
		ksft_test_result_pass("CPU hotplug: CPU %d back: %s, %lu timer interrupts\n",
				      OTHER_CPU, "system calls and #UD ran", after - before);
}

int main(void)
{
	ksft_print_header();
	ksft_set_plan(5);
	if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
		ksft_exit_skip("needs two CPUs\n");
	if (syscall(__NR_membarrier, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0, 0))
		ksft_exit_fail_msg("membarrier register: %s\n", strerror(errno));

	pin_to_cpu(CHECK_CPU);
	run("timer interrupts", "LOC", STIM_TIMER, 200);
	run("reschedule IPIs", "RES", STIM_RESCHED, 500);
	run("function-call IPIs (membarrier expedited)", "CAL", STIM_CALL, 2000);
	run("TLB-shootdown IPIs (munmap)", "TLB", STIM_TLB, 2000);
	offline_and_back();
	ksft_finished();
}
