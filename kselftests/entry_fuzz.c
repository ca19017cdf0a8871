// SPDX-License-Identifier: GPL-2.0
/*
 * An exception fuzzer. Worker processes execute random and mutated
 * instruction bytes with random registers and flags, and now and then
 * return from a signal through a bogus sigreturn frame. Every event must
 * end in a signal to the worker or a clean return to it: the kernel must
 * neither oops nor hang, and each signal frame it builds must hold user
 * state only. The mix of events (the vector of each signal, trapped system
 * calls, timer interrupts, bogus frames) is printed.
 *
 *   entry_fuzz_64 [-n ITERATIONS] [-t SECONDS] [-j WORKERS] [-s SEED]
 *
 * Without -t, each worker runs -n iterations (default 20000) from a fixed
 * seed. With -t, the workers run for that many seconds (make soak). System
 * calls other than sigreturn, exit and arch_prctl end in SIGSYS (a seccomp
 * filter), so the random bytes cannot harm the system; a small LDT gives
 * far transfers and segment loads something to hit.
 */
#define _GNU_SOURCE
#include <asm/ldt.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>

#include "../kselftest.h"
#include "entry_harness.h"

#ifdef __x86_64__
# define NR_ARCH_PRCTL	158
# define ARCH_SET_FS	0x1002
# define ARCH_GET_FS	0x1003
#endif
#define HWCAP2_FSGSBASE	0x2

/* LDT entries and their selectors (TI = 1, RPL = 3). */
enum { LDT_CODE32, LDT_DATA16, LDT_NP, LDT_CODE16, LDT_DOWN, NR_LDT };
#define LDT_SEL(e)	(((e) << 3) | 4 | 3)

/* The fuzzed code and its data live below 4 GiB, for 32-bit mode too. */
#define CODE_ADDR	0x10000000UL
#define PAGE		4096UL
#define UD2_OFF		0xff0		/* a UD2 the bogus frames return to */
#define DATA_ADDR	0x10010000UL
#define DATA_SIZE	0x4000UL
#define STACK_TOP	(DATA_ADDR + DATA_SIZE - 0x100)
#define CODE_MAX	40		/* bytes of templates and random bytes */
#define TIMER_US	10000		/* SIGALRM period: ends code that loops */

/* Events counted per worker: vectors 0-31, then these. */
enum {
	EV_SYSCALL = 32,	/* SIGSYS: a system call the filter trapped */
	EV_TIMER,		/* SIGALRM: the code was still running */
	EV_CLEAN,		/* the code ran to its end and returned */
	EV_EXIT,		/* the code made an exit system call */
	EV_DIED,		/* the worker died of a signal; restarted */
	EV_BLOCKED,		/* the code's own sigreturn blocked SIGALRM */
	EV_BOGUS,		/* a bogus sigreturn frame was tried */
	EV_BOGUS_RAN,		/* ... the CPU returned through it */
	EV_BOGUS_SEGV,		/* ... it ended in SIGSEGV */
	NR_EV
};

static const char * const ev_names[NR_EV] = {
	"#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "#9",
	"#TS", "#NP", "#SS", "#GP", "#PF", "#15", "#MF", "#AC", "#MC", "#XM",
	"#VE", "#CP", "#22", "#23", "#24", "#25", "#26", "#27", "#HV", "#VC",
	"#SX", "#31",
	"syscall->SIGSYS", "timer->SIGALRM", "clean-return", "exit-syscall",
	"worker-died", "sigalrm-blocked", "bogus-sigreturn",
	"bogus-sigreturn-ran", "bogus-sigreturn-SIGSEGV",
};

#define MAX_WORKERS	16

/* Shared between the parent and the workers (MAP_SHARED). */
struct wstats {
	unsigned long iters;
	unsigned long ev[NR_EV];
	unsigned long bad;		/* frames that failed a check */
	unsigned long long died_sigs;	/* bit n-1: a worker died of signal n */
	int finished;			/* the worker ran out its budget */
	int harness_fault;		/* a signal outside the fuzzed code */
	char fault_why[192];		/* the first of those */
	char why[192];			/* the first bad frame */
};

static struct wstats *stats;	/* [MAX_WORKERS + 1]: the last is the stop flag */
static struct wstats *me;

/* The worker's state, shared with its signal handler and the assembly. */
int fuzz_active;			/* the fuzzed code is running */
unsigned long fuzz_saved_sp;		/* fuzz_enter's frame, for the return */
unsigned long fuzz_target;		/* where fuzz_enter jumps */
unsigned int fuzz_mxcsr = 0x1f80;
static int mutated;			/* 0, 1: a bogus frame went out, 2: seen */
static unsigned long saved_tls;		/* FS base (64-bit), GS selector (32-bit) */
#ifdef __x86_64__
static int have_fsgsbase;
#endif
static unsigned long last_pf_addr;	/* cr2 of the last #PF signal */
static stack_t altstack;		/* where the handler runs */
static unsigned long rng;

/*
 * fuzz_enter(regs, code) saves the callee-saved registers and its stack
 * pointer, loads every general register, the flags (regs[NR_GPRS]) and the
 * stack pointer (regs[NR_GPRS + 1]), and jumps to code. It returns 0 when
 * the code runs into its end (fuzz_done), 1 when the signal handler ends
 * the code (fuzz_resume). Both put back the segment registers, the x87 and
 * SSE control state and the flags C code expects.
 */
