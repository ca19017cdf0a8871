// SPDX-License-Identifier: GPL-2.0
/*
 * NMIs that hit user mode. A checker pinned to one CPU spins with every
 * general and vector register loaded while that CPU takes NMIs: NMI IPIs
 * from the nmi_ipi_test module (CONFIG_X86_NMI_IPI_TEST), whose handler
 * may take a page fault on a user address as perf call chains do, and the
 * NMIs of "sysrq l". The registers must come through, every NMI must be
 * handled, no NMI handler may run nested inside another, and a user page
 * fault taken while such NMIs fly must still report its own address.
 */
#define _GNU_SOURCE
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <stddef.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../kselftest.h"
#include "entry_harness.h"

#define CHECK_CPU	1
#define FIRE_CPU	0
#define DBG		"/sys/kernel/debug/nmi_ipi_test"

struct nmi_stats {
	long long sent, handled, lost, user, read_ok, read_fault, nested;
};

static bool read_stats(struct nmi_stats *s)
{
	FILE *f = fopen(DBG "/stats", "r");
	char key[32];
	long long v;

	if (!f)
		return false;
	memset(s, 0, sizeof(*s));
	while (fscanf(f, "%31s %lld", key, &v) == 2) {
		if (!strcmp(key, "sent"))
			s->sent = v;
		else if (!strcmp(key, "handled"))
			s->handled = v;
		else if (!strcmp(key, "lost"))
			s->lost = v;
		else if (!strcmp(key, "user"))
			s->user = v;
		else if (!strcmp(key, "read_ok"))
			s->read_ok = v;
		else if (!strcmp(key, "read_fault"))
			s->read_fault = v;
		else if (!strcmp(key, "nested"))
			s->nested = v;
	}
	fclose(f);
	return true;
}

/* The NMI source for one run. */
struct source {
	const char *fire;	/* written to DBG/fire, or NULL */
	bool sysrq;		/* "l" to /proc/sysrq-trigger, 5 times */
};

static void *firer(void *arg)
{
	struct source *src = arg;
	int i;

	pin_to_cpu(FIRE_CPU);
	usleep(20000);
	if (src->fire)
		write_file(DBG "/fire", src->fire);
	for (i = 0; src->sysrq && i < 5; i++)
		write_file("/proc/sysrq-trigger", "l");
	__atomic_store_n(&harness_spinning, 0, __ATOMIC_SEQ_CST);
	return NULL;
}

/* Spin on CHECK_CPU with loaded registers while src fires. */
static bool spin_under(struct source *src, unsigned int seed, unsigned long *nmis, char *why,
		       size_t len)
{
	struct uregs in, out, want;
	unsigned long before;
	pthread_t t;

	pin_to_cpu(CHECK_CPU);
	uregs_fill(&in, seed);
	harness_spinning = 1;
	before = irq_count("NMI", CHECK_CPU);
	pthread_create(&t, NULL, firer, src);
	harness(&in, &out, harness_spin);
	pthread_join(t, NULL);
	*nmis = irq_count("NMI", CHECK_CPU) - before;
	want = in;
	want.flags = out.flags;
	return uregs_same(&want, &out, why, len);
}

static void test_module(const char *name, unsigned long addr, bool expect_fault)
{
	struct nmi_stats s0, s1;
	struct source src;
	unsigned long nmis;
	char fire[64], why[96];
	long long sent, handled;

	snprintf(fire, sizeof(fire), "%d 2000 %lx", CHECK_CPU, addr);
	src.fire = fire;
	src.sysrq = false;
	read_stats(&s0);
	if (!spin_under(&src, 3, &nmis, why, sizeof(why))) {
		ksft_test_result_fail("%s: %s\n", name, why);
		return;
	}
	read_stats(&s1);
	sent = s1.sent - s0.sent;
	handled = s1.handled - s0.handled;
	if (sent != 2000 || handled != sent || s1.lost != s0.lost) {
		ksft_test_result_fail("%s: sent %lld, handled %lld, lost %lld\n", name, sent,
				      handled, s1.lost - s0.lost);
	} else if (s1.nested != s0.nested) {
		ksft_test_result_fail("%s: %lld NMI handler runs nested in another\n", name,
				      s1.nested - s0.nested);
	} else if (s1.user == s0.user) {
		ksft_test_result_fail("%s: no NMI hit user mode\n", name);
	} else if (nmis < (unsigned long)sent) {
		ksft_test_result_fail("%s: NMI count on CPU %d rose by %lu only\n", name,
				      CHECK_CPU, nmis);
	} else if (addr && expect_fault && s1.read_fault == s0.read_fault) {
		ksft_test_result_fail("%s: no user read faulted\n", name);
	} else if (addr && !expect_fault && s1.read_ok == s0.read_ok) {
		ksft_test_result_fail("%s: no user read succeeded\n", name);
	} else {
		ksft_test_result_pass("%s: %lld NMIs, %lld in user mode, registers intact\n",
				      name, handled, s1.user - s0.user);
	}
}

