// SPDX-License-Identifier: GPL-2.0
/*
 * Exceptions raised in user mode must end in the signal user space has
 * always seen, whichever way the kernel took the event (IDT or FRED):
 * the signal, si_code, si_addr, the trap number and error code in the
 * signal frame, every register as it was at the event, and a correct
 * resume after sigreturn with all of the user state intact.
 */
#define _GNU_SOURCE
#include <asm/ldt.h>
#include <err.h>
#include <errno.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../kselftest.h"
#include "entry_harness.h"

#ifdef __x86_64__
# include <asm/prctl.h>
#endif

#define TRAPNO_DE	0
#define TRAPNO_DB	1
#define TRAPNO_BP	3
#define TRAPNO_OF	4
#define TRAPNO_BR	5
#define TRAPNO_UD	6
#define TRAPNO_NP	11
#define TRAPNO_SS	12
#define TRAPNO_GP	13
#define TRAPNO_PF	14
#define TRAPNO_MF	16
#define TRAPNO_AC	17
#define TRAPNO_XM	19

#define PF_PROT		0x1
#define PF_WRITE	0x2
#define PF_USER		0x4
#define PF_INSTR	0x10

#define LDT_ENTRY_NP	0	/* a not-present data segment */
#define SEL_LDT_NP	((LDT_ENTRY_NP << 3) | 4 | 3)

/*
 * Event targets: naked functions whose first instruction raises the event.
 * The comment gives its encoding, hence the offsets used below.
 */
#define TARGET(name, insns)						\
	static void __attribute__((naked)) name(void)			\
	{								\
		asm volatile (insns "\n\tret");				\
	}

TARGET(t_div0, "divl %ecx")			/* f7 f1 */
TARGET(t_ud2, "ud2")				/* 0f 0b */
TARGET(t_int3, "int3")				/* cc */
TARGET(t_int_3, ".byte 0xcd, 0x03")		/* int $3 */
TARGET(t_icebp, ".byte 0xf1")			/* int1 */
TARGET(t_into, ".byte 0xce")			/* into */
TARGET(t_hlt, "hlt")				/* f4 */
TARGET(t_rdmsr, "rdmsr")			/* 0f 32 */
TARGET(t_movcr0, ".byte 0x0f, 0x20, 0xc0")	/* mov %cr0, %eax */
TARGET(t_int81, "int $0x81")			/* cd 81 */
TARGET(t_load, ".byte 0x8b, 0x18")		/* mov (%Rax), %ebx */
TARGET(t_store, ".byte 0x89, 0x18")		/* mov %ebx, (%Rax) */
TARGET(t_jmp, ".byte 0xff, 0xe0")		/* jmp *%Rax */
TARGET(t_load_es, ".byte 0x8e, 0xc0")		/* mov %eax, %es */
TARGET(t_load_ss, ".byte 0x8e, 0xd0")		/* mov %eax, %ss */
#ifndef __x86_64__
TARGET(t_bound, ".byte 0x62, 0x01")		/* bound %eax, (%ecx) */
#endif
/* pushf; orl $0x100, (%Rsp); popf; nop: the trap lands on the ret, at 10 */
TARGET(t_step, "pushf\n\t.byte 0x81, 0x0c, 0x24, 0x00, 0x01, 0x00, 0x00\n\tpopf\n\tnop")

static char *page_none, *page_ro, *page_rw, *page_unmapped;
#ifndef __x86_64__
static int bounds[2] = { 0, 10 };
#endif
static unsigned long misaligned[4];

/* What the signal handler saw. */
static struct {
	int count, signo, code;
	void *addr;
	unsigned long ip, trapno, err, flags;
	unsigned long gpr[NR_GPRS];
} ev;
static unsigned long resume_ip, clear_flags;

static void handler(int sig, siginfo_t *si, void *ctx_void)
{
	ucontext_t *ctx = ctx_void;
	greg_t *g = ctx->uc_mcontext.gregs;
	unsigned int i;

	clear_ac();
	if (ev.count++)
		return;		/* only the first event counts */
	ev.signo = sig;
	ev.code = si->si_code;
	ev.addr = si->si_addr;
	ev.ip = g[REG_IP];
	ev.trapno = g[REG_TRAPNO];
	ev.err = g[REG_ERR];
	ev.flags = g[REG_EFL];
	for (i = 0; i < NR_GPRS; i++)
		ev.gpr[i] = g[gpr_greg[i]];
	g[REG_IP] = resume_ip;
	g[REG_EFL] &= ~clear_flags;
}