#ifdef __x86_64__
static int __attribute__((naked)) fuzz_enter(unsigned long *regs, unsigned long code)
{
	asm volatile ("push %rbx\n\t"
		"push %rbp\n\t"
		"push %r12\n\t"
		"push %r13\n\t"
		"push %r14\n\t"
		"push %r15\n\t"
		"mov %rsp, fuzz_saved_sp(%rip)\n\t"
		"mov %rsi, fuzz_target(%rip)\n\t"
		"mov %rdi, %rsp\n\t"
		"movl $1, fuzz_active(%rip)\n\t"
		"pop %rax\n\t"
		"pop %rbx\n\t"
		"pop %rcx\n\t"
		"pop %rdx\n\t"
		"pop %rsi\n\t"
		"pop %rdi\n\t"
		"pop %rbp\n\t"
		"pop %r8\n\t"
		"pop %r9\n\t"
		"pop %r10\n\t"
		"pop %r11\n\t"
		"pop %r12\n\t"
		"pop %r13\n\t"
		"pop %r14\n\t"
		"pop %r15\n\t"
		"popf\n\t"
		"mov (%rsp), %rsp\n\t"
		"jmp *fuzz_target(%rip)\n"
		"fuzz_done:\n\t"
		"movl $0, fuzz_active(%rip)\n\t"
		"mov fuzz_saved_sp(%rip), %rsp\n\t"
		"xor %eax, %eax\n\t"
		"jmp 1f\n"
		"fuzz_resume:\n\t"
		"mov $1, %eax\n"
		"1:\n\t"
		"mov $0x2b, %ecx\n\t"
		"mov %ecx, %ds\n\t"
		"mov %ecx, %es\n\t"
		"cld\n\t"
		"fninit\n\t"
		"ldmxcsr fuzz_mxcsr(%rip)\n\t"
		"push $0x202\n\t"
		"popf\n\t"
		"pop %r15\n\t"
		"pop %r14\n\t"
		"pop %r13\n\t"
		"pop %r12\n\t"
		"pop %rbp\n\t"
		"pop %rbx\n\t"
		"ret");
}
#else
static int __attribute__((naked)) fuzz_enter(unsigned long *regs, unsigned long code)
{
	asm volatile ("push %ebp\n\t"
		"push %ebx\n\t"
		"push %esi\n\t"
		"push %edi\n\t"
		"mov %esp, fuzz_saved_sp\n\t"
		"mov 24(%esp), %eax\n\t"
		"mov %eax, fuzz_target\n\t"
		"mov 20(%esp), %esp\n\t"
		"movl $1, fuzz_active\n\t"
		"pop %eax\n\t"
		"pop %ebx\n\t"
		"pop %ecx\n\t"
		"pop %edx\n\t"
		"pop %esi\n\t"
		"pop %edi\n\t"
		"pop %ebp\n\t"
		"popf\n\t"
		"mov (%esp), %esp\n\t"
		"jmp *fuzz_target\n"
		"fuzz_done:\n\t"
		"mov $0x2b, %ecx\n\t"
		"mov %ecx, %ss\n\t"
		"mov %ecx, %ds\n\t"
		"mov %ecx, %es\n\t"
		"movl $0, fuzz_active\n\t"
		"mov fuzz_saved_sp, %esp\n\t"
		"xor %eax, %eax\n\t"
		"jmp 1f\n"
		"fuzz_resume:\n\t"
		"mov $1, %eax\n"
		"1:\n\t"
		"cld\n\t"
		"fninit\n\t"
		"ldmxcsr fuzz_mxcsr\n\t"
		"push $0x202\n\t"
		"popf\n\t"
		"pop %edi\n\t"
		"pop %esi\n\t"
		"pop %ebx\n\t"
		"pop %ebp\n\t"
		"ret");
}
#endif

/* The address of a label in fuzz_enter's assembly. */
#ifdef __x86_64__
# define ADDR_OF(sym)	"lea " #sym "(%%rip), %0"
#else
# define ADDR_OF(sym)	"mov $" #sym ", %0"
#endif

static unsigned long fuzz_done_addr(void)
{
	unsigned long a;

	asm (ADDR_OF(fuzz_done) : "=r" (a));
	return a;
}

static unsigned long fuzz_resume_addr(void)
{
	unsigned long a;

	asm (ADDR_OF(fuzz_resume) : "=r" (a));
	return a;
}

/* Put back what C code needs of the thread pointer's segment. */
static void restore_tls(void)
{
#ifdef __x86_64__
	if (have_fsgsbase) {
		asm volatile ("mov %0, %%fs\n\twrfsbase %1" : : "r" (0), "r" (saved_tls));
	} else {
		long ret;

		asm volatile ("syscall" : "=a" (ret)
			      : "a" (NR_ARCH_PRCTL), "D" (ARCH_SET_FS), "S" (saved_tls)
			      : "rcx", "r11", "memory");
	}
#else
	asm volatile ("mov %0, %%gs" : : "r" (saved_tls));
#endif
}

static unsigned long next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static unsigned long pick(const unsigned long *v, unsigned int n)
{
	return v[next_rand() % n];
}

static const unsigned long sels[] = {
	0, 3, 0x10, 0x18, 0x1b, 0x23, 0x2b, 0x33, 0x40, 0x43, 0x50, 0x7b,
	LDT_SEL(LDT_CODE32), LDT_SEL(LDT_DATA16), LDT_SEL(LDT_NP),
	LDT_SEL(LDT_CODE16), LDT_SEL(LDT_DOWN), LDT_SEL(NR_LDT), 0xfffc, 0xffff,
};

static unsigned long pick_sel(void)
{
	return next_rand() % 5 ? pick(sels, ARRAY_SIZE(sels)) : next_rand() & 0xffff;
}

static unsigned long pick_addr(void)
{
	static const unsigned long addrs[] = {
		0, 0x10, CODE_ADDR, CODE_ADDR + UD2_OFF, DATA_ADDR, STACK_TOP,
		STACK_TOP + 1, DATA_ADDR + DATA_SIZE, 0xfffff000UL,
#ifdef __x86_64__
		0x00007ffffffff000UL, 0x00007ffffffffffeUL, 0x0000800000000000UL,
		0x8000000000000000UL, 0xffff800000000000UL, 0xffffffff81000000UL,
		0xffffffffff600000UL, 0xffffffffff600400UL, 0xffffffffffffffffUL,
#endif
	};

	switch (next_rand() % 6) {
	case 0:
		return next_rand();
	case 1:
		return DATA_ADDR + next_rand() % DATA_SIZE;
	default:
		return pick(addrs, ARRAY_SIZE(addrs));
	}
}

