// SPDX-License-Identifier: GPL-2.0
/*
 * System calls from user mode, through every door the kernel has: SYSCALL,
 * INT $0x80 and the 32-bit vDSO, and the emulated vsyscall page. Each must
 * return the right value, leave every other register as it was (after
 * SYSCALL, RCX and R11 hold the return IP and RFLAGS under the IDT; FRED
 * leaves them alone), be seen whole by ptrace and seccomp, restart as the
 * signal rules say, and fail a bogus sigreturn with SIGSEGV rather than an
 * oops.
 */
#define _GNU_SOURCE
#include <err.h>
#include <errno.h>
#include <asm/ldt.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/auxv.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../kselftest.h"
#include "entry_harness.h"

#define NR32_GETPID	20	/* the i386 table, for INT $0x80 and the vDSO */
#define NR_BAD		1000
#define BAD_NR_RET	(-38L)	/* what an unknown syscall number returns */

#ifndef SYS_SECCOMP
# define SYS_SECCOMP	1	/* si_code of a seccomp SIGSYS */
#endif

#define TARGET(name, insns)						\
	static void __attribute__((naked)) name(void)			\
	{								\
		asm volatile (insns "\n\tret");				\
	}

TARGET(t_int80, "int $0x80")				/* cd 80 */
#ifdef __x86_64__
TARGET(t_syscall, "syscall")				/* 0f 05 */
#endif
/* pushf; orl $0x100, (%Rsp); popf; int $0x80 (at 9); nop (at 11) */
#define STEP_ON "pushf\n\t.byte 0x81, 0x0c, 0x24, 0x00, 0x01, 0x00, 0x00\n\tpopf\n\t"
TARGET(t_step_int80, STEP_ON "int $0x80\n\tnop")
#ifdef __x86_64__
TARGET(t_step_syscall, STEP_ON "syscall\n\tnop")	/* syscall at 9, nop at 11 */
#endif

static bool check_regs(const char *name, const struct uregs *in, const struct uregs *out,
		       const struct uregs *want)
{
	char why[96];

	if (uregs_same(want, out, why, sizeof(why)))
		return true;
	ksft_test_result_fail("%s: %s\n", name, why);
	return false;
}

/*
 * One syscall through the harness: only AX changes, and for SYSCALL without
 * FRED also CX and R11, which the instruction itself loads with the return
 * IP and RFLAGS. FRED delivers SYSCALL as an event that saves both on the
 * stack, and ERETU gives them back as they were.
 */
static void test_regs(const char *name, void (*target)(void), unsigned long nr,
		      long want_ret, bool is_syscall_insn, unsigned int len)
{
	struct uregs in, out, want;

	uregs_fill(&in, nr & 0xff);
	in.gpr[GPR_AX] = nr;
	harness(&in, &out, target);
	want = in;
	want.gpr[GPR_AX] = want_ret;
#ifdef __x86_64__
	if (is_syscall_insn && !fred_active()) {
		want.gpr[GPR_CX] = (unsigned long)target + len;
		want.gpr[10] = in.flags | 0x200;	/* R11: RFLAGS with IF */
		if (out.gpr[GPR_CX] != want.gpr[GPR_CX] || out.gpr[10] != want.gpr[10]) {
			ksft_test_result_fail("%s: RCX/R11 are %#lx/%#lx, expected %#lx/%#lx\n",
					      name, out.gpr[GPR_CX], out.gpr[10],
					      want.gpr[GPR_CX], want.gpr[10]);
			return;
		}
	}
#endif
	if (check_regs(name, &in, &out, &want))
		ksft_test_result_pass("%s\n", name);
}