struct xcase {
	const char *name;
	void (*target)(void);
	void (*setup)(struct uregs *in);
	int signo, code;
	unsigned long addr;		/* expected si_addr */
	bool addr_is_ip;		/* si_addr is the event's IP */
	unsigned int ip_off;		/* expected IP - target */
	bool ip_is_addr;		/* the IP is the fault address */
	unsigned int resume_off;	/* resume at target + this */
	unsigned long trapno, err;
	unsigned long clear_flags;
	const char *skip_if_sig;	/* "why" when this signal comes instead */
	int skip_sig;
};

static void set_div0(struct uregs *in)
{
	in->gpr[GPR_CX] = 0;
}

static void set_divovf(struct uregs *in)
{
	in->gpr[GPR_AX] = 0;
	in->gpr[GPR_DX] = 2;		/* 2 << 32 / 1 does not fit */
	in->gpr[GPR_CX] = 1;
}

#ifdef __x86_64__
static void set_noncanon(struct uregs *in)
{
	in->gpr[GPR_AX] = 0x8000000000000000UL;
}

static void set_kernel_addr(struct uregs *in)
{
	in->gpr[GPR_AX] = 0xffffffff81000000UL;
}
#endif

static void set_unmapped(struct uregs *in)
{
	in->gpr[GPR_AX] = (unsigned long)page_unmapped + 0x10;
}

static void set_ro(struct uregs *in)
{
	in->gpr[GPR_AX] = (unsigned long)page_ro + 0x20;
}

static void set_none(struct uregs *in)
{
	in->gpr[GPR_AX] = (unsigned long)page_none + 0x30;
}

static void set_nx(struct uregs *in)
{
	in->gpr[GPR_AX] = (unsigned long)page_rw + 0x40;
}

static void set_sel_np(struct uregs *in)
{
	in->gpr[GPR_AX] = SEL_LDT_NP;
}

#ifndef __x86_64__
static void set_bound(struct uregs *in)
{
	in->gpr[GPR_AX] = 100;
	in->gpr[GPR_CX] = (unsigned long)bounds;
}
#endif

static void set_misaligned(struct uregs *in)
{
	in->gpr[GPR_AX] = (unsigned long)misaligned + 1;
	in->flags |= X86_FLAGS_AC;
}

#define ADDR_FROM_AX	1	/* xcase.addr: the address the case put in AX */