static unsigned long pick_reg(void)
{
	static const unsigned long small[] = {
		0, 1, 2, 3, 15, 60, 119, 173, 231, 0x80, 0xff, ~0UL, 0x7fffffff,
		0x80000000UL,
	};

	switch (next_rand() % 5) {
	case 0:
		return next_rand();
	case 1:
		return pick_sel();
	case 2:
		return pick(small, ARRAY_SIZE(small));
	default:
		return pick_addr();
	}
}

/* Instruction templates: the events, and the state that changes them. */
struct tmpl {
	const char *b;
	unsigned int len;
};

#define T(s)	{ s, sizeof(s) - 1 }

static const struct tmpl tmpls[] = {
	T("\xcc"),				/* int3 */
	T("\xf1"),				/* int1 */
	T("\x0f\x0b"),				/* ud2 */
	T("\xcd\x80"),				/* int $0x80 */
	T("\xcd\x03"),				/* int $3: INT n, not INT3 */
	T("\xcd\x01"),				/* int $1: gate DPL 0 */
	T("\xcd\x04"),				/* int $4: #OF's user gate */
	T("\xcd\x0e"),				/* int $14 */
	T("\xcd\xec"),				/* a system vector */
	T("\x0f\x05"),				/* syscall */
	T("\x0f\x34"),				/* sysenter */
	T("\xf4"), T("\xfa"), T("\xfb"),	/* hlt, cli, sti */
	T("\xec"), T("\xee"),			/* in, out */
	T("\x0f\x33"), T("\x0f\x32"), T("\x0f\x30"),	/* rdpmc, rdmsr, wrmsr */
	T("\x0f\x01\xc6"),			/* wrmsrns */
	T("\x0f\x01\xf8"),			/* swapgs */
	T("\x0f\x07"), T("\x0f\x35"),		/* sysret, sysexit */
	T("\xf3\x0f\x01\xca"),			/* eretu */
	T("\xf2\x0f\x01\xca"),			/* erets */
	T("\xf2\x0f\x00\xf0"),			/* lkgs %ax */
	T("\x0f\x01\xca"), T("\x0f\x01\xcb"),	/* clac, stac */
	T("\x0f\x01\xc1"),			/* vmcall */
	T("\x0f\x01\xd0"), T("\x0f\x01\xd1"),	/* xgetbv, xsetbv */
	T("\x0f\xa2"), T("\x0f\x31"), T("\x0f\x01\xf9"),	/* cpuid, rdtsc, rdtscp */
	T("\xf3\x0f\xc7\xf8"),			/* rdpid */
	T("\x0f\x01\x00"), T("\x0f\x00\xc8"), T("\x0f\x01\xe0"),	/* sgdt, str, smsw */
	T("\x0f\x09"), T("\x0f\x06"),		/* wbinvd, clts */
	T("\x0f\x20\xc0"), T("\x0f\x21\xc0"),	/* mov %cr0, mov %dr0 */
	T("\x31\xc9\xf7\xf1"),			/* div by 0 */
	T("\xb8\x00\x00\x00\x80\x99\xb9\xff\xff\xff\xff\xf7\xf9"),	/* idiv overflow */
	T("\x8b\x00"), T("\x89\x18"),		/* load, store through a register */
	T("\x8e\xd0"),				/* mov %eax, %ss */
	T("\x8e\xd0\xcc"), T("\x8e\xd0\x0f\x05"), T("\x8e\xd0\xf1"),	/* in the shadow */
	T("\x8e\xd8"), T("\x8e\xc0"), T("\x8e\xe0"), T("\x8e\xe8"),	/* ds es fs gs */
	T("\x9c\x81\x0c\x24\x00\x01\x00\x00\x9d"),		/* TF on */
	T("\x9c\x81\x0c\x24\x00\x00\x04\x00\x9d\x8b\x44\x24\x01"),	/* AC on, misaligned */
	T("\x9c\x81\x0c\x24\x00\x40\x00\x00\x9d"),		/* NT on */
	T("\xdb\xe3\x6a\x00\xd9\x2c\x24\xd9\xe8\xd9\xee\xde\xf9\x9b"),	/* x87 #MF */
	T("\x6a\x00\x0f\xae\x14\x24\x0f\x57\xc0\xf3\x0f\x5e\xc0"),	/* SSE #XM */
	T("\xc3"), T("\xcb"), T("\xcf"),	/* ret, lret, iret */
	T("\xeb\xfe"), T("\xf3\x90\xeb\xfc"),	/* loops: the timer ends them */
	T("\x0f\xae\x20"), T("\x0f\xae\x28"), T("\x0f\xae\x08"),	/* xsave, xrstor, fxrstor */
	T("\x0f\x28\x00"),			/* movaps: alignment */
	T("\x0f\x01\xc8"), T("\x0f\x01\xc9"),	/* monitor, mwait */
	T("\x0f\xb2\x00"),			/* lss */
	T("\xff\x18"), T("\xff\x28"),		/* lcall, ljmp through memory */
	T("\x0f\x01\xee"), T("\x0f\x01\xef"),	/* rdpkru, wrpkru */
	T("\xc4\xe2\x78\x49\xc0"),		/* tilerelease */
	T("\xb8\x0f\x00\x00\x00\x8e\xd0\xeb\xfe"),	/* 16-bit SS, then interrupts */
	T("\xb8\x0f\x00\x00\x00\x8e\xd0\xcc"),	/* 16-bit SS, int3 */
	T("\xb8\x0f\x00\x00\x00\x8e\xd0\x0f\x05"),	/* 16-bit SS, syscall */
#ifdef __x86_64__
	T("\x48\xb8\x00\x00\x00\x00\x00\x00\x00\x80\x48\x8b\x00"),	/* non-canonical */
	T("\x48\xb8\x00\x00\x00\x81\xff\xff\xff\xff\x48\x8b\x00"),	/* kernel address */
	T("\x48\xc7\xc0\x00\x00\x60\xff\xff\xd0"),	/* vsyscall gettimeofday */
	T("\x48\xc7\xc0\x00\x04\x60\xff\xff\xd0"),	/* vsyscall time */
	T("\x48\xc7\xc0\x10\x00\x60\xff\xff\xd0"),	/* vsyscall, bad entry */
	T("\x6a\x23\x48\x8d\x05\x03\x00\x00\x00\x50\x48\xcb"),	/* to 32-bit mode */
	T("\x6a\x07\x48\x8d\x05\x03\x00\x00\x00\x50\x48\xcb"),	/* to LDT code */
	T("\xf3\x48\x0f\xae\xd0"), T("\xf3\x48\x0f\xae\xd8"),	/* wrfsbase, wrgsbase */
	T("\x48\xcf"), T("\x48\xcb"),		/* iretq, lretq */
#else
	T("\x17"), T("\x17\xcc"), T("\x17\x0f\x05"),	/* pop %ss, in its shadow */
	T("\x1f"), T("\x07"), T("\x0f\xa1"), T("\x0f\xa9"),	/* pop ds es fs gs */
	T("\xb8\xff\xff\xff\x7f\x40\xce"),	/* into, overflowed */
	T("\x62\x05\x00\x00\x01\x10"),		/* bound */
	T("\xd4\x00"),				/* aam 0 */
	T("\x9a\x00\x00\x00\x00\x33\x00"),	/* lcall to 64-bit mode */
	T("\xea\xf0\x0f\x00\x10\x33\x00"),	/* ljmp to the UD2, 64-bit */
	T("\x0f\x34\xcc"),			/* sysenter */
#endif
};