static void test_sysrq(void)
{
	struct source src = { NULL, true };
	unsigned long nmis;
	char why[96];

	if (access("/proc/sysrq-trigger", W_OK)) {
		ksft_test_result_skip("sysrq l: no /proc/sysrq-trigger\n");
		return;
	}
	if (!spin_under(&src, 4, &nmis, why, sizeof(why)))
		ksft_test_result_fail("sysrq l: %s\n", why);
	else if (!nmis)
		ksft_test_result_fail("sysrq l: no NMI reached CPU %d\n", CHECK_CPU);
	else
		ksft_test_result_pass("sysrq l: %lu NMIs, registers intact\n", nmis);
}

/*
 * User page faults on CHECK_CPU while NMIs hit it whose handler itself
 * faults on a user page: each fault must report its own address, never
 * the one the NMI handler faulted on.
 */
static sigjmp_buf pf_jmp;
static void *pf_addr;

static void pf_handler(int sig, siginfo_t *si, void *ctx)
{
	pf_addr = si->si_addr;
	siglongjmp(pf_jmp, 1);
}

static void *pf_firer(void *arg)
{
	pin_to_cpu(FIRE_CPU);
	write_file(DBG "/fire", arg);
	__atomic_store_n(&harness_spinning, 0, __ATOMIC_SEQ_CST);
	return NULL;
}

static void test_cr2_under_nmi(char *nmi_page)
{
	struct sigaction sa = { .sa_sigaction = pf_handler, .sa_flags = SA_SIGINFO }, old;
	char fire[64], *hole;
	unsigned long faults = 0, wrong = 0;
	char *p, c;
	pthread_t t;

	hole = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (hole == MAP_FAILED)
		err(1, "mmap");
	pin_to_cpu(CHECK_CPU);
	sigaction(SIGSEGV, &sa, &old);
	snprintf(fire, sizeof(fire), "%d 2000 %lx", CHECK_CPU, (unsigned long)nmi_page);
	harness_spinning = 1;
	pthread_create(&t, NULL, pf_firer, fire);
	while (__atomic_load_n(&harness_spinning, __ATOMIC_SEQ_CST)) {
		p = hole + (faults % 64) * 64;
		if (!sigsetjmp(pf_jmp, 1))
			asm volatile ("movb (%1), %0" : "=q" (c) : "r" (p) : "memory");
		if (pf_addr != (void *)p)
			wrong++;
		faults++;
	}
	pthread_join(t, NULL);
	sigaction(SIGSEGV, &old, NULL);
	munmap(hole, 4096);
	ksft_test_result(faults && !wrong,
			 "#PF address exact under NMIs that fault: %lu faults, %lu wrong\n",
			 faults, wrong);
}

/*
 * A tracee on CHECK_CPU hits a 4-byte write watchpoint (DR1) again and
 * again while NMIs hit that CPU: every stop must show DR6 with B1 alone.
 */
#define DR6_HITS	300

static int watched;

static void dr6_tracee(void)
{
	int i;

	pin_to_cpu(CHECK_CPU);
	if (ptrace(PTRACE_TRACEME, 0, 0, 0))
		_exit(1);
	raise(SIGSTOP);
	for (i = 0; i < DR6_HITS; i++)
		asm volatile ("movl %1, %0" : "=m" (watched) : "r" (i));
	_exit(0);
}