static const struct xcase cases[] = {
	{ "#DE: divide by zero", t_div0, set_div0, SIGFPE, FPE_INTDIV, 0, true,
	  0, false, 2, TRAPNO_DE, 0 },
	{ "#DE: quotient too large", t_div0, set_divovf, SIGFPE, FPE_INTDIV, 0, true,
	  0, false, 2, TRAPNO_DE, 0 },
	{ "#DB: TF single-step", t_step, NULL, SIGTRAP, TRAP_TRACE, 0, true,
	  10, false, 10, TRAPNO_DB, 0, X86_FLAGS_TF },
	{ "#DB: INT1 (ICEBP)", t_icebp, NULL, SIGTRAP, TRAP_BRKPT, 0, true,
	  1, false, 1, TRAPNO_DB, 0, 0,
	  "this CPU (QEMU TCG) raises #UD for ICEBP", SIGILL },
	{ "#BP: INT3", t_int3, NULL, SIGTRAP, SI_KERNEL, 0, false,
	  1, false, 1, TRAPNO_BP, 0 },
	{ "#BP: INT $3", t_int_3, NULL, SIGTRAP, SI_KERNEL, 0, false,
	  2, false, 2, TRAPNO_BP, 0 },
#ifdef __x86_64__
	{ "#UD: INTO in 64-bit mode", t_into, NULL, SIGILL, ILL_ILLOPN, 0, true,
	  0, false, 1, TRAPNO_UD, 0 },
#else
	{ "#OF: INTO with OF set", t_into, NULL, SIGSEGV, SI_KERNEL, 0, false,
	  1, false, 1, TRAPNO_OF, 0 },
	{ "#BR: BOUND out of range", t_bound, set_bound, SIGSEGV, SI_KERNEL, 0, false,
	  0, false, 2, TRAPNO_BR, 0 },
#endif
	{ "#UD: UD2", t_ud2, NULL, SIGILL, ILL_ILLOPN, 0, true,
	  0, false, 2, TRAPNO_UD, 0 },
	{ "#GP: HLT in ring 3", t_hlt, NULL, SIGSEGV, SI_KERNEL, 0, false,
	  0, false, 1, TRAPNO_GP, 0 },
	{ "#GP: RDMSR in ring 3", t_rdmsr, NULL, SIGSEGV, SI_KERNEL, 0, false,
	  0, false, 2, TRAPNO_GP, 0 },
	{ "#GP: MOV from CR0 in ring 3", t_movcr0, NULL, SIGSEGV, SI_KERNEL, 0, false,
	  0, false, 3, TRAPNO_GP, 0 },
	{ "#GP: INT $0x81 (gate not for user mode)", t_int81, NULL, SIGSEGV, SI_KERNEL,
	  0, false, 0, false, 2, TRAPNO_GP, (0x81 << 3) | 2 },
#ifdef __x86_64__
	{ "#GP: non-canonical address", t_load, set_noncanon, SIGSEGV, SI_KERNEL, 0, false,
	  0, false, 2, TRAPNO_GP, 0 },
	{ "#PF: read of a kernel address", t_load, set_kernel_addr, SIGSEGV, SEGV_MAPERR,
	  0xffffffff81000000UL, false, 0, false, 2, TRAPNO_PF, PF_USER | PF_PROT },
#endif
	{ "#NP: load ES with a not-present LDT segment", t_load_es, set_sel_np, SIGBUS,
	  SI_KERNEL, 0, false, 0, false, 2, TRAPNO_NP, SEL_LDT_NP & ~3 },
	{ "#SS: load SS with a not-present LDT segment", t_load_ss, set_sel_np, SIGBUS,
	  SI_KERNEL, 0, false, 0, false, 2, TRAPNO_SS, SEL_LDT_NP & ~3 },
	{ "#PF: read, not mapped", t_load, set_unmapped, SIGSEGV, SEGV_MAPERR, ADDR_FROM_AX, false,
	  0, false, 2, TRAPNO_PF, PF_USER },
	{ "#PF: write, not mapped", t_store, set_unmapped, SIGSEGV, SEGV_MAPERR, ADDR_FROM_AX,
	  false,
	  0, false, 2, TRAPNO_PF, PF_USER | PF_WRITE },
	{ "#PF: write, read-only page", t_store, set_ro, SIGSEGV, SEGV_ACCERR, ADDR_FROM_AX, false,
	  0, false, 2, TRAPNO_PF, PF_USER | PF_WRITE | PF_PROT },
	{ "#PF: read, PROT_NONE page", t_load, set_none, SIGSEGV, SEGV_ACCERR, ADDR_FROM_AX, false,
	  0, false, 2, TRAPNO_PF, PF_USER },
	{ "#PF: execute, no-exec page", t_jmp, set_nx, SIGSEGV, SEGV_ACCERR, ADDR_FROM_AX, false,
	  0, true, 2, TRAPNO_PF, PF_USER | PF_INSTR | PF_PROT },
	{ "#PF: execute, not mapped", t_jmp, set_unmapped, SIGSEGV, SEGV_MAPERR, ADDR_FROM_AX,
	  false,
	  0, true, 2, TRAPNO_PF, PF_USER | PF_INSTR },
	{ "#AC: misaligned load with EFLAGS.AC", t_load, set_misaligned, SIGBUS, BUS_ADRALN,
	  0, false, 0, false, 2, TRAPNO_AC, 0, X86_FLAGS_AC },
};