static const unsigned char prefixes[] = {
	0x66, 0x67, 0xf0, 0xf2, 0xf3, 0x2e, 0x36, 0x3e, 0x26, 0x64, 0x65,
#ifdef __x86_64__
	0x40, 0x41, 0x48, 0x49, 0x4c, 0x4f,
#endif
};

/* Fill the code page: templates and random bytes, NOPs, a way back. */
static void build_code(unsigned char *code)
{
	unsigned int n = 0, k, i, parts;
	unsigned long done = fuzz_done_addr();

	memset(code, 0xcc, PAGE);
	parts = 1 + next_rand() % 3;
	for (k = 0; k < parts && n < CODE_MAX - 16; k++) {
		if (next_rand() % 4 == 0) {
			unsigned int len = 1 + next_rand() % 12;

			for (i = 0; i < len; i++)
				code[n++] = next_rand();
		} else {
			const struct tmpl *t = &tmpls[next_rand() % ARRAY_SIZE(tmpls)];
			unsigned int start = n;

			if (next_rand() % 5 == 0)
				code[n++] = prefixes[next_rand() % sizeof(prefixes)];
			memcpy(code + n, t->b, t->len);
			n += t->len;
			if (next_rand() % 5 == 0)
				code[start + next_rand() % (n - start)] ^= 1 << (next_rand() % 8);
		}
	}
	memset(code + n, 0x90, 16);
	n += 16;
#ifdef __x86_64__
	code[n++] = 0x48;			/* movabs $fuzz_done, %rax */
	code[n++] = 0xb8;
	memcpy(code + n, &done, 8);
	n += 8;
#else
	code[n++] = 0xb8;			/* mov $fuzz_done, %eax */
	memcpy(code + n, &done, 4);
	n += 4;
#endif
	code[n++] = 0xff;			/* jmp *%rax */
	code[n++] = 0xe0;
	code[UD2_OFF] = 0x0f;
	code[UD2_OFF + 1] = 0x0b;
}

/* The registers, flags and stack of one iteration; a far frame on the stack. */
static void build_regs(unsigned long *regs)
{
	unsigned long *stack = (unsigned long *)STACK_TOP;
	unsigned int i;

	for (i = 0; i < NR_GPRS; i++)
		regs[i] = pick_reg();
	regs[NR_GPRS] = 0x202 | (next_rand() & X86_FLAGS_ARITH);
	if (next_rand() % 8 == 0)
		regs[NR_GPRS] |= X86_FLAGS_AC;
	if (next_rand() % 8 == 0)
		regs[NR_GPRS] |= X86_FLAGS_DF;
	regs[NR_GPRS + 1] = next_rand() % 3 ? STACK_TOP : pick_addr();
	/* what ret, lret and iret find: an IP, CS, flags, SP, SS */
	stack[0] = next_rand() % 2 ? CODE_ADDR + UD2_OFF : pick_addr();
	stack[1] = next_rand() % 2 ? USER_CS : pick_sel();
	stack[2] = next_rand() % 2 ? 0x202 : next_rand();
	stack[3] = next_rand() % 2 ? STACK_TOP : pick_addr();
	stack[4] = next_rand() % 2 ? USER_DS : pick_sel();
	if (next_rand() % 64 == 0)
		for (i = 5; i < DATA_SIZE / sizeof(long) - 64; i++)
			((unsigned long *)DATA_ADDR)[i] = next_rand();
}

/* Append text and a hex number to a report (192 bytes) in struct wstats. */
static void why_add(char *why, const char *s, unsigned long v)
{
	size_t n = strnlen(why, sizeof(me->why));
	int i;

	while (*s && n < sizeof(me->why) - 20)
		why[n++] = *s++;
	why[n++] = '0';
	why[n++] = 'x';
	for (i = sizeof(long) * 2 - 1; i >= 0; i--)
		why[n++] = "0123456789abcdef"[(v >> (i * 4)) & 0xf];
	why[n++] = ' ';
	why[n] = '\0';
}