#ifndef __x86_64__
/*
 * SYSENTER and SYSCALL from 32-bit code, each entered the way the vDSO
 * does (ECX, EDX, EBP pushed; EBP = ESP or ECX): the kernel returns to the
 * vDSO's landing pad, which pops them and returns here. Which of the two
 * a CPU runs in compatibility mode is the vendor's architecture: Intel's
 * SDM makes SYSCALL #UD outside 64-bit mode, AMD's APM makes SYSENTER #UD
 * in long mode. There the case asserts the #UD (the SIGILL handler
 * resumes at the same pops, offset 7); on another vendor's CPU a #UD
 * skips it.
 */
#define FAST_ENTRY(insn) "push %ecx\n\tpush %edx\n\tpush %ebp\n\t" insn \
	"\n\tpop %ebp\n\tpop %edx\n\tpop %ecx"
TARGET(t_sysenter, FAST_ENTRY("movl %esp, %ebp\n\tsysenter"))
TARGET(t_syscall32, FAST_ENTRY("movl %ecx, %ebp\n\tsyscall"))

static unsigned long ud_resume;
static bool got_sigill;

static void sigill_handler(int sig, siginfo_t *si, void *ctx_void)
{
	ucontext_t *ctx = ctx_void;

	got_sigill = true;
	ctx->uc_mcontext.gregs[REG_IP] = ud_resume;
}

/* The CPU's vendor string is one of @vendors ("A|B"). */
static bool vendor_is(const char *vendors, char *v)
{
	unsigned int max, r[3];

	__get_cpuid(0, &max, &r[0], &r[2], &r[1]);
	memcpy(v, r, 12);
	v[12] = 0;
	return strstr(vendors, v);
}

static void test_fast_entry(const char *name, void (*target)(void), const char *ud_vendors)
{
	struct sigaction sa = { .sa_sigaction = sigill_handler, .sa_flags = SA_SIGINFO }, old;
	struct uregs in, out, want;
	char v[13], full[80];
	bool ud;

	uregs_fill(&in, 9);
	in.gpr[GPR_AX] = NR32_GETPID;
	ud_resume = (unsigned long)target + 7;
	got_sigill = false;
	sigaction(SIGILL, &sa, &old);
	harness(&in, &out, target);
	sigaction(SIGILL, &old, NULL);
	ud = vendor_is(ud_vendors, v);
	if (ud) {
		if (got_sigill)
			ksft_test_result_pass("%s: #UD in compatibility mode, as on every %s CPU\n",
					      name, v);
		else
			ksft_test_result_fail("%s: ran (EAX %#lx) where a %s CPU raises #UD\n",
					      name, (unsigned long)out.gpr[GPR_AX], v);
		return;
	}
	if (got_sigill) {
		ksft_test_result_skip("%s: #UD in compatibility mode on this CPU (%s)\n",
				      name, v);
		return;
	}
	snprintf(full, sizeof(full), "%s: getpid, rest kept", name);
	want = in;
	want.gpr[GPR_AX] = getpid();
	if (check_regs(full, &in, &out, &want))
		ksft_test_result_pass("%s\n", full);
}

static void test_vdso(void)
{
	void *vsys = (void *)getauxval(AT_SYSINFO);

	if (!vsys) {
		ksft_test_result_skip("vDSO __kernel_vsyscall: no AT_SYSINFO\n");
		ksft_test_result_skip("vDSO __kernel_vsyscall, bad number: no AT_SYSINFO\n");
		return;
	}
	test_regs("vDSO __kernel_vsyscall: getpid", (void (*)(void))vsys, NR32_GETPID,
		  getpid(), false, 0);
	test_regs("vDSO __kernel_vsyscall: bad number gives -38",
		  (void (*)(void))vsys, NR_BAD, BAD_NR_RET, false, 0);
}

/*
 * Under FRED, __kernel_vsyscall enters by INT $0x80: SYSENTER and SYSCALL
 * return by ERETU like every other event there and only add work. Their
 * alternatives come before the INT $0x80 and must have stayed NOPs.
 */