static void *dr6_firer(void *arg)
{
	pin_to_cpu(FIRE_CPU);
	while (__atomic_load_n(&harness_spinning, __ATOMIC_SEQ_CST))
		write_file(DBG "/fire", arg);
	return NULL;
}

static void test_dr6_under_nmi(char *nmi_page)
{
	unsigned long dr6, hits = 0, wrong = 0, last = 0;
	char fire[64];
	pthread_t t;
	int status;
	pid_t pid;

	pin_to_cpu(FIRE_CPU);
	pid = fork();
	if (pid < 0)
		err(1, "fork");
	if (pid == 0)
		dr6_tracee();
	waitpid(pid, &status, 0);
	ptrace(PTRACE_POKEUSER, pid, offsetof(struct user, u_debugreg[1]), (void *)&watched);
	ptrace(PTRACE_POKEUSER, pid, offsetof(struct user, u_debugreg[7]),
	       (void *)(0x4UL | (0x1UL << 20) | (0x3UL << 22)));
	snprintf(fire, sizeof(fire), "%d 200 %lx", CHECK_CPU, (unsigned long)nmi_page);
	harness_spinning = 1;
	pthread_create(&t, NULL, dr6_firer, fire);
	for (;;) {
		ptrace(PTRACE_CONT, pid, 0, 0);
		waitpid(pid, &status, 0);
		if (!WIFSTOPPED(status))
			break;
		dr6 = ptrace(PTRACE_PEEKUSER, pid, offsetof(struct user, u_debugreg[6]), 0);
		hits++;
		if ((dr6 & 0xf) != 0x2 || (dr6 & (1UL << 14))) {
			wrong++;
			last = dr6;
		}
	}
	__atomic_store_n(&harness_spinning, 0, __ATOMIC_SEQ_CST);
	pthread_join(t, NULL);
	ksft_test_result(hits == DR6_HITS && !wrong && WIFEXITED(status),
			 "DR6 exact under NMIs: %lu watchpoint hits, %lu wrong (%#lx)\n",
			 hits, wrong, last);
}

/* Does the kernel log have a line that mentions FRED? */
static bool kmsg_mentions_fred(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
	char rec[8192];
	bool found = false;
	ssize_t n;

	if (fd < 0)
		return false;
	while (!found) {
		n = read(fd, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE)
			continue;	/* a record was overwritten: read on */
		if (n <= 0)
			break;		/* EAGAIN: the end of the log */
		rec[n] = '\0';
		found = strstr(rec, "FRED");
	}
	close(fd);
	return found;
}

int main(void)
{
	char *absent, *present;
	struct nmi_stats s;

	ksft_print_header();
	/* Before the plan: with one CPU the whole program is skipped. */
	if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
		ksft_exit_skip("needs two CPUs\n");
	ksft_set_plan(7);

	if (!read_stats(&s) && system("modprobe nmi_ipi_test 2>/dev/null"))
		ksft_print_msg("modprobe nmi_ipi_test failed\n");
	/* A page never touched (not present) and one that is. */
	absent = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (absent == MAP_FAILED)
		err(1, "mmap");
	present = absent + 4096;
	present[0] = 1;

	if (read_stats(&s)) {
		test_module("NMI IPIs while user code runs", 0, false);
		test_module("NMI handler reads a present user page", (unsigned long)present,
			    false);
		test_module("NMI handler faults on a not-present user page",
			    (unsigned long)absent, true);
		test_cr2_under_nmi(absent);
		test_dr6_under_nmi(absent);
	} else {
		ksft_test_result_skip("NMI IPIs: no module (CONFIG_X86_NMI_IPI_TEST)\n");
		ksft_test_result_skip("NMI user read: no nmi_ipi_test module\n");
		ksft_test_result_skip("NMI user fault: no nmi_ipi_test module\n");
		ksft_test_result_skip("#PF under NMIs: no nmi_ipi_test module\n");
		ksft_test_result_skip("DR6 under NMIs: no nmi_ipi_test module\n");
	}
	test_sysrq();
	if (!fred_active())
		ksft_test_result_skip("FRED-only: CPU flag and boot message: FRED is not active\n");
	else
		ksft_test_result(kmsg_mentions_fred(),
				 "FRED-only: 'fred' CPU flag, and the kernel log says FRED\n");
	ksft_finished();
}