static void frame_bad(const char *what, unsigned long v, unsigned long ip)
{
	if (!me->bad++) {
		why_add(me->why, what, v);
		why_add(me->why, "at ip", ip);
	}
}

/*
 * What every signal frame must show, whatever the code did: user
 * selectors, user flags, a vector, an error code and a CR2 that are the
 * CPU's (never kernel values from the event's frame).
 */
static void check_frame(int sig, siginfo_t *si, ucontext_t *uc)
{
	greg_t *g = uc->uc_mcontext.gregs;
	unsigned long ip = g[REG_IP], flags = g[REG_EFL];
	unsigned long trapno = g[REG_TRAPNO], err = g[REG_ERR];
#ifdef __x86_64__
	unsigned long cs = g[REG_CSGSFS] & 0xffff, ss = g[REG_CSGSFS] >> 48;
	unsigned long cr2 = g[REG_CR2];

	if (!(uc->uc_flags & UC_SIGCONTEXT_SS))
		frame_bad("no UC_SIGCONTEXT_SS, uc_flags", uc->uc_flags, ip);
#else
	unsigned long cs = g[REG_CS] & 0xffff, ss = g[REG_SS] & 0xffff;
	unsigned long cr2 = uc->uc_mcontext.cr2;
#endif

	/*
	 * Selectors with RPL 3: which ones depends on the code (a far
	 * transfer, its own sigreturn), but the kernel forces RPL 3 on every
	 * frame it returns through, and a FRED frame's event bits above the
	 * selector stay in the kernel.
	 */
	if ((cs & 3) != 3)
		frame_bad("cs", cs, ip);
	if ((ss & 3) != 3)
		frame_bad("ss", ss, ip);
	/*
	 * No bit above ID, IOPL 0, not VM86, IF set. The reserved bits 3, 5
	 * and 15 are left out: QEMU's TCG has once been seen to leave 3 and
	 * 5 set in user mode after random code, in IDT mode too; they are
	 * CPU flag positions, not kernel values.
	 */
	if ((flags & ~0x3fffffUL) || (flags & 0x23000) || !(flags & 0x200))
		frame_bad("flags", flags, ip);
	if (trapno > 31)
		frame_bad("trapno", trapno, ip);
	if (err > 0xffff)
		frame_bad("err", err, ip);
	if (trapno == 14 && (sig == SIGSEGV || sig == SIGBUS) && si->si_code > 0 &&
	    si->si_code != SI_KERNEL) {
		/* a page fault: CR2 is si_addr, the error code says user mode */
		if (cr2 != (unsigned long)si->si_addr)
			frame_bad("#PF cr2 != si_addr, cr2", cr2, ip);
		if (!(err & 4))
			frame_bad("#PF error code without U", err, ip);
		last_pf_addr = cr2;
	} else if (cr2 != last_pf_addr) {
		/* no other event may change it: FRED's event data stays inside */
		frame_bad("cr2 changed without a #PF, cr2", cr2, ip);
	}
}

/* Return from the handler to fuzz_resume with a clean frame. */
static void resume(ucontext_t *uc)
{
	greg_t *g = uc->uc_mcontext.gregs;

	g[REG_IP] = fuzz_resume_addr();
	g[REG_SP] = fuzz_saved_sp;
	g[REG_EFL] = 0x202;
#ifdef __x86_64__
	g[REG_CSGSFS] = USER_CS | ((unsigned long)USER_DS << 48);
	uc->uc_flags = (uc->uc_flags | UC_SIGCONTEXT_SS) & ~UC_STRICT_RESTORE_SS;
#else
	g[REG_CS] = USER_CS;
	g[REG_SS] = USER_DS;
	g[REG_DS] = USER_DS;
	g[REG_ES] = USER_DS;
	g[REG_FS] = 0;
	g[REG_GS] = saved_tls;
#endif
	/* the code's own sigreturn may have changed both: put them back */
	sigemptyset(&uc->uc_sigmask);
	uc->uc_stack = altstack;
	fuzz_active = 0;
}

/* Return through a frame the CPU may refuse: the target is the UD2. */
static void bogus_frame(ucontext_t *uc)
{
	greg_t *g = uc->uc_mcontext.gregs;

	resume(uc);
	fuzz_active = 1;
	g[REG_IP] = CODE_ADDR + UD2_OFF;
	g[REG_SP] = STACK_TOP;
	switch (next_rand() % 8) {
	case 0:
#ifdef __x86_64__
		g[REG_CSGSFS] = (g[REG_CSGSFS] & ~0xffffUL) | pick_sel();
#else
		g[REG_CS] = pick_sel();
#endif
		break;
	case 1:
#ifdef __x86_64__
		g[REG_CSGSFS] = (g[REG_CSGSFS] & 0xffffffffffffUL) | (pick_sel() << 48);
		if (next_rand() % 2)
			uc->uc_flags |= UC_STRICT_RESTORE_SS;
#else
		g[REG_SS] = pick_sel();
#endif
		break;
	case 2:
		g[REG_IP] = pick_addr();
		break;
	case 3:
		g[REG_SP] = pick_addr();
		break;
	case 4:
		g[REG_EFL] = next_rand();
		break;
	case 5:
		uc->uc_mcontext.fpregs = (void *)pick_addr();
		break;
	case 6:
		uc->uc_flags = next_rand();
#ifndef __x86_64__
		g[REG_DS] = pick_sel();
		g[REG_ES] = pick_sel();
		g[REG_FS] = pick_sel();
		g[REG_GS] = pick_sel();
#endif
		break;
	default:
		g[REG_IP] = pick_addr();
		g[REG_SP] = pick_addr();
		g[REG_EFL] = next_rand();
#ifdef __x86_64__
		g[REG_CSGSFS] = pick_sel() | (pick_sel() << 48);
		uc->uc_flags |= UC_STRICT_RESTORE_SS;
#else
		g[REG_CS] = pick_sel();
		g[REG_SS] = pick_sel();
#endif
		break;
	}
#ifdef __x86_64__
	/* what the IDT's SYSRET path checks before it trusts a frame */
	g[REG_RCX] = g[REG_RIP];
	g[REG_R11] = g[REG_EFL];
#endif
}

