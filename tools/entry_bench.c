// SPDX-License-Identifier: GPL-2.0
/*
 * entry_bench: the cost of one round trip through the kernel's entry
 * paths, measured from user space. A benchmark, not a test: it asserts
 * nothing about the figures, and make bench (scripts/bench.sh) runs it on
 * several kernels and compares them.
 *
 * Built twice from this file: 64-bit for the paths of a 64-bit process,
 * and -m32 for the 32-bit system call paths (the vDSO's __kernel_vsyscall
 * and int $0x80). Each case runs a warm-up batch, then REPS batches of
 * ITERS round trips, timed with CLOCK_MONOTONIC_RAW; it prints one line
 *
 *   bench <case> <median> <min> <max> <iters> <reps>
 *
 * with the nanoseconds per round trip of the median, fastest and slowest
 * batch. Under QEMU with -icount shift=0 the guest's clocks count guest
 * instructions, so these are instructions per round trip, and they repeat
 * from run to run; on hardware they are nanoseconds.
 *
 * Each timed batch runs between two marker NOPs that tools/serial_plugin.c
 * (a QEMU plugin, loaded by make bench) watches for; after the batches a
 * third marker has it report the serializing and microcoded instructions
 * the kernel ran in them, and we print "serial <case> <round trips>" for
 * that report. Without the plugin the markers are NOPs.
 *
 * Usage: entry_bench [-s SCALE] [-r REPS] [CASE...]
 *   SCALE multiplies every case's iteration count (default 1, may be
 *   fractional), REPS is the number of timed batches (default 7); no CASE
 *   runs every case this build has. ENTRY_BENCH_SCALE, ENTRY_BENCH_REPS
 *   and ENTRY_BENCH_CASES (comma-separated) in the environment set the
 *   defaults: make bench puts them on the kernel command line, which
 *   hands them to init and so to us.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>
#include <linux/membarrier.h>

#define MAX_REPS	64
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static double scale = 1.0;
static int reps = 7;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static void die(const char *what)
{
	fprintf(stderr, "entry_bench: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void pin_to(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		die("sched_setaffinity");
}

#ifdef __x86_64__
static void set_handler(int sig, void (*fn)(int, siginfo_t *, void *))
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = fn;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	if (sigaction(sig, &sa, NULL))
		die("sigaction");
}
#endif

/* One case: setup (may be NULL; returns 0, or 1 to skip), then the loop. */
struct bench {
	const char *name;
	long iters;		/* round trips per batch, before scaling */
	int (*setup)(void);
	void (*run)(long n);	/* n round trips */
	void (*teardown)(void);
	/* Around each batch, outside the timing (may be NULL). */
	void (*before)(long n);
	void (*after)(long n);
};

/* ---- system calls ------------------------------------------------------ */

#ifdef __x86_64__
static void run_syscall64(long n)
{
	while (n--) {
		long ret = __NR_getppid;

		asm volatile ("syscall" : "+a" (ret) : : "rcx", "r11", "memory");
	}
}
#else
static void *vsyscall;

static int setup_vdso32(void)
{
	vsyscall = (void *)getauxval(AT_SYSINFO);
	return vsyscall ? 0 : 1;
}

static void run_vdso32(long n)
{
	while (n--) {
		long ret = __NR_getppid;

		asm volatile ("call *%[fn]" : "+a" (ret) : [fn] "r" (vsyscall)
			      : "memory");
	}
}

static void run_int80(long n)
{
	while (n--) {
		long ret = __NR_getppid;

		asm volatile ("int $0x80" : "+a" (ret) : : "memory");
	}
}
#endif

/*
 * The rest runs in the 64-bit build only: a 32-bit process takes the same
 * paths for them, apart from the signal frame's layout.
 */
#ifdef __x86_64__
static void run_sched_yield(long n)
{
	while (n--)
		sched_yield();
}

/*
 * ---- a timer interrupt: the interrupt path on one CPU -----------------
 * A 1 us sleep with 1 ns of timer slack: the CPU goes idle, the local
 * APIC timer's interrupt (a system vector) ends the idle and wakes us.
 * On one vCPU under -icount this is the interrupt path counted in
 * instructions, where membarrier's IPIs need two vCPUs; the figure also
 * holds the microsecond the guest's clock skips while it idles.
 */
static int setup_timer_irq(void)
{
	return prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0) ? 1 : 0;
}

static void run_timer_irq(long n)
{
	struct timespec ts = { .tv_nsec = 1000 };

	while (n--)
		clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, NULL);
}

/* ---- exceptions that end in a signal and a sigreturn ------------------- */

static void on_sigtrap(int sig, siginfo_t *si, void *uc)
{
	/* int3 is a trap: the saved IP is already past it. */
}

static void on_sigill(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;

	uc->uc_mcontext.gregs[REG_RIP] += 2;	/* skip the ud2 */
}

