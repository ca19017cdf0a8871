// SPDX-License-Identifier: GPL-2.0
/*
 * The guest side of "make qemu-race" (scripts/qemu-race.sh): the check
 * for the first patch of qemu/, which stops a TCG vCPU from running code
 * that another vCPU has just stored over.
 *
 * Linux patches its own text whenever a static key flips: text_poke_bp()
 * puts an INT3 over the instruction, waits for every CPU, writes the rest
 * of the new instruction, waits, writes its first byte, waits, and then
 * stops handling those INT3s. A CPU that still runs the INT3 after that
 * dies ("Oops: int3") or loops on it (soft lockup).
 *
 * Here CPU 0 flips the sched_schedstats static key as fast as it can
 * while two processes on CPU 1 ping-pong a byte through pipes, so CPU 1
 * keeps running the scheduler code being patched. Prints
 * "text-poke-race: N flips in S s" when it is done.
 */
#define _GNU_SOURCE
#include <err.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		err(1, "sched_setaffinity(%d)", cpu);
}

static pid_t ping_pong(int in, int out, int first)
{
	pid_t pid = fork();
	char c = 0;

	if (pid < 0)
		err(1, "fork");
	if (pid)
		return pid;
	pin(1);
	if (first && write(out, &c, 1) != 1)
		_exit(1);
	for (;;) {
		if (read(in, &c, 1) != 1 || write(out, &c, 1) != 1)
			_exit(1);
	}
}

int main(int argc, char **argv)
{
	int secs = argc > 1 ? atoi(argv[1]) : 10;
	int a[2], b[2], fd;
	long flips = 0;
	pid_t p1, p2;
	time_t end;

	if (pipe(a) || pipe(b))
		err(1, "pipe");
	p1 = ping_pong(a[0], b[1], 1);
	p2 = ping_pong(b[0], a[1], 0);
	pin(0);
	fd = open("/proc/sys/kernel/sched_schedstats", O_WRONLY);
	if (fd < 0)
		err(1, "/proc/sys/kernel/sched_schedstats (CONFIG_SCHEDSTATS)");
	end = time(NULL) + secs;
	while (time(NULL) < end) {
		if (pwrite(fd, flips & 1 ? "0" : "1", 1, 0) != 1)
			err(1, "writing sched_schedstats");
		flips++;
	}
	kill(p1, SIGKILL);
	kill(p2, SIGKILL);
	printf("text-poke-race: %ld flips in %d s\n", flips, secs);
	return 0;
}
