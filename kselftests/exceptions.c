// SPDX-License-Identifier: GPL-2.0
/*
 * User-mode exceptions: each one must end in the right signal, with the
 * si_code, si_addr, trap number and error code user space has always seen,
 * whichever way (IDT or FRED) the kernel took the event.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/ucontext.h>

#include "kselftest.h"

#ifdef __x86_64__
# define REG_IP REG_RIP
#else
# define REG_IP REG_EIP
#endif

static sigjmp_buf jmpbuf;

static struct {
	int signo, code;
	void *addr;
	unsigned long ip, trapno, err;
} got;

static void handler(int sig, siginfo_t *si, void *ctx_void)
{
	ucontext_t *ctx = ctx_void;

	got.signo = sig;
	got.code = si->si_code;
	got.addr = si->si_addr;
	got.ip = ctx->uc_mcontext.gregs[REG_IP];
	got.trapno = ctx->uc_mcontext.gregs[REG_TRAPNO];
	got.err = ctx->uc_mcontext.gregs[REG_ERR];
	if (sig != SIGTRAP)
		siglongjmp(jmpbuf, 1);
}

/* The faulting instructions, each at a known address. */
extern const char de_insn[], ud_insn[], bp_after[], gp_insn[];

static void __attribute__((noinline)) raise_de(void)
{
	unsigned int a = 1, d = 0;

	asm volatile(".globl de_insn\nde_insn: divl %2"
		     : "+a" (a), "+d" (d) : "r" (0));
}

static void __attribute__((noinline)) raise_ud(void)
{
	asm volatile(".globl ud_insn\nud_insn: ud2");
}

static void __attribute__((noinline)) raise_bp(void)
{
	asm volatile("int3\n.globl bp_after\nbp_after: nop");
}

static void __attribute__((noinline)) raise_gp(void)
{
	asm volatile(".globl gp_insn\ngp_insn: hlt");
}

struct expect {
	const char *name;
	void (*raise)(void);
	int signo, code;
	const void *addr;	/* si_addr */
	const void *ip;		/* saved IP in the signal frame */
	unsigned long trapno, err;
};

static void check(const struct expect *e)
{
	memset(&got, 0, sizeof(got));
	if (!sigsetjmp(jmpbuf, 1))
		e->raise();

#define CHECK(field, want) do {						\
	if ((unsigned long)(got.field) != (unsigned long)(want)) {	\
		ksft_test_result_fail("%s: %s is %#lx, expected %#lx\n",	\
				      e->name, #field,			\
				      (unsigned long)(got.field),	\
				      (unsigned long)(want));		\
		return;							\
	}								\
} while (0)
	CHECK(signo, e->signo);
	CHECK(code, e->code);
	CHECK(addr, e->addr);
	CHECK(ip, e->ip);
	CHECK(trapno, e->trapno);
	CHECK(err, e->err);
#undef CHECK
	ksft_test_result_pass("%s\n", e->name);
}

static const struct expect cases[] = {
	{ "#DE divide error", raise_de, SIGFPE, FPE_INTDIV, de_insn, de_insn, 0, 0 },
	{ "#UD ud2", raise_ud, SIGILL, ILL_ILLOPN, ud_insn, ud_insn, 6, 0 },
	{ "#BP int3", raise_bp, SIGTRAP, SI_KERNEL, NULL, bp_after, 3, 0 },
	{ "#GP hlt in ring 3", raise_gp, SIGSEGV, SI_KERNEL, NULL, gp_insn, 13, 0 },
};

int main(void)
{
	struct sigaction sa;
	unsigned int i;

	ksft_print_header();
	ksft_set_plan(sizeof(cases) / sizeof(cases[0]));

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = handler;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGFPE, &sa, NULL) || sigaction(SIGILL, &sa, NULL) ||
	    sigaction(SIGTRAP, &sa, NULL) || sigaction(SIGSEGV, &sa, NULL))
		ksft_exit_fail_msg("sigaction: %s\n", strerror(errno));

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check(&cases[i]);

	ksft_finished();
}