static int setup_int3(void)
{
	set_handler(SIGTRAP, on_sigtrap);
	return 0;
}

static int setup_ud2(void)
{
	set_handler(SIGILL, on_sigill);
	return 0;
}

static void run_int3(long n)
{
	while (n--)
		asm volatile ("int3" : : : "memory");
}

static void run_ud2(long n)
{
	while (n--)
		asm volatile ("ud2" : : : "memory");
}

/* ---- demand-zero page faults ------------------------------------------- */

/* Mapped before each batch and unmapped after it, outside the timing. */
static char *region;
static long region_len, page_size;

static void map_region(long n)
{
	page_size = sysconf(_SC_PAGESIZE);
	region_len = n * page_size;
	region = mmap(NULL, region_len, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (region == MAP_FAILED)
		die("mmap");
	/* One fault per page, not one per huge page. */
	madvise(region, region_len, MADV_NOHUGEPAGE);
}

static void run_pagefault(long n)
{
	long i;

	/* A write to each page: a fault that allocates a zeroed page. */
	for (i = 0; i < n; i++)
		region[i * page_size] = 1;
}

static void unmap_region(long n)
{
	munmap(region, region_len);
}

/* ---- pipe ping-pong between two processes on one CPU ------------------- */

static int ping[2], pong[2];
static pid_t partner;

static int setup_pipe(void)
{
	char c;

	if (pipe(ping) || pipe(pong))
		die("pipe");
	partner = fork();
	if (partner < 0)
		die("fork");
	if (partner == 0) {
		close(ping[1]);
		close(pong[0]);
		while (read(ping[0], &c, 1) == 1)
			if (write(pong[1], &c, 1) != 1)
				_exit(1);
		_exit(0);
	}
	close(ping[0]);
	close(pong[1]);
	return 0;
}

static void run_pipe(long n)
{
	char c = 0;

	while (n--) {
		if (write(ping[1], &c, 1) != 1 || read(pong[0], &c, 1) != 1)
			die("pipe round trip");
	}
}

static void teardown_pipe(void)
{
	close(ping[1]);		/* the partner reads EOF and exits */
	waitpid(partner, NULL, 0);
	close(pong[0]);
}

/*
 * ---- membarrier: an IPI to every other CPU running this process --------
 * A thread spins on CPU 1 so that MEMBARRIER_CMD_PRIVATE_EXPEDITED has a
 * CPU to interrupt; the caller runs on CPU 0. Each round trip is one
 * system call, one IPI delivered to CPU 1 and the wait for its answer.
 */
static pthread_t spinner;
static atomic_int spin_state;	/* 0: starting, 1: spinning, 2: stop */

static long membarrier(int cmd)
{
	return syscall(__NR_membarrier, cmd, 0, 0);
}

static void *spin(void *arg)
{
	pin_to(1);
	atomic_store(&spin_state, 1);
	while (atomic_load_explicit(&spin_state, memory_order_relaxed) != 2)
		;
	return NULL;
}

static int setup_membarrier(void)
{
	if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
		return 1;
	if (membarrier(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED))
		return 1;	/* CONFIG_MEMBARRIER=n */
	atomic_store(&spin_state, 0);
	if (pthread_create(&spinner, NULL, spin, NULL))
		die("pthread_create");
	while (atomic_load(&spin_state) != 1)
		sched_yield();
	return 0;
}

static void run_membarrier(long n)
{
	while (n--)
		if (membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED))
			die("membarrier");
}

static void teardown_membarrier(void)
{
	atomic_store(&spin_state, 2);
	pthread_join(spinner, NULL);
}
#endif /* __x86_64__ */

/* ---- the cases, in report order ---------------------------------------- */

static const struct bench benches[] = {
#ifdef __x86_64__
	{ .name = "syscall64", .iters = 200000, .run = run_syscall64 },
	{ .name = "int3", .iters = 20000, .setup = setup_int3, .run = run_int3 },
	{ .name = "ud2", .iters = 20000, .setup = setup_ud2, .run = run_ud2 },
	{ .name = "pagefault", .iters = 8192, .run = run_pagefault,
	  .before = map_region, .after = unmap_region },
	{ .name = "sched_yield", .iters = 100000, .run = run_sched_yield },
	{ .name = "timer_irq", .iters = 20000, .setup = setup_timer_irq,
	  .run = run_timer_irq },
	{ .name = "pipe", .iters = 20000, .setup = setup_pipe, .run = run_pipe,
	  .teardown = teardown_pipe },
	{ .name = "membarrier", .iters = 10000, .setup = setup_membarrier,
	  .run = run_membarrier, .teardown = teardown_membarrier },
#else
	{ .name = "vdso32", .iters = 200000, .setup = setup_vdso32,
	  .run = run_vdso32 },
	{ .name = "int80", .iters = 200000, .run = run_int80 },
#endif
};