static void handler(int sig, siginfo_t *si, void *ctx_void)
{
	ucontext_t *uc = ctx_void;
	greg_t *g = uc->uc_mcontext.gregs;
	unsigned long trapno = g[REG_TRAPNO];

	if (!fuzz_active) {
		if (sig == SIGALRM)
			return;
		/* the worker's own code took a fault: see worker_ended() */
		if (!me->fault_why[0]) {
			why_add(me->fault_why, "signal outside the fuzzed code: sig", sig);
			why_add(me->fault_why, "trapno", trapno);
			why_add(me->fault_why, "err", g[REG_ERR]);
			why_add(me->fault_why, "at ip", g[REG_IP]);
		}
		me->harness_fault = sig;
		_exit(3);
	}
	check_frame(sig, si, uc);
	if (mutated == 1) {
		mutated = 2;
		if (sig == SIGILL && (unsigned long)g[REG_IP] == CODE_ADDR + UD2_OFF)
			me->ev[EV_BOGUS_RAN]++;
		else if (sig == SIGSEGV)
			me->ev[EV_BOGUS_SEGV]++;
	}
	if (sig == SIGSYS)
		me->ev[EV_SYSCALL]++;
	else if (sig == SIGALRM)
		me->ev[EV_TIMER]++;
	else
		me->ev[trapno & 31]++;
	if (!mutated && next_rand() % 8 == 0) {
		mutated = 1;
		me->ev[EV_BOGUS]++;
		bogus_frame(uc);
		return;
	}
	resume(uc);
}

/* sigreturn, exit, arch_prctl (FS base) go through; the rest end in SIGSYS. */
static int install_filter(void)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 0, 5),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 15, 9, 0),	/* rt_sigreturn */
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 60, 8, 0),	/* exit */
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 231, 7, 0),	/* exit_group */
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 158, 6, 5),	/* arch_prctl */
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 173, 4, 0),	/* rt_sigreturn */
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 119, 3, 0),	/* sigreturn */
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 1, 2, 0),	/* exit */
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 252, 1, 0),	/* exit_group */
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRAP),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { .len = ARRAY_SIZE(f), .filter = f };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return -1;
	return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog);
}

static void install_ldt(void)
{
	static const struct {
		int seg_32bit, contents, not_present;
		unsigned int limit;
	} e[NR_LDT] = {
		[LDT_CODE32] = { 1, MODIFY_LDT_CONTENTS_CODE, 0, 0xfffff },
		[LDT_DATA16] = { 0, MODIFY_LDT_CONTENTS_DATA, 0, 0xffff },
		[LDT_NP]     = { 1, MODIFY_LDT_CONTENTS_DATA, 1, 0xfffff },
		[LDT_CODE16] = { 0, MODIFY_LDT_CONTENTS_CODE, 0, 0xffff },
		[LDT_DOWN]   = { 1, MODIFY_LDT_CONTENTS_DATA + 1, 0, 0x100 },	/* expand-down */
	};
	struct user_desc d;
	int i;

	for (i = 0; i < NR_LDT; i++) {
		memset(&d, 0, sizeof(d));
		d.entry_number = i;
		d.limit = e[i].limit;
		d.seg_32bit = e[i].seg_32bit;
		d.contents = e[i].contents;
		d.seg_not_present = e[i].not_present;
		d.limit_in_pages = e[i].limit > 0xffff;
		syscall(SYS_modify_ldt, 1, &d, sizeof(d));	/* none: no LDT cases */
	}
}

