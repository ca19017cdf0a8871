// SPDX-License-Identifier: GPL-2.0
/*
 * Interrupts that hit user mode: a checker pinned to one CPU spins with
 * every general and vector register loaded, while another CPU makes that
 * CPU take timer interrupts, wakeup IPIs, function-call IPIs and
 * TLB-shootdown IPIs. The registers must come through every one of them,
 * and the CPU's counters in /proc/interrupts must show they happened.
 * A task woken on the checker's CPU from the other one preempts the
 * checker, which costs that CPU an IPI, but which one is the scheduler's
 * choice, not the CPU's: a reschedule IPI (RES) when the waker queues the
 * task itself, or a function-call IPI (CAL) when it leaves the wakeup on
 * the CPU's wake list (as 6.1 does between CPUs that share no cache), so
 * the case counts both.
 *
 * Then the other CPU goes offline and comes back (CPU hotplug), and the
 * checker moves to it: a CPU that comes up again must deliver events as
 * it did before (under FRED: its FRED setup is redone), so system calls,
 * an exception and timer interrupts on it are checked too.
 *
 * Last, the interrupt shadow: MOV SS and POP SS hold interrupts off for
 * the next instruction only, so a user loop right behind one must still
 * take the timer's interrupt.
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
#include <sys/time.h>
#include <sys/wait.h>
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

/* The sum of the counters in @names ("RES+CAL") of @cpu */
static unsigned long irq_counts(const char *names, int cpu)
{
	char buf[64], *name, *save;
	unsigned long v = 0;

	snprintf(buf, sizeof(buf), "%s", names);
	for (name = strtok_r(buf, "+", &save); name; name = strtok_r(NULL, "+", &save))
		v += irq_count(name, cpu);
	return v;
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
	before = irq_counts(counter, CHECK_CPU);
	pthread_create(&st, NULL, stimulator, &a);
	harness(&in, &out, harness_spin);
	after = irq_counts(counter, CHECK_CPU);
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

/*
 * The interrupt shadow. MOV SS and POP SS inhibit interrupts until the
 * next instruction has run (SDM: only the first of several that load SS
 * in a row is guaranteed to), and no longer: with IF set, a pending
 * interrupt is taken once that instruction is done. Here that
 * instruction is a conditional jump to itself, taken (JECXZ with ECX 0,
 * JZ with ZF set), which loops until the SIGALRM handler breaks it: the
 * timer's interrupt must get through. A child on CHECK_CPU runs
 * SHADOW_ROUNDS loops under a 100 ms interval timer (a signal that comes
 * before a loop begins leaves it to the next one); the parent, on the
 * other CPU, gives it SHADOW_WAIT_S seconds. (QEMU 7.2's TCG kept the
 * shadow on over a taken conditional jump and held such a loop with
 * interrupts off until an NMI came; qemu/ fixes it.)
 */
#define SHADOW_ROUNDS	3
#define SHADOW_WAIT_S	5

#ifdef __x86_64__
# define REG_CX		REG_RCX
# define JCXZ		"jrcxz"
# define JCXZ_CASE	"interrupt shadow: MOV SS, then JRCXZ to itself with RCX 0"
#else
# define REG_CX		REG_ECX
# define JCXZ		"jecxz"
# define JCXZ_CASE	"interrupt shadow: MOV SS, then JECXZ to itself with ECX 0"
#endif
#define X86_FLAGS_ZF	0x40UL

enum shadow { SHADOW_MOV_JCXZ, SHADOW_MOV_JZ, SHADOW_POP_JCXZ };

static int shadow_alarms;	/* the child's handler counts, the child reads */

static void shadow_alarm(int sig, siginfo_t *si, void *ctx_void)
{
	ucontext_t *ctx = ctx_void;

	/* break the loop: ECX no longer 0, ZF clear */
	ctx->uc_mcontext.gregs[REG_CX] = 1;
	ctx->uc_mcontext.gregs[REG_EFL] &= ~X86_FLAGS_ZF;
	__atomic_fetch_add(&shadow_alarms, 1, __ATOMIC_RELAXED);
}

static void shadow_loop(enum shadow v)
{
	unsigned long cx = 0;

	switch (v) {
	case SHADOW_MOV_JCXZ:
		asm volatile("mov %%ss, %%eax\n\t"
			     "mov %%eax, %%ss\n"
			     "1:\t" JCXZ " 1b"
			     : "+c" (cx) : : "rax", "memory");
		break;
	case SHADOW_MOV_JZ:
		asm volatile("mov %%ss, %%eax\n\t"
			     "cmp %%eax, %%eax\n\t"
			     "mov %%eax, %%ss\n"
			     "1:\tjz 1b"
			     : "+c" (cx) : : "rax", "cc", "memory");
		break;
	case SHADOW_POP_JCXZ:
#ifndef __x86_64__
		asm volatile("push %%ss\n\t"
			     "pop %%ss\n"
			     "1:\tjecxz 1b"
			     : "+c" (cx) : : "memory");
#endif
		break;
	}
}

static void shadow_child(enum shadow v)
{
	struct sigaction sa = { .sa_sigaction = shadow_alarm, .sa_flags = SA_SIGINFO };
	struct itimerval it = { { 0, 100000 }, { 0, 100000 } }, off = { 0 };
	int i;

	pin_to_cpu(CHECK_CPU);
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGALRM, &sa, NULL))
		_exit(2);
	if (setitimer(ITIMER_REAL, &it, NULL))
		_exit(2);
	for (i = 0; i < SHADOW_ROUNDS; i++)
		shadow_loop(v);
	setitimer(ITIMER_REAL, &off, NULL);
	_exit(__atomic_load_n(&shadow_alarms, __ATOMIC_RELAXED) >= SHADOW_ROUNDS ? 0 : 1);
}