static void test_vdso_entry(void)
{
	const char *name = "FRED-only: the vDSO enters by INT $0x80";
	const unsigned char *p = (const unsigned char *)getauxval(AT_SYSINFO);
	int i;

	if (!fred_active()) {
		ksft_test_result_skip("%s: FRED is not in use\n", name);
		return;
	}
	if (!p) {
		ksft_test_result_skip("%s: no AT_SYSINFO\n", name);
		return;
	}
	for (i = 0; i < 32; i++) {
		if (p[i] == 0x0f && (p[i + 1] == 0x34 || p[i + 1] == 0x05)) {
			ksft_test_result_fail("%s: %s at __kernel_vsyscall+%d\n", name,
					      p[i + 1] == 0x34 ? "SYSENTER" : "SYSCALL", i);
			return;
		}
		if (p[i] == 0xcd && p[i + 1] == 0x80) {
			ksft_test_result_pass("%s (at +%d)\n", name, i);
			return;
		}
	}
	ksft_test_result_fail("%s: no INT $0x80 in __kernel_vsyscall's first 32 bytes\n", name);
}
#endif

#ifdef __x86_64__
/* The vsyscall page: emulated by the kernel on the #PF of the call. */
typedef long (*vgtod_t)(struct timeval *tv, struct timezone *tz);
typedef long (*vtime_t)(long *t);

static sigjmp_buf vsys_jmp;

static void vsys_segv(int sig)
{
	siglongjmp(vsys_jmp, 1);
}

static void test_vsyscall(void)
{
	vgtod_t vgtod = (vgtod_t)0xffffffffff600000UL;
	vtime_t vtime = (vtime_t)0xffffffffff600400UL;
	struct sigaction sa = { .sa_handler = vsys_segv }, old;
	struct timeval tv, now;
	long ret, t = 0, t2;

	sigaction(SIGSEGV, &sa, &old);
	if (sigsetjmp(vsys_jmp, 1)) {
		sigaction(SIGSEGV, &old, NULL);
		ksft_test_result_skip("vsyscall gettimeofday: vsyscall=none\n");
		ksft_test_result_skip("vsyscall time: vsyscall=none\n");
		return;
	}
	ret = vgtod(&tv, NULL);
	gettimeofday(&now, NULL);
	sigaction(SIGSEGV, &old, NULL);
	ksft_test_result(ret == 0 && now.tv_sec - tv.tv_sec <= 1 && now.tv_sec >= tv.tv_sec,
			 "vsyscall gettimeofday (emulated): ret %ld, %ld s behind\n",
			 ret, (long)(now.tv_sec - tv.tv_sec));
	sigaction(SIGSEGV, &sa, NULL);
	t2 = vtime(&t);
	sigaction(SIGSEGV, &old, NULL);
	ksft_test_result(t2 == t && t2 - time(NULL) <= 1 && time(NULL) >= t2,
			 "vsyscall time (emulated): %ld\n", t2);
}
#endif

/* Run fn in a child; return its wait status. */
static int in_child(void (*fn)(void))
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		err(1, "fork");
	if (pid == 0) {
		fn();
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid)
		err(1, "waitpid");
	return status;
}

#ifdef __x86_64__
/*
 * SYSENTER in 64-bit mode. AMD CPUs raise #UD; Intel CPUs execute it, and
 * under FRED it arrives as a SYSENTER event from 64-bit code, which has no
 * system call ABI: the kernel must raise #UD itself, with RIP at the
 * SYSENTER, and run no system call. The child exits 0 on SIGILL there,
 * 100 + the signal on another signal or place, 1 if SYSENTER returned.
 */
extern char sysenter64_insn[];

static void sysenter64_handler(int sig, siginfo_t *si, void *ctx_void)
{
	ucontext_t *ctx = ctx_void;

	_exit(sig == SIGILL &&
	      ctx->uc_mcontext.gregs[REG_RIP] == (long)sysenter64_insn ? 0 : 100 + sig);
}

