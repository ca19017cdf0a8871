// SPDX-License-Identifier: GPL-2.0
/*
 * Interrupts that hit user mode: a checker pinned to one CPU spins with
 * every general and vector register loaded, while another CPU makes that
 * CPU take timer interrupts, reschedule IPIs, function-call IPIs and
 * TLB-shootdown IPIs. The registers must come through every one of them,
 * and the CPU's counters in /proc/interrupts must show they happened.
 */
#define _GNU_SOURCE
#include <err.h>
#include <errno.h>
#include <linux/membarrier.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
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

int main(void)
{
	ksft_print_header();
	ksft_set_plan(4);
	if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
		ksft_exit_skip("needs two CPUs\n");
	if (syscall(__NR_membarrier, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0, 0))
		ksft_exit_fail_msg("membarrier register: %s\n", strerror(errno));

	pin_to_cpu(CHECK_CPU);
	run("timer interrupts", "LOC", STIM_TIMER, 200);
	run("reschedule IPIs", "RES", STIM_RESCHED, 500);
	run("function-call IPIs (membarrier expedited)", "CAL", STIM_CALL, 2000);
	run("TLB-shootdown IPIs (munmap)", "TLB", STIM_TLB, 2000);
	ksft_finished();
}