static unsigned long fs_gs_bases(unsigned long *gs)
{
	unsigned long fs = 0;

	*gs = 0;
#ifdef __x86_64__
	syscall(SYS_arch_prctl, ARCH_GET_FS, &fs);
	syscall(SYS_arch_prctl, ARCH_GET_GS, gs);
#else
	unsigned short fsel, gsel;

	/*
	 * Selectors: any null one (0-3) counts as 0. The kernel may load
	 * FS = 3 on sigreturn; returning to user mode may keep it or null it.
	 */
	asm volatile ("mov %%fs, %0; mov %%gs, %1" : "=r" (fsel), "=r" (gsel));
	fs = fsel & ~3 ? fsel : 0;
	*gs = gsel & ~3 ? gsel : 0;
#endif
	return fs;
}

static bool expect(const char *name, const char *what, unsigned long got, unsigned long want)
{
	if (got == want)
		return true;
	ksft_test_result_fail("%s: %s is %#lx, expected %#lx\n", name, what, got, want);
	return false;
}

static void run_case(const struct xcase *c, unsigned int seed)
{
	unsigned long t = (unsigned long)c->target, want_addr, want_ip;
	unsigned long fs0, gs0, fs1, gs1;
	struct uregs in, out;
	char why[96];
	unsigned int i;

	uregs_fill(&in, seed);
	if (c->setup)
		c->setup(&in);
	memset(&ev, 0, sizeof(ev));
	resume_ip = t + c->resume_off;
	clear_flags = c->clear_flags;

	fs0 = fs_gs_bases(&gs0);
	harness(&in, &out, c->target);
	fs1 = fs_gs_bases(&gs1);

	if (c->skip_if_sig && ev.count && ev.signo == c->skip_sig) {
		ksft_test_result_skip("%s: %s\n", c->name, c->skip_if_sig);
		return;
	}
	if (c->signo == SIGBUS && c->code == BUS_ADRALN && !ev.count) {
		ksft_test_result_skip("%s: this CPU (QEMU TCG) does not check alignment\n",
				      c->name);
		return;
	}
	want_ip = c->ip_is_addr ? in.gpr[GPR_AX] : t + c->ip_off;
	want_addr = c->addr_is_ip ? want_ip :
		    c->addr == ADDR_FROM_AX ? in.gpr[GPR_AX] : c->addr;

	if (!expect(c->name, "signal count", ev.count, 1) ||
	    !expect(c->name, "signal", ev.signo, c->signo) ||
	    !expect(c->name, "si_code", ev.code, c->code) ||
	    !expect(c->name, "si_addr", (unsigned long)ev.addr, want_addr) ||
	    !expect(c->name, "IP", ev.ip, want_ip) ||
	    !expect(c->name, "trap number", ev.trapno, c->trapno) ||
	    !expect(c->name, "error code", ev.err, c->err) ||
	    !expect(c->name, "arithmetic flags in the frame",
		    ev.flags & X86_FLAGS_ARITH, in.flags & X86_FLAGS_ARITH))
		return;
	for (i = 0; i < NR_GPRS; i++) {
		if (ev.gpr[i] != in.gpr[i]) {
			ksft_test_result_fail("%s: %s in the frame is %#lx, was %#lx\n",
					      c->name, gpr_names[i], ev.gpr[i], in.gpr[i]);
			return;
		}
	}
	in.flags &= ~c->clear_flags;
	if (!uregs_same(&in, &out, why, sizeof(why))) {
		ksft_test_result_fail("%s: after sigreturn, %s\n", c->name, why);
		return;
	}
	if (fs0 != fs1 || gs0 != gs1) {
		ksft_test_result_fail("%s: FS/GS went from %#lx/%#lx to %#lx/%#lx\n",
				      c->name, fs0, gs0, fs1, gs1);
		return;
	}
	ksft_test_result_pass("%s\n", c->name);
}

/*
 * A fault's saved flags have RF set (SDM Vol. 3, "Instruction-Breakpoint
 * Exception Condition": RF is pushed as 1 for every fault-class exception
 * but an instruction breakpoint), so that a breakpoint on the faulting
 * instruction does not fire again when a debugger restarts it. Under FRED,
 * INT n through a gate that user mode may not use arrives as a software
 * interrupt, and the kernel makes it the #GP an IDT CPU raises: its frame
 * must have RF as the CPU's would. In IDT mode the CPU sets it; QEMU 7.2
 * TCG does not (measured), hence the skip there.
 */