static void sysenter64_child(void)
{
	struct sigaction sa = { .sa_sigaction = sysenter64_handler, .sa_flags = SA_SIGINFO };

	sigaction(SIGILL, &sa, NULL);
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	sigaction(SIGTRAP, &sa, NULL);
	alarm(5);
	asm volatile ("mov %0, %%eax\n\t"
		      ".globl sysenter64_insn\n"
		      "sysenter64_insn: sysenter"
		      : : "i" (NR32_GETPID) : "memory", "rax", "rcx", "r11");
	_exit(1);
}

static void test_sysenter64(void)
{
	const char *name = "FRED-only: SYSENTER in 64-bit mode is #UD at it";
	int status;

	if (!fred_active()) {
		ksft_test_result_skip("%s: FRED is not in use\n", name);
		return;
	}
	status = in_child(sysenter64_child);
	ksft_test_result(WIFEXITED(status) && WEXITSTATUS(status) == 0,
			 "%s (status %#x)\n", name, status);
}
#endif

/* ptrace: the syscall-entry stop sees the number and all six arguments. */
static const unsigned long ptrace_args[6] = {
	0x1111, 0x2222, 0x3333, 0x4444, 0x5555, 0x6666,
};

static void ptrace_tracee(void)
{
	if (ptrace(PTRACE_TRACEME, 0, 0, 0))
		_exit(3);
	raise(SIGSTOP);
	/* an unused number: the tracer checks it and rewrites the result */
	if (syscall(NR_BAD, ptrace_args[0], ptrace_args[1], ptrace_args[2],
		    ptrace_args[3], ptrace_args[4], ptrace_args[5]) == 42)
		_exit(0);
	_exit(1);
}

static void test_ptrace(void)
{
	struct user_regs_struct r;
	unsigned long got[7];
	int status, i;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		err(1, "fork");
	if (pid == 0)
		ptrace_tracee();
	waitpid(pid, &status, 0);
	ptrace(PTRACE_SYSCALL, pid, 0, 0);
	waitpid(pid, &status, 0);
	/* Stops at other syscalls (libc's) may come first: find ours. */
	for (i = 0; i < 20 && WIFSTOPPED(status); i++) {
		ptrace(PTRACE_GETREGS, pid, 0, &r);
#ifdef __x86_64__
		if (r.orig_rax == NR_BAD)
			break;
#else
		if (r.orig_eax == NR_BAD)
			break;
#endif
		ptrace(PTRACE_SYSCALL, pid, 0, 0);
		waitpid(pid, &status, 0);
		ptrace(PTRACE_SYSCALL, pid, 0, 0);
		waitpid(pid, &status, 0);
	}
#ifdef __x86_64__
	got[0] = r.orig_rax;
	got[1] = r.rdi; got[2] = r.rsi; got[3] = r.rdx;
	got[4] = r.r10; got[5] = r.r8; got[6] = r.r9;
#else
	got[0] = r.orig_eax;
	got[1] = r.ebx; got[2] = r.ecx; got[3] = r.edx;
	got[4] = r.esi; got[5] = r.edi; got[6] = r.ebp;
#endif
	for (i = 0; i < 6; i++)
		if (got[i + 1] != ptrace_args[i])
			break;
	ksft_test_result(got[0] == NR_BAD && i == 6,
			 "ptrace syscall-entry stop sees the number and six arguments (%d ok)\n",
			 i);

	ptrace(PTRACE_SYSCALL, pid, 0, 0);
	waitpid(pid, &status, 0);
	ptrace(PTRACE_GETREGS, pid, 0, &r);
#ifdef __x86_64__
	ksft_test_result((long)r.rax == BAD_NR_RET,
			 "ptrace syscall-exit stop sees -38 (%ld)\n", (long)r.rax);
	r.rax = 42;
#else
	ksft_test_result((long)r.eax == BAD_NR_RET,
			 "ptrace syscall-exit stop sees -38 (%ld)\n", (long)r.eax);
	r.eax = 42;
#endif
	ptrace(PTRACE_SETREGS, pid, 0, &r);
	ptrace(PTRACE_DETACH, pid, 0, 0);
	waitpid(pid, &status, 0);
	ksft_test_result(WIFEXITED(status) && WEXITSTATUS(status) == 0,
			 "a return value set at the exit stop reaches the tracee (status %#x)\n",
			 status);
}

