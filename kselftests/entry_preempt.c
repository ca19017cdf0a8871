// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel-mode events that outlive their CPU's state: a task interrupted
 * in the kernel and preempted there (preempt=full) resumes later, maybe
 * on another CPU, maybe on one that has just come back on line, through
 * the return of the event that interrupted it. Under FRED that return is
 * ERETS, which checks that the frame's SS is the current SS: every CPU
 * must hold the same SS in the kernel, from its first event on, not only
 * once it has taken an event from user mode.
 *
 * Workers, more than there are CPUs, keep taking page faults in the kernel
 * (read() from /dev/zero into pages they just gave back, so that every
 * copy faults) while the test takes CPU 1 off line and brings it back
 * again and again: the scheduler moves the workers, preempted in their
 * faults, to and from the CPU that just came up. Every worker must go on
 * and end normally. Without preemption in the kernel (preempt=none or
 * voluntary) the window is smaller; the test runs then too.
 */
#define _GNU_SOURCE
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../kselftest.h"
#include "entry_harness.h"

#define HOTPLUG_CPU	1
#define WORKERS		6
#define CYCLES		24
#define BUF_SIZE	(256 * 1024)

/* A worker: kernel-mode page faults until it is told to stop. */
static void worker(int stop_fd)
{
	char *buf;
	long rounds = 0;
	int zero;

	zero = open("/dev/zero", O_RDONLY);
	if (zero < 0)
		err(2, "/dev/zero");
	buf = mmap(NULL, BUF_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED)
		err(2, "mmap");
	for (;;) {
		char c;

		/* The pages go back; the kernel's copy faults them in. */
		if (madvise(buf, BUF_SIZE, MADV_DONTNEED))
			err(2, "madvise");
		if (read(zero, buf, BUF_SIZE) != BUF_SIZE)
			err(2, "read /dev/zero");
		if (buf[rounds % BUF_SIZE] != 0)
			errx(3, "read /dev/zero gave a non-zero byte");
		rounds++;
		if (read(stop_fd, &c, 1) == 0)	/* the test closed its end */
			break;
	}
	exit(rounds > 0 ? 0 : 4);
}

static const char *preempt_mode(void)
{
	static char line[64];
	FILE *f = fopen("/sys/kernel/debug/sched/preempt", "r");

	if (!f || !fgets(line, sizeof(line), f))
		strcpy(line, "unknown");
	if (f)
		fclose(f);
	line[strcspn(line, "\n")] = 0;
	return line;
}

int main(void)
{
	int stop[2], i, rc, bad = 0, cycles = 0;
	pid_t pids[WORKERS];
	struct timespec t0, t1;

	ksft_print_header();
	ksft_set_plan(1);
	if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
		ksft_exit_skip("needs two CPUs\n");
	rc = set_online(HOTPLUG_CPU, 1);
	if (rc == -ENOENT || rc == -EACCES || rc == -EPERM)
		ksft_exit_skip("cannot take CPU %d off line: %s\n", HOTPLUG_CPU, strerror(-rc));
	ksft_print_msg("preemption (sched/preempt): %s\n", preempt_mode());

	/* The workers read the pipe non-blocking: EOF tells them to stop. */
	if (pipe(stop))
		err(1, "pipe");
	if (fcntl(stop[0], F_SETFL, O_NONBLOCK))
		err(1, "fcntl");
	for (i = 0; i < WORKERS; i++) {
		pids[i] = fork();
		if (pids[i] < 0)
			err(1, "fork");
		if (pids[i] == 0) {
			close(stop[1]);
			worker(stop[0]);
		}
	}
	close(stop[0]);

	ksft_print_msg("%d workers take page faults in the kernel\n", WORKERS);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < CYCLES; i++) {
		rc = set_online(HOTPLUG_CPU, 0);
		if (!rc)
			rc = set_online(HOTPLUG_CPU, 1);
		if (rc) {
			ksft_print_msg("cycle %d: %s\n", i, strerror(-rc));
			bad++;
			break;
		}
		cycles++;
		usleep(20000);	/* let the workers move onto the CPU that came up */
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	close(stop[1]);

	for (i = 0; i < WORKERS; i++) {
		int status;

		if (waitpid(pids[i], &status, 0) != pids[i])
			err(1, "waitpid");
		if (WIFSIGNALED(status)) {
			ksft_print_msg("worker %d killed by signal %d\n", i, WTERMSIG(status));
			bad++;
		} else if (WEXITSTATUS(status)) {
			ksft_print_msg("worker %d exited with %d\n", i, WEXITSTATUS(status));
			bad++;
		}
	}
	set_online(HOTPLUG_CPU, 1);

	if (bad)
		ksft_test_result_fail("%d hotplug cycles of CPU %d: %d failure(s)\n",
				      cycles, HOTPLUG_CPU, bad);
	else
		ksft_test_result_pass("%d hotplug cycles of CPU %d in %ld s: %d workers ok\n",
				      cycles, HOTPLUG_CPU, (long)(t1.tv_sec - t0.tv_sec), WORKERS);
	ksft_finished();
}