static void test_int_gp_rf(void)
{
	const char *name = "#GP: INT $0x81 saves flags with RF set, as a fault does";
	struct uregs in, out;

	uregs_fill(&in, 99);
	memset(&ev, 0, sizeof(ev));
	resume_ip = (unsigned long)t_int81 + 2;
	clear_flags = 0;
	harness(&in, &out, t_int81);
	if (!expect(name, "signal count", ev.count, 1) ||
	    !expect(name, "trap number", ev.trapno, TRAPNO_GP))
		return;
	if (!(ev.flags & X86_FLAGS_RF) && !fred_active()) {
		ksft_test_result_skip("%s: this CPU (QEMU TCG) leaves RF clear\n", name);
		return;
	}
	ksft_test_result(ev.flags & X86_FLAGS_RF, "%s (flags %#lx)\n", name, ev.flags);
}

/* x87 and SSE exceptions leave pending state behind: leave by longjmp. */
static sigjmp_buf fpu_jmp;

static void fpu_handler(int sig, siginfo_t *si, void *ctx_void)
{
	ucontext_t *ctx = ctx_void;

	ev.count++;
	ev.signo = sig;
	ev.code = si->si_code;
	ev.addr = si->si_addr;
	ev.ip = ctx->uc_mcontext.gregs[REG_IP];
	ev.trapno = ctx->uc_mcontext.gregs[REG_TRAPNO];
	siglongjmp(fpu_jmp, 1);
}

static void t_mf(void)
{
	unsigned short cw = 0x037b;	/* default, with #Z unmasked */
	float one = 1.0f, zero = 0.0f;

	asm volatile ("fninit\n\t"
		      "fldcw %0\n\t"
		      "flds %1\n\t"
		      "fdivs %2\n\t"
		      "fwait"
		      : : "m" (cw), "m" (one), "m" (zero));
}

static void t_xm(void)
{
	unsigned int mxcsr = 0x1f80 & ~(1 << 9);	/* #Z unmasked */
	float one = 1.0f, zero = 0.0f;

	asm volatile ("ldmxcsr %0\n\t"
		      "movss %1, %%xmm0\n\t"
		      "divss %2, %%xmm0"
		      : : "m" (mxcsr), "m" (one), "m" (zero));	/* never returns */
}

static void run_fpu_case(const char *name, void (*fn)(void), unsigned long trapno)
{
	unsigned int mxcsr = 0x1f80, after;
	struct sigaction sa = { .sa_sigaction = fpu_handler, .sa_flags = SA_SIGINFO };

	sigaction(SIGFPE, &sa, NULL);
	memset(&ev, 0, sizeof(ev));
	if (!sigsetjmp(fpu_jmp, 1))
		fn();
	asm volatile ("stmxcsr %0" : "=m" (after));
	asm volatile ("fninit\n\tldmxcsr %0" : : "m" (mxcsr));
	sa.sa_sigaction = handler;
	sigaction(SIGFPE, &sa, NULL);

	if (!ev.count && trapno == TRAPNO_XM && (after & 0x4)) {
		ksft_test_result_skip("%s: MXCSR.ZE was set but no #XM came (QEMU TCG)\n",
				      name);
		return;
	}
	if (expect(name, "signal count", ev.count, 1) &&
	    expect(name, "signal", ev.signo, SIGFPE) &&
	    expect(name, "si_code", ev.code, FPE_FLTDIV) &&
	    expect(name, "si_addr", (unsigned long)ev.addr, ev.ip) &&
	    expect(name, "trap number", ev.trapno, trapno))
		ksft_test_result_pass("%s\n", name);
}

/*
 * A hardware breakpoint and a watchpoint set by a tracer through ptrace:
 * the tracee stops with SIGTRAP/TRAP_HWBKPT and the tracer reads in DR6
 * which one fired.
 */
static int watched;
TARGET(t_bp_here, "nop")