/* seccomp SECCOMP_RET_TRAP: SIGSYS with every field set. */
static void sigsys_handler(int sig, siginfo_t *si, void *ctx_void)
{
	ucontext_t *ctx = ctx_void;
#ifdef __x86_64__
	unsigned int arch = AUDIT_ARCH_X86_64;
#else
	unsigned int arch = AUDIT_ARCH_I386;
#endif
	bool ok = si->si_code == SYS_SECCOMP && si->si_syscall == NR_BAD &&
		  si->si_arch == arch && si->si_errno == 77 && si->si_call_addr &&
		  (unsigned long)si->si_call_addr == (unsigned long)ctx->uc_mcontext.gregs[REG_IP];

	/* the syscall's return value, as the handler chooses */
#ifdef __x86_64__
	ctx->uc_mcontext.gregs[REG_RAX] = ok ? 4242 : -1;
#else
	ctx->uc_mcontext.gregs[REG_EAX] = ok ? 4242 : -1;
#endif
}

static void seccomp_child(void)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, NR_BAD, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRAP | 77),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { .len = ARRAY_SIZE(f), .filter = f };
	struct sigaction sa = { .sa_sigaction = sigsys_handler, .sa_flags = SA_SIGINFO };

	sigaction(SIGSYS, &sa, NULL);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog))
		_exit(2);
	_exit(syscall(NR_BAD, 1, 2, 3) == 4242 ? 0 : 1);
}

static void test_seccomp(void)
{
	int status = in_child(seccomp_child);

	if (WIFEXITED(status) && WEXITSTATUS(status) == 2)
		ksft_test_result_skip("seccomp RET_TRAP: cannot install a filter\n");
	else
		ksft_test_result(WIFEXITED(status) && WEXITSTATUS(status) == 0,
				 "seccomp RET_TRAP: SIGSYS fields, return value from the handler (status %#x)\n",
				 status);
}

/* Restart rules: SA_RESTART restarts, its absence gives EINTR. */
static int pipefd[2];

static void noop_handler(int sig)
{
}

static void restart_child(bool restart)
{
	struct sigaction sa = { .sa_handler = noop_handler };
	struct itimerval it = { .it_value = { .tv_usec = 50000 } };
	char c;
	ssize_t n;

	sa.sa_flags = restart ? SA_RESTART : 0;
	sigaction(SIGALRM, &sa, NULL);
	setitimer(ITIMER_REAL, &it, NULL);
	n = read(pipefd[0], &c, 1);	/* the parent writes after 300 ms */
	if (restart)
		_exit(n == 1 && c == 'x' ? 0 : 1);
	_exit(n == -1 && errno == EINTR ? 0 : 1);
}

static void restart_with(void)
{
	restart_child(true);
}

static void restart_without(void)
{
	restart_child(false);
}

static int in_child_with_pipe(void (*fn)(void))
{
	struct timespec ts = { 0, 300 * 1000 * 1000 };
	int status;
	pid_t pid;

	if (pipe(pipefd))
		err(1, "pipe");
	pid = fork();
	if (pid < 0)
		err(1, "fork");
	if (pid == 0)
		fn();
	nanosleep(&ts, NULL);
	if (write(pipefd[1], "x", 1) != 1)
		err(1, "write");
	waitpid(pid, &status, 0);
	close(pipefd[0]);
	close(pipefd[1]);
	return status;
}