static void worker(int idx, unsigned long seed, unsigned long iters)
{
	static const int sigs[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP, SIGSYS, SIGALRM };
	struct itimerval it = { { 0, TIMER_US }, { 0, TIMER_US } };
	struct sigaction sa = { .sa_sigaction = handler, .sa_flags = SA_SIGINFO | SA_ONSTACK };
	unsigned long regs[NR_GPRS + 2];
	stack_t ss = { .ss_size = 1 << 16 };
	unsigned int i;
	void *p;

	me = &stats[idx];
	rng = (seed + 1) * 0x9e3779b97f4a7c15ULL;
	if (!rng)
		rng = 1;
	p = mmap((void *)CODE_ADDR, PAGE, PROT_READ | PROT_WRITE | PROT_EXEC,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	if (p != (void *)CODE_ADDR)
		err(1, "mmap code");
	p = mmap((void *)DATA_ADDR, DATA_SIZE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	if (p != (void *)DATA_ADDR)
		err(1, "mmap data");
	ss.ss_sp = mmap(NULL, ss.ss_size, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (ss.ss_sp == MAP_FAILED || sigaltstack(&ss, NULL))
		err(1, "sigaltstack");
	altstack = ss;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < ARRAY_SIZE(sigs); i++)
		sigaddset(&sa.sa_mask, sigs[i]);
	for (i = 0; i < ARRAY_SIZE(sigs); i++)
		if (sigaction(sigs[i], &sa, NULL))
			err(1, "sigaction");
	install_ldt();
#ifdef __x86_64__
	have_fsgsbase = !!(getauxval(AT_HWCAP2) & HWCAP2_FSGSBASE);
	if (syscall(NR_ARCH_PRCTL, ARCH_GET_FS, &saved_tls))
		err(1, "arch_prctl");
#else
	asm volatile ("mov %%gs, %0" : "=r" (saved_tls));
	saved_tls &= 0xffff;
#endif
	if (setitimer(ITIMER_REAL, &it, NULL))
		err(1, "setitimer");
	if (install_filter())
		err(1, "seccomp");

	while (!__atomic_load_n(&stats[MAX_WORKERS].finished, __ATOMIC_RELAXED) &&
	       (!iters || me->iters < iters)) {
		build_code((unsigned char *)CODE_ADDR);
		build_regs(regs);
		__atomic_store_n(&mutated, 0, __ATOMIC_RELAXED);
		if (!fuzz_enter(regs, CODE_ADDR)) {
			restore_tls();
			me->ev[EV_CLEAN]++;
		} else {
			restore_tls();
		}
		me->iters++;
	}
	me->finished = 1;
	_exit(0);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Whether a worker has SIGALRM blocked (its own sigreturn did it). */
static bool alarm_blocked(pid_t pid)
{
	char path[64], line[256];
	unsigned long long blk = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	f = fopen(path, "r");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "SigBlk: %llx", &blk) == 1)
			break;
	fclose(f);
	return blk & (1ULL << (SIGALRM - 1));
}

/*
 * Whether a far RET pops its frame as the kernel would. QEMU's TCG up to
 * 7.2 does (qemu/ fixes it): then a far RET or IRET in user mode with its
 * stack on an unmapped page raises a #PF without the U bit, which no CPU
 * does and Linux takes for a kernel bug (an oops), so random code cannot
 * be run on it. The probe: an LRETQ with RSP on the read-only IDT at the
 * base of the CPU entry area (0xfffffe0000000000, always present). A CPU
 * faults on the first pop (#PF, a user access to a kernel page); the
 * emulator's supervisor pops succeed and it faults later (#GP on the
 * popped CS), or goes elsewhere. A 32-bit program gets there through a
 * far jump to 64-bit mode.
 */
static void probe_handler(int sig, siginfo_t *si, void *ctx_void)
{
	ucontext_t *uc = ctx_void;

	_exit(uc->uc_mcontext.gregs[REG_TRAPNO] == 14 &&
	      (unsigned long)uc->uc_mcontext.gregs[REG_IP] == CODE_ADDR + 10 ? 0 : 1);
}

static const char far_ret_bug[] =
	"this CPU (QEMU TCG 7.2) pops far RET frames as the kernel: random code would oops Linux";

static bool far_ret_pops_as_kernel(void)
{
	static const unsigned char probe64[] = {
		0x48, 0xbc, 0, 0, 0, 0, 0, 0xfe, 0xff, 0xff,	/* movabs $CEA_IDT, %rsp */
		0x48, 0xcb,					/* lretq */
	};
	struct sigaction sa = {
		.sa_sigaction = probe_handler, .sa_flags = SA_SIGINFO | SA_ONSTACK,
	};
	stack_t ss = { .ss_size = 1 << 16 };
	unsigned char *code;
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		code = mmap((void *)CODE_ADDR, PAGE, PROT_READ | PROT_WRITE | PROT_EXEC,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
		ss.ss_sp = malloc(ss.ss_size);
		if (code == MAP_FAILED || !ss.ss_sp || sigaltstack(&ss, NULL) ||
		    sigaction(SIGSEGV, &sa, NULL))
			_exit(2);
		memcpy(code, probe64, sizeof(probe64));
#ifdef __x86_64__
		((void (*)(void))code)();
#else
		/* ljmp $0x33, $CODE_ADDR */
		code[0x100] = 0xea;
		memcpy(code + 0x101, &(unsigned int){ CODE_ADDR }, 4);
		code[0x105] = 0x33;
		code[0x106] = 0;
		((void (*)(void))(code + 0x100))();
#endif
		_exit(3);
	}
	if (waitpid(pid, &status, 0) != pid)
		return false;
	if (!WIFEXITED(status) || WEXITSTATUS(status) > 1)
		ksft_print_msg("far RET probe: status %#x\n", status);
	return WIFEXITED(status) && WEXITSTATUS(status) == 1;
}

/* The parent's view of the workers. */
static int nworkers;
static unsigned long seed = 1, iters = 20000;
static pid_t pids[MAX_WORKERS];
static unsigned long restarts[MAX_WORKERS], last_iters[MAX_WORKERS];
static double last_progress[MAX_WORKERS], hang = 60;
static unsigned long hung, lost, faults;

static bool stopping(void)
{
	return __atomic_load_n(&stats[MAX_WORKERS].finished, __ATOMIC_RELAXED);
}

/* Start worker i, or start it again with another seed. */
static void start_worker(int i)
{
	fflush(stdout);
	pids[i] = fork();
	if (pids[i] < 0)
		ksft_exit_fail_msg("fork: %s\n", strerror(errno));
	if (pids[i] == 0)
		worker(i, seed * 1000 + i + 7919 * restarts[i], iters);
	last_progress[i] = now();
}

/* Worker i ended with status: count why, and start it again if it may. */
static void worker_ended(int i, int status)
{
	pids[i] = 0;
	/*
	 * Random code can write anywhere in the worker, its own data and
	 * stack included (a 32-bit register reaches all of it), and then the
	 * worker's own code faults: start it again, and count. A kernel that
	 * broke the user state it returns to would make them fault all the
	 * time, not once in many thousand iterations (see main()).
	 */
	if (stats[i].harness_fault) {
		faults++;
		stats[i].harness_fault = 0;
		if (!stopping()) {
			restarts[i]++;
			start_worker(i);
		}
		return;
	}
	if (stats[i].finished)
		return;
	/* the random code exited or died: start again */
	if (WIFSIGNALED(status)) {
		stats[i].ev[EV_DIED]++;
		stats[i].died_sigs |= 1ULL << (WTERMSIG(status) - 1);
	} else {
		stats[i].ev[EV_EXIT]++;
	}
	if (!stopping()) {
		restarts[i]++;
		start_worker(i);
	}
}

/* Worker i made no progress for too long: kill it; a hang unless its code blocked SIGALRM. */
static void worker_stalled(int i)
{
	bool blocked = alarm_blocked(pids[i]);
	int w, status;

	kill(pids[i], SIGKILL);
	for (w = 0; w < 100 && waitpid(pids[i], &status, WNOHANG) != pids[i]; w++)
		usleep(100000);
	if (w == 100) {
		ksft_print_msg("worker %d (pid %d) did not die of SIGKILL: lost in the kernel\n",
			       i, pids[i]);
		lost++;
		pids[i] = 0;
		return;
	}
	if (blocked) {
		stats[i].ev[EV_BLOCKED]++;
	} else {
		ksft_print_msg("worker %d made no progress for %.0f s\n", i, hang);
		hung++;
	}
	pids[i] = 0;
	if (!stopping()) {
		restarts[i]++;
		start_worker(i);
	}
}

static void usage(const char *prog)
{
	fprintf(stderr, "%s [-n ITERS] [-t SECS] [-j WORKERS] [-s SEED] [-H HANG_SECS]\n", prog);
	exit(2);
}

int main(int argc, char **argv)
{
	unsigned long total[NR_EV] = { 0 }, events = 0, n_iters = 0, bad = 0;
	unsigned long long died_sigs = 0;
	double secs = 0, t0, next_report;
	int opt, i, e, bad_workers = 0;
	char *why = NULL;

	nworkers = sysconf(_SC_NPROCESSORS_ONLN);
	while ((opt = getopt(argc, argv, "n:t:j:s:H:")) != -1) {
		switch (opt) {
		case 'n':
			iters = strtoul(optarg, NULL, 0);
			break;
		case 't':
			secs = atof(optarg);
			break;
		case 'j':
			nworkers = atoi(optarg);
			break;
		case 's':
			seed = strtoul(optarg, NULL, 0);
			break;
		case 'H':
			hang = atof(optarg);
			break;
		default:
			usage(argv[0]);
		}
	}
	nworkers = nworkers < 1 ? 1 : nworkers > MAX_WORKERS ? MAX_WORKERS : nworkers;
	if (secs > 0)
		iters = 0;

	ksft_print_header();
	ksft_set_plan(4);
	if (far_ret_pops_as_kernel()) {
		for (i = 0; i < 4; i++)
			ksft_test_result_skip("%s\n", far_ret_bug);
		ksft_finished();
	}
	if (secs > 0)
		ksft_print_msg("%d workers, seed %lu, for %.0f s\n", nworkers, seed, secs);
	else
		ksft_print_msg("%d workers, seed %lu, %lu iterations each\n",
			       nworkers, seed, iters);
	stats = mmap(NULL, sizeof(*stats) * (MAX_WORKERS + 1),
		     PROT_READ | PROT_WRITE,
		     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (stats == MAP_FAILED)
		ksft_exit_fail_msg("mmap: %s\n", strerror(errno));

	t0 = now();
	next_report = t0 + 60;
	for (i = 0; i < nworkers; i++)
		start_worker(i);
	for (;;) {
		int running = 0, status;
		double t = now();

		if (secs > 0 && t >= t0 + secs)
			__atomic_store_n(&stats[MAX_WORKERS].finished, 1, __ATOMIC_RELAXED);
		for (i = 0; i < nworkers; i++) {
			if (!pids[i])
				continue;
			if (waitpid(pids[i], &status, WNOHANG) == pids[i]) {
				worker_ended(i, status);
			} else if (stats[i].iters != last_iters[i]) {
				last_iters[i] = stats[i].iters;
				last_progress[i] = t;
			} else if (t - last_progress[i] > hang) {
				worker_stalled(i);
			}
			running += !!pids[i];
		}
		if (!running)
			break;
		if (secs > 0 && t >= next_report) {
			for (i = 0, n_iters = 0; i < nworkers; i++)
				n_iters += stats[i].iters;
			ksft_print_msg("%.0f s: %lu iterations\n", t - t0, n_iters);
			fflush(stdout);
			next_report += 60;
		}
		usleep(50000);
	}

	for (i = 0, n_iters = 0; i < nworkers; i++) {
		n_iters += stats[i].iters;
		died_sigs |= stats[i].died_sigs;
		for (e = 0; e < NR_EV; e++)
			total[e] += stats[i].ev[e];
		if (stats[i].bad) {
			bad += stats[i].bad;
			bad_workers++;
			if (!why)
				why = stats[i].why;
		}
	}
	for (e = 0; e < EV_TIMER + 1; e++)
		events += total[e];
	ksft_print_msg("%lu iterations, %lu signals in %.1f s\n", n_iters, events, now() - t0);
	for (e = 0; e < NR_EV; e++)
		if (total[e])
			ksft_print_msg("  %-26s %lu\n", ev_names[e], total[e]);
	for (i = 1; i <= 64; i++)
		if (died_sigs & (1ULL << (i - 1)))
			ksft_print_msg("  a worker died of signal %d (%s)\n", i, strsignal(i));

	ksft_test_result(!hung && !lost,
			 "every event ended in a signal or a clean return (%lu iterations, %lu hung, %lu lost)\n",
			 n_iters, hung, lost);
	ksft_test_result(!bad,
			 "every signal frame holds user state only (%lu bad in %d workers%s%s)\n",
			 bad, bad_workers, why ? ": " : "", why ? why : "");
	for (i = 0; i < nworkers; i++)
		if (stats[i].fault_why[0])
			ksft_print_msg("worker %d: %s\n", i, stats[i].fault_why);
	ksft_test_result(faults * 10000 <= n_iters,
			 "the workers' own code faulted at most once in 10000 iterations (%lu)\n",
			 faults);
	ksft_test_result(total[6] && total[13] && total[14] && total[3] && total[1] &&
			 total[EV_SYSCALL] && total[EV_BOGUS_RAN] && total[EV_BOGUS_SEGV],
			 "the mix has #UD, #GP, #PF, #BP, #DB, system calls and bogus frames\n");
	ksft_finished();
}