static void test_ptrace_dr(void)
{
	int status, i;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		err(1, "fork");
	if (pid == 0) {
		if (ptrace(PTRACE_TRACEME, 0, 0, 0))
			_exit(1);
		raise(SIGSTOP);
		t_bp_here();
		asm volatile ("movl $1, %0" : "=m" (watched));
		_exit(0);
	}
	waitpid(pid, &status, 0);
	if (!WIFSTOPPED(status)) {
		ksft_test_result_fail("ptrace: tracee did not stop\n");
		ksft_test_result_fail("ptrace: watchpoint not tried\n");
		return;
	}
	/* DR0: execute at t_bp_here; DR1: 4-byte write watch on 'watched'. */
	ptrace(PTRACE_POKEUSER, pid, offsetof(struct user, u_debugreg[0]), (void *)t_bp_here);
	ptrace(PTRACE_POKEUSER, pid, offsetof(struct user, u_debugreg[1]), (void *)&watched);
	if (ptrace(PTRACE_POKEUSER, pid, offsetof(struct user, u_debugreg[7]),
		   (void *)(0x1UL | 0x4UL | (0x1UL << 20) | (0x3UL << 22)))) {
		ksft_test_result_skip("ptrace: cannot set DR7: %s\n", strerror(errno));
		ksft_test_result_skip("ptrace: watchpoint not tried\n");
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		return;
	}
	for (i = 0; i < 2; i++) {
		const char *name = i ? "#DB: data watchpoint set through ptrace" :
				       "#DB: execute breakpoint set through ptrace";
		unsigned long dr6;
		siginfo_t si;

		ptrace(PTRACE_CONT, pid, 0, 0);
		waitpid(pid, &status, 0);
		if (!WIFSTOPPED(status) || WSTOPSIG(status) != SIGTRAP) {
			ksft_test_result_fail("%s: tracee status %#x, expected a SIGTRAP stop\n",
					      name, status);
			continue;
		}
		ptrace(PTRACE_GETSIGINFO, pid, 0, &si);
		dr6 = ptrace(PTRACE_PEEKUSER, pid, offsetof(struct user, u_debugreg[6]), 0);
		if (expect(name, "si_code", si.si_code, TRAP_HWBKPT) &&
		    expect(name, "DR6 B0-B3 seen by the tracer", dr6 & 0xf, 1UL << i) &&
		    expect(name, "DR6.BS seen by the tracer", dr6 & (1UL << 14), 0))
			ksft_test_result_pass("%s\n", name);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
}

static void setup_memory(void)
{
	struct user_desc d = {
		.entry_number = LDT_ENTRY_NP, .base_addr = 0, .limit = 0xfffff,
		.seg_32bit = 1, .contents = 0, .read_exec_only = 0,
		.limit_in_pages = 1, .seg_not_present = 1,
	};
	char *p;

	p = mmap(NULL, 4 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		err(1, "mmap");
	memset(p, 0, 4 * 4096);
	page_none = p;
	page_ro = p + 4096;
	page_rw = p + 2 * 4096;
	page_unmapped = p + 3 * 4096;
	if (mprotect(page_none, 4096, PROT_NONE) || mprotect(page_ro, 4096, PROT_READ) ||
	    munmap(page_unmapped, 4096))
		err(1, "mprotect/munmap");
	if (syscall(SYS_modify_ldt, 1, &d, sizeof(d)))
		err(1, "modify_ldt");
}

int main(void)
{
	struct sigaction sa = { .sa_sigaction = handler, .sa_flags = SA_SIGINFO };
	int sigs[] = { SIGFPE, SIGTRAP, SIGILL, SIGSEGV, SIGBUS };
	unsigned int i;

	ksft_print_header();
	ksft_set_plan(ARRAY_SIZE(cases) + 5);
	ksft_print_msg("vector state: %s\n", os_has_avx() ? "YMM (AVX)" : "XMM");

	setup_memory();
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < ARRAY_SIZE(sigs); i++)
		if (sigaction(sigs[i], &sa, NULL))
			err(1, "sigaction");

	for (i = 0; i < ARRAY_SIZE(cases); i++)
		run_case(&cases[i], i + 1);
	test_int_gp_rf();
	run_fpu_case("#MF: x87 divide by zero", t_mf, TRAPNO_MF);
	run_fpu_case("#XM: SSE divide by zero", t_xm, TRAPNO_XM);
	test_ptrace_dr();

	ksft_finished();
}