static void test_restart(void)
{
	int status;

	status = in_child_with_pipe(restart_with);
	ksft_test_result(WIFEXITED(status) && WEXITSTATUS(status) == 0,
			 "SA_RESTART: a read interrupted by a signal restarts and completes\n");
	status = in_child_with_pipe(restart_without);
	ksft_test_result(WIFEXITED(status) && WEXITSTATUS(status) == 0,
			 "no SA_RESTART: a read interrupted by a signal fails with EINTR\n");
}

/* -ERESTART_RESTARTBLOCK: nanosleep stopped and continued goes on sleeping. */
static void sleeper(void)
{
	struct timespec ts = { 0, 600 * 1000 * 1000 }, t0, t1;
	long ms;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (syscall(SYS_nanosleep, &ts, NULL))
		_exit(1);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	_exit(ms >= 600 ? 0 : 2);
}

static void test_restart_block(void)
{
	struct timespec ts = { 0, 100 * 1000 * 1000 };
	int status;
	pid_t pid = fork();

	if (pid < 0)
		err(1, "fork");
	if (pid == 0)
		sleeper();
	nanosleep(&ts, NULL);
	kill(pid, SIGSTOP);
	waitpid(pid, &status, WUNTRACED);
	kill(pid, SIGCONT);
	waitpid(pid, &status, 0);
	ksft_test_result(WIFEXITED(status) && WEXITSTATUS(status) == 0,
			 "restart_syscall: nanosleep stopped and continued sleeps its full time (status %#x)\n",
			 status);
}

/*
 * TF set over INT $0x80 or SYSCALL, one trap. Under the IDT the entry
 * clears TF (IDT delivery, or SYSCALL's flag mask) and the return sets it
 * again, so the instruction after it runs before the trap (measured on
 * hardware). FRED event delivery marks the event as a software one (bit
 * 17 of the saved SS word) and keeps TF in the saved RFLAGS; ERETU, seeing
 * both, delivers the single step the instruction owes on return, before
 * the next instruction. AX holds the result.
 */
static unsigned long step_ip[4];
static int step_count;

static void step_handler(int sig, siginfo_t *si, void *ctx_void)
{
	ucontext_t *ctx = ctx_void;

	if (step_count < 4)
		step_ip[step_count] = ctx->uc_mcontext.gregs[REG_IP];
	step_count++;
	ctx->uc_mcontext.gregs[REG_EFL] &= ~X86_FLAGS_TF;
}

static void step_over(const char *name, void (*target)(void), unsigned long nr)
{
	struct sigaction sa = { .sa_sigaction = step_handler, .sa_flags = SA_SIGINFO }, old;
	unsigned long t = (unsigned long)target;
	long want_off = fred_active() ? 11 : 12;	/* after the insn, after the nop */
	struct uregs in, out;

	sigaction(SIGTRAP, &sa, &old);
	uregs_fill(&in, 7);
	in.gpr[GPR_AX] = nr;
	step_count = 0;
	harness(&in, &out, target);
	sigaction(SIGTRAP, &old, NULL);
	ksft_test_result(step_count == 1 && step_ip[0] == t + want_off &&
			 out.gpr[GPR_AX] == (unsigned long)getpid(),
			 "TF over %s: one SIGTRAP, %s (%d, IP +%ld)\n", name,
			 fred_active() ? "right after it (FRED)" : "after the next instruction",
			 step_count, step_count ? (long)(step_ip[0] - t) : -1L);
}

static void test_step_over_syscall(void)
{
	step_over("INT $0x80", t_step_int80, NR32_GETPID);
#ifdef __x86_64__
	step_over("SYSCALL", t_step_syscall, SYS_getpid);
#endif
}

/* sigreturn with a frame the CPU cannot return to: SIGSEGV, never an oops. */
static int bogus_kind;