/*
 * The mitigations the kernel applies change what every entry costs: say
 * which they are ("vuln <name> <state>"), so that two kernels whose
 * figures differ can be told apart by them.
 */
static void print_mitigations(void)
{
	const char *dir = "/sys/devices/system/cpu/vulnerabilities";
	struct dirent **names;
	char path[512], line[256];
	int i, n;

	n = scandir(dir, &names, NULL, alphasort);
	for (i = 0; i < n; i++) {
		FILE *f;

		if (names[i]->d_name[0] == '.')
			goto next;
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
		f = fopen(path, "r");
		if (f && fgets(line, sizeof(line), f)) {
			line[strcspn(line, "\n")] = 0;
			printf("vuln %s %s\n", names[i]->d_name, line);
		}
		if (f)
			fclose(f);
next:
		free(names[i]);
	}
	if (n >= 0)
		free(names);
}

/*
 * The CPU's vendor: it picks the instruction __kernel_vsyscall enters
 * with (SYSENTER on Intel, SYSCALL on AMD), and so the vdso32 path.
 */
static void print_vendor(void)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[256], vendor[64];

	while (f && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "vendor_id : %63s", vendor) == 1) {
			printf("cpu %s\n", vendor);
			break;
		}
	}
	if (f)
		fclose(f);
}

/* Markers for tools/serial_plugin.c: NOPL disp32(%eax,%eax,1), 9 bytes. */
#define SERIAL_MARK(d)	asm volatile (".byte 0x66, 0x0f, 0x1f, 0x84, 0x00\n\t" \
				      ".long " #d ::: "memory")

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void measure(const struct bench *b)
{
	long n = (long)(b->iters * scale);
	uint64_t t[MAX_REPS];
	int r;

	if (n < 1)
		n = 1;
	if (b->setup && b->setup()) {
		printf("skip %s\n", b->name);
		fflush(stdout);
		return;
	}
	/* r = -1: warm-up, untimed (caches, page tables, the partner) */
	for (r = -1; r < reps; r++) {
		uint64_t t0;

		if (b->before)
			b->before(n);
		t0 = now_ns();
		if (r >= 0)
			SERIAL_MARK(0x5e710001);
		b->run(n);
		if (r >= 0) {
			SERIAL_MARK(0x5e710002);
			t[r] = now_ns() - t0;
		}
		if (b->after)
			b->after(n);
	}
	SERIAL_MARK(0x5e710003);
	if (b->teardown)
		b->teardown();
	qsort(t, reps, sizeof(t[0]), cmp_u64);
	printf("serial %s %ld\n", b->name, n * reps);
	printf("bench %s %.1f %.1f %.1f %ld %d\n", b->name,
	       (double)t[reps / 2] / n, (double)t[0] / n,
	       (double)t[reps - 1] / n, n, reps);
	fflush(stdout);
}

/* Whether NAME is one of the comma-separated LIST. */
static int in_list(const char *list, const char *name)
{
	size_t len = strlen(name);
	const char *p;

	for (p = list; p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
		if (!strncmp(p, name, len) && (p[len] == ',' || !p[len]))
			return 1;
	return 0;
}

int main(int argc, char **argv)
{
	const char *env, *cases;
	size_t i;
	int opt, j;

	env = getenv("ENTRY_BENCH_SCALE");
	if (env)
		scale = atof(env);
	env = getenv("ENTRY_BENCH_REPS");
	if (env)
		reps = atoi(env);
	cases = getenv("ENTRY_BENCH_CASES");
	while ((opt = getopt(argc, argv, "s:r:")) != -1) {
		switch (opt) {
		case 's':
			scale = atof(optarg);
			break;
		case 'r':
			reps = atoi(optarg);
			break;
		default:
			fprintf(stderr, "usage: %s [-s SCALE] [-r REPS] [CASE...]\n",
				argv[0]);
			return 2;
		}
	}
	if (scale <= 0 || reps < 1 || reps > MAX_REPS) {
		fprintf(stderr, "entry_bench: need SCALE > 0 and 1 <= REPS <= %d\n",
			MAX_REPS);
		return 2;
	}
	print_vendor();
	print_mitigations();
	for (i = 0; i < ARRAY_SIZE(benches); i++) {
		const struct bench *b = &benches[i];
		int want = optind == argc && !cases;

		for (j = optind; j < argc; j++)
			want |= !strcmp(argv[j], b->name);
		if (optind == argc && cases)
			want = in_list(cases, b->name);
		if (!want)
			continue;
		/*
		 * Every case runs on CPU 0 (its partner process too; the
		 * membarrier case's spinner on CPU 1), so that a run does not
		 * depend on where the scheduler happens to put it.
		 */
		pin_to(0);
		measure(b);
	}
	return 0;
}