static double secs_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec - t0->tv_sec + (t.tv_nsec - t0->tv_nsec) / 1e9;
}

static void interrupt_shadow(const char *name, enum shadow v)
{
	struct timespec t0;
	int status = 0;
	pid_t pid, w = 0;
	double held;

	pin_to_cpu(OTHER_CPU);
	fflush(stdout);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid = fork();
	if (pid < 0)
		ksft_exit_fail_msg("fork: %s\n", strerror(errno));
	if (pid == 0)
		shadow_child(v);
	while (secs_since(&t0) < SHADOW_WAIT_S && (w = waitpid(pid, &status, WNOHANG)) == 0)
		usleep(10000);
	if (w == pid) {
		pin_to_cpu(CHECK_CPU);
		held = secs_since(&t0);
		if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
			ksft_test_result_pass("%s: %d loops ended by the timer in %.2f s\n",
					      name, SHADOW_ROUNDS, held);
		else
			ksft_test_result_fail("%s: the child ended with status %#x\n",
					      name, status);
		return;
	}
	/*
	 * The CPU took no interrupt in SHADOW_WAIT_S s, so it may not take
	 * the IPI of a SIGKILL either, nor the interrupts of the console, nor
	 * keep jiffies going if it has the tick duty: an NMI lets it go
	 * ("sysrq l" sends one to every other CPU), then the SIGKILL ends the
	 * child.
	 */
	kill(pid, SIGKILL);
	while (secs_since(&t0) < SHADOW_WAIT_S + 1 && waitpid(pid, &status, WNOHANG) == 0)
		usleep(10000);
	if (waitpid(pid, &status, WNOHANG) == 0 && !access("/proc/sysrq-trigger", W_OK))
		write_file("/proc/sysrq-trigger", "l");
	while (secs_since(&t0) < 120 && waitpid(pid, &status, WNOHANG) == 0)
		usleep(10000);
	held = secs_since(&t0);
	pin_to_cpu(CHECK_CPU);
	ksft_test_result_fail("%s: no timer in %d s on CPU %d; SIGKILL, sysrq l ended it: %.1f s\n",
			      name, SHADOW_WAIT_S, CHECK_CPU, held);
}

int main(void)
{
	ksft_print_header();
	/* Before the plan: with one CPU the whole program is skipped. */
	if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
		ksft_exit_skip("needs two CPUs\n");
#ifdef __x86_64__
	ksft_set_plan(7);
#else
	ksft_set_plan(8);
#endif
	if (syscall(__NR_membarrier, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0, 0))
		ksft_exit_fail_msg("membarrier register: %s\n", strerror(errno));

	pin_to_cpu(CHECK_CPU);
	run("timer interrupts", "LOC", STIM_TIMER, 200);
	run("wakeup IPIs", "RES+CAL", STIM_RESCHED, 500);
	run("function-call IPIs (membarrier expedited)", "CAL", STIM_CALL, 2000);
	run("TLB-shootdown IPIs (munmap)", "TLB", STIM_TLB, 2000);
	offline_and_back();
	interrupt_shadow(JCXZ_CASE, SHADOW_MOV_JCXZ);
	interrupt_shadow("interrupt shadow: MOV SS, then JZ to itself with ZF set", SHADOW_MOV_JZ);
#ifndef __x86_64__
	interrupt_shadow("interrupt shadow: POP SS, then JECXZ to itself with ECX 0",
			 SHADOW_POP_JCXZ);
#endif
	ksft_finished();
}