static void bogus_handler(int sig, siginfo_t *si, void *ctx_void)
{
	ucontext_t *ctx = ctx_void;
	greg_t *g = ctx->uc_mcontext.gregs;

	switch (bogus_kind) {
	case 0:		/* CS: the kernel's code segment (RPL is forced to 3) */
#ifdef __x86_64__
		g[REG_CSGSFS] = (g[REG_CSGSFS] & ~0xffffUL) | 0x10;
#else
		g[REG_CS] = 0x10;
#endif
		break;
	case 1:		/* SS: an LDT selector with no LDT */
#ifdef __x86_64__
		g[REG_CSGSFS] = (g[REG_CSGSFS] & ~(0xffffUL << 48)) | (0x7UL << 48);
		ctx->uc_flags |= UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS;
#else
		g[REG_SS] = 0x7;
#endif
		break;
	case 2:		/* IP: not canonical (64-bit), beyond the segment (32-bit) */
#ifdef __x86_64__
		g[REG_IP] = 0x8000000000000000UL;
#else
		g[REG_IP] = 0xfffffff0;
#endif
		break;
	}
}

static void bogus_child(void)
{
	struct sigaction sa = { .sa_sigaction = bogus_handler, .sa_flags = SA_SIGINFO };

	sigaction(SIGUSR1, &sa, NULL);
	raise(SIGUSR1);
	_exit(0);	/* not reached */
}

static void test_bogus_sigreturn(void)
{
	static const char * const what[] = {
		"kernel CS", "bad SS", "unreachable IP",
	};
	int status;

	for (bogus_kind = 0; bogus_kind < 3; bogus_kind++) {
		status = in_child(bogus_child);
		ksft_test_result(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV,
				 "sigreturn to a %s ends in SIGSEGV (status %#x)\n",
				 what[bogus_kind], status);
	}
}

/* rt_sigreturn with the stack pointer on an unmapped page. */
static void bad_frame_child(void)
{
#ifdef __x86_64__
	asm volatile ("mov $0x1000, %%rsp\n\tmov %0, %%eax\n\tsyscall"
		      : : "i" (SYS_rt_sigreturn) : "memory");
#else
	asm volatile ("mov $0x1000, %%esp\n\tmov %0, %%eax\n\tint $0x80"
		      : : "i" (SYS_rt_sigreturn) : "memory");
#endif
}

static void test_bad_frame(void)
{
	int status = in_child(bad_frame_child);

	ksft_test_result(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV,
			 "rt_sigreturn with an unmapped frame ends in SIGSEGV (status %#x)\n",
			 status);
}

/*
 * sigreturn into 32-bit code on a 16-bit stack segment from the LDT: the
 * code executes INT3 at once, and the SIGTRAP frame shows the SP the CPU
 * had. IRET restores only SP[15:0] for a 16-bit SS and espfix64 puts back
 * SP[31:16]; FRED's ERETU restores ESP itself. Bits 63:32 are another
 * matter: the SDM leaves the upper halves of the registers undefined
 * after a switch to a 32-bit mode, so CPUs and emulators differ (Bochs'
 * FRED model clears them), and only ESP is checked.
 */
#define LDT_DATA16	1
#define SEL_DATA16	((LDT_DATA16 << 3) | 4 | 3)

#ifdef __x86_64__
# define SS16_SP	0xa5a5a5a589ab8000UL
#else
# define SS16_SP	0x89ab8000UL
#endif

static sigjmp_buf ss16_jmp;
static unsigned long ss16_sp;
static bool ss16_trapped;

TARGET(t_compat_int3, "int3")

static void ss16_go(int sig, siginfo_t *si, void *ctx_void)
{
	ucontext_t *ctx = ctx_void;
	greg_t *g = ctx->uc_mcontext.gregs;

	g[REG_IP] = (unsigned long)t_compat_int3;
#ifdef __x86_64__
	g[REG_RSP] = SS16_SP;
	g[REG_CSGSFS] = (g[REG_CSGSFS] & ~0xffffUL & ~(0xffffUL << 48)) | USER32_CS |
			((unsigned long)SEL_DATA16 << 48);
	ctx->uc_flags |= UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS;
#else
	g[REG_ESP] = SS16_SP;
	g[REG_CS] = USER32_CS;
	g[REG_SS] = SEL_DATA16;
#endif
}

static void ss16_trap(int sig, siginfo_t *si, void *ctx_void)
{
	ucontext_t *ctx = ctx_void;

	ss16_sp = ctx->uc_mcontext.gregs[REG_SP];
	ss16_trapped = true;
	siglongjmp(ss16_jmp, 1);
}

static void test_ss16(void)
{
	struct user_desc d = {
		.entry_number = LDT_DATA16, .limit = 0xffff, .seg_32bit = 0,
		.contents = 0, .read_exec_only = 0, .limit_in_pages = 0,
	};
	struct sigaction go = { .sa_sigaction = ss16_go, .sa_flags = SA_SIGINFO };
	struct sigaction trap = { .sa_sigaction = ss16_trap,
				  .sa_flags = SA_SIGINFO | SA_ONSTACK };
	static char altstack[65536];
	stack_t ss = { .ss_sp = altstack, .ss_size = sizeof(altstack) };
	struct sigaction old_go, old_trap;

	if (syscall(SYS_modify_ldt, 1, &d, sizeof(d)) || sigaltstack(&ss, NULL)) {
		ksft_test_result_skip("16-bit SS: no LDT (%s)\n", strerror(errno));
		return;
	}
	sigaction(SIGUSR1, &go, &old_go);
	sigaction(SIGTRAP, &trap, &old_trap);
	ss16_trapped = false;
	if (!sigsetjmp(ss16_jmp, 1))
		raise(SIGUSR1);
	sigaction(SIGUSR1, &old_go, NULL);
	sigaction(SIGTRAP, &old_trap, NULL);

	ksft_test_result(ss16_trapped && (uint32_t)ss16_sp == (uint32_t)SS16_SP,
			 "16-bit SS from the LDT: ESP whole after return (%#lx)\n", ss16_sp);
#ifdef __x86_64__
	ksft_print_msg("16-bit SS: RSP[63:32] after the return %#lx (undefined: not checked)\n",
		       ss16_sp >> 32);
#endif
}

int main(void)
{
	ksft_print_header();
#ifdef __x86_64__
	ksft_set_plan(21);
	test_regs(fred_active() ? "SYSCALL getpid: RAX, rest kept (FRED: RCX, R11 too)" :
		  "SYSCALL getpid: RAX, RCX = next IP, R11 = RFLAGS, rest kept",
		  t_syscall, SYS_getpid, getpid(), true, 2);
	test_regs("SYSCALL bad number gives -38", t_syscall, NR_BAD, BAD_NR_RET, true, 2);
	test_regs("SYSCALL number -1 gives -38", t_syscall, -1UL, BAD_NR_RET, true, 2);
	test_regs("INT $0x80 from 64-bit code: getpid, rest kept", t_int80, NR32_GETPID,
		  getpid(), false, 0);
	test_vsyscall();
	test_sysenter64();
#else
	ksft_set_plan(21);
	test_regs("INT $0x80 getpid: EAX, rest kept", t_int80, NR32_GETPID, getpid(), false, 0);
	test_regs("INT $0x80 bad number gives -38", t_int80, NR_BAD, BAD_NR_RET, false, 0);
	test_regs("INT $0x80 number -1 gives -38", t_int80, -1UL, BAD_NR_RET, false, 0);
	test_vdso();
	test_vdso_entry();
	test_fast_entry("SYSENTER from 32-bit code", t_sysenter,
			"AuthenticAMD|HygonGenuine");
	test_fast_entry("SYSCALL from 32-bit code", t_syscall32,
			"GenuineIntel");
#endif
	test_ptrace();
	test_seccomp();
	test_restart();
	test_restart_block();
	test_step_over_syscall();
	test_bogus_sigreturn();
	test_bad_frame();
	test_ss16();
	ksft_finished();
}
