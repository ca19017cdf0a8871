/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A harness for user-mode events.
 *
 * harness_run() loads every general register, the arithmetic flags and the
 * vector registers (YMM when the OS has AVX enabled, else XMM) from one
 * struct uregs, calls a target whose first instruction raises the event,
 * and stores all of them into another once the target returns. The signal
 * handler records the signal and the frame, then resumes the target at a
 * chosen offset, so that every case also goes through sigreturn and the
 * exit to user mode before its state is compared.
 */
#ifndef ENTRY_HARNESS_H
#define ENTRY_HARNESS_H

/* Needs _GNU_SOURCE, for the REG_* names of <sys/ucontext.h>. */

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ucontext.h>
#include <unistd.h>
#include <cpuid.h>

#ifdef __x86_64__
# define NR_GPRS	15
# define NR_VREGS	16
# define REG_IP		REG_RIP
# define REG_SP		REG_RSP
#else
# define NR_GPRS	7
# define NR_VREGS	8
# define REG_IP		REG_EIP
# define REG_SP		REG_ESP
#endif

#define X86_FLAGS_ARITH	0x8d5UL		/* OF SF ZF AF PF CF */
#define X86_FLAGS_TF	0x100UL
#define X86_FLAGS_DF	0x400UL
#define X86_FLAGS_RF	0x10000UL
#define X86_FLAGS_AC	0x40000UL

/* Linux's user selectors, and the uc_flags of its 64-bit signal frames. */
#ifdef __x86_64__
# define USER_CS	0x33
#else
# define USER_CS	0x23
#endif
#define USER32_CS	0x23
#define USER_DS		0x2b
#define UC_SIGCONTEXT_SS	0x2	/* the frame holds SS */
#define UC_STRICT_RESTORE_SS	0x4	/* sigreturn restores it as it is */

/* The layout harness_run's assembly knows: keep the two in step. */
struct uregs {
	/* ax bx cx dx si di bp [r8 .. r15] */
	unsigned long gpr[NR_GPRS];
	unsigned long flags;
	unsigned long use_avx;
	unsigned char vreg[NR_VREGS][32];
};

enum { GPR_AX, GPR_BX, GPR_CX, GPR_DX, GPR_SI, GPR_DI, GPR_BP };

static const char * const gpr_names[] = {
	"ax", "bx", "cx", "dx", "si", "di", "bp",
#ifdef __x86_64__
	"r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
#endif
};

/* ucontext gregs index of each gpr[] slot */
static const int gpr_greg[] = {
#ifdef __x86_64__
	REG_RAX, REG_RBX, REG_RCX, REG_RDX, REG_RSI, REG_RDI, REG_RBP,
	REG_R8, REG_R9, REG_R10, REG_R11, REG_R12, REG_R13, REG_R14, REG_R15,
#else
	REG_EAX, REG_EBX, REG_ECX, REG_EDX, REG_ESI, REG_EDI, REG_EBP,
#endif
};

void harness_run(struct uregs *in, struct uregs *out, void (*target)(void));

/* Run target with the state in *in; *out receives the state it left. */
static inline void harness(struct uregs *in, struct uregs *out, void (*target)(void))
{
	/* harness_run's assembly knows this layout */
	if (offsetof(struct uregs, vreg) != (NR_GPRS + 2) * sizeof(long))
		abort();
	memset(out, 0, sizeof(*out));
	out->use_avx = in->use_avx;	/* how much vector state to store */
	harness_run(in, out, target);
}

/*
 * A signal handler runs with the EFLAGS.AC of the interrupted code; one
 * that may interrupt a case with AC set calls this first.
 */
static inline void clear_ac(void)
{
	unsigned long flags;

	asm volatile ("pushf\n\tpop %0" : "=r" (flags));
	flags &= ~X86_FLAGS_AC;
	asm volatile ("push %0\n\tpopf" : : "r" (flags) : "cc");
}

#ifdef __x86_64__
asm (".pushsection .text\n"
	".globl harness_run\n"
	"harness_run:\n\t"
	"push %rbx\n\t"
	"push %rbp\n\t"
	"push %r12\n\t"
	"push %r13\n\t"
	"push %r14\n\t"
	"push %r15\n\t"
	"push %rsi\n\t"			/* out */
	"push %rdx\n\t"			/* target */
	"cmpq $0, 128(%rdi)\n\t"
	"je 1f\n\t"
	".irp n,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\n\t"
	"vmovdqu 136+32*\\n(%rdi), %ymm\\n\n\t"
	".endr\n\t"
	"jmp 2f\n"
	"1:\n\t"
	".irp n,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\n\t"
	"movdqu 136+32*\\n(%rdi), %xmm\\n\n\t"
	".endr\n"
	"2:\n\t"
	"push 120(%rdi)\n\t"
	"popf\n\t"
	"mov 0(%rdi), %rax\n\t"
	"mov 8(%rdi), %rbx\n\t"
	"mov 16(%rdi), %rcx\n\t"
	"mov 24(%rdi), %rdx\n\t"
	"mov 32(%rdi), %rsi\n\t"
	"mov 48(%rdi), %rbp\n\t"
	"mov 56(%rdi), %r8\n\t"
	"mov 64(%rdi), %r9\n\t"
	"mov 72(%rdi), %r10\n\t"
	"mov 80(%rdi), %r11\n\t"
	"mov 88(%rdi), %r12\n\t"
	"mov 96(%rdi), %r13\n\t"
	"mov 104(%rdi), %r14\n\t"
	"mov 112(%rdi), %r15\n\t"
	"mov 40(%rdi), %rdi\n\t"
	"call *(%rsp)\n\t"
	"pushf\n\t"
	"push %rax\n\t"
	"mov 24(%rsp), %rax\n\t"	/* out */
	"mov %rbx, 8(%rax)\n\t"
	"mov %rcx, 16(%rax)\n\t"
	"mov %rdx, 24(%rax)\n\t"
	"mov %rsi, 32(%rax)\n\t"
	"mov %rdi, 40(%rax)\n\t"
	"mov %rbp, 48(%rax)\n\t"
	"mov %r8, 56(%rax)\n\t"
	"mov %r9, 64(%rax)\n\t"
	"mov %r10, 72(%rax)\n\t"
	"mov %r11, 80(%rax)\n\t"
	"mov %r12, 88(%rax)\n\t"
	"mov %r13, 96(%rax)\n\t"
	"mov %r14, 104(%rax)\n\t"
	"mov %r15, 112(%rax)\n\t"
	"pop %rbx\n\t"
	"mov %rbx, 0(%rax)\n\t"
	"pop %rbx\n\t"
	"mov %rbx, 120(%rax)\n\t"
	"cmpq $0, 128(%rax)\n\t"
	"je 1f\n\t"
	".irp n,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\n\t"
	"vmovdqu %ymm\\n, 136+32*\\n(%rax)\n\t"
	".endr\n\t"
	"vzeroupper\n\t"
	"jmp 2f\n"
	"1:\n\t"
	".irp n,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\n\t"
	"movdqu %xmm\\n, 136+32*\\n(%rax)\n\t"
	".endr\n"
	"2:\n\t"
	"add $16, %rsp\n\t"
	"pop %r15\n\t"
	"pop %r14\n\t"
	"pop %r13\n\t"
	"pop %r12\n\t"
	"pop %rbp\n\t"
	"pop %rbx\n\t"
	"ret\n"
	".popsection");
#else
asm (".pushsection .text\n"
	".globl harness_run\n"
	"harness_run:\n\t"
	"push %ebp\n\t"
	"push %ebx\n\t"
	"push %esi\n\t"
	"push %edi\n\t"			/* in 20(%esp), out 24, target 28 */
	"mov 20(%esp), %eax\n\t"
	"cmpl $0, 32(%eax)\n\t"
	"je 1f\n\t"
	".irp n,0,1,2,3,4,5,6,7\n\t"
	"vmovdqu 36+32*\\n(%eax), %ymm\\n\n\t"
	".endr\n\t"
	"jmp 2f\n"
	"1:\n\t"
	".irp n,0,1,2,3,4,5,6,7\n\t"
	"movdqu 36+32*\\n(%eax), %xmm\\n\n\t"
	".endr\n"
	"2:\n\t"
	"push 28(%eax)\n\t"
	"popf\n\t"
	"mov 4(%eax), %ebx\n\t"
	"mov 8(%eax), %ecx\n\t"
	"mov 12(%eax), %edx\n\t"
	"mov 16(%eax), %esi\n\t"
	"mov 20(%eax), %edi\n\t"
	"mov 24(%eax), %ebp\n\t"
	"mov 0(%eax), %eax\n\t"
	"call *28(%esp)\n\t"
	"pushf\n\t"
	"push %eax\n\t"
	"mov 32(%esp), %eax\n\t"	/* out */
	"mov %ebx, 4(%eax)\n\t"
	"mov %ecx, 8(%eax)\n\t"
	"mov %edx, 12(%eax)\n\t"
	"mov %esi, 16(%eax)\n\t"
	"mov %edi, 20(%eax)\n\t"
	"mov %ebp, 24(%eax)\n\t"
	"pop %ebx\n\t"
	"mov %ebx, 0(%eax)\n\t"
	"pop %ebx\n\t"
	"mov %ebx, 28(%eax)\n\t"
	"cmpl $0, 32(%eax)\n\t"
	"je 1f\n\t"
	".irp n,0,1,2,3,4,5,6,7\n\t"
	"vmovdqu %ymm\\n, 36+32*\\n(%eax)\n\t"
	".endr\n\t"
	"vzeroupper\n\t"
	"jmp 2f\n"
	"1:\n\t"
	".irp n,0,1,2,3,4,5,6,7\n\t"
	"movdqu %xmm\\n, 36+32*\\n(%eax)\n\t"
	".endr\n"
	"2:\n\t"
	"pop %edi\n\t"
	"pop %esi\n\t"
	"pop %ebx\n\t"
	"pop %ebp\n\t"
	"ret\n"
	".popsection");
#endif

/*
 * harness_spin: a target that spins until harness_spinning is cleared,
 * touching no register but the flags.
 */
int harness_spinning;
void harness_spin(void);

#ifdef __x86_64__
asm (".pushsection .text\n"
	".globl harness_spin\n"
	"harness_spin:\n\t"
	"pause\n\t"
	"cmpl $0, harness_spinning(%rip)\n\t"
	"jne harness_spin\n\t"
	"ret\n"
	".popsection");
#else
asm (".pushsection .text\n"
	".globl harness_spin\n"
	"harness_spin:\n\t"
	"pause\n\t"
	"cmpl $0, harness_spinning\n\t"
	"jne harness_spin\n\t"
	"ret\n"
	".popsection");
#endif

static inline void pin_to_cpu(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		err(1, "sched_setaffinity(%d)", cpu);
}

/* Write a control file (debugfs, procfs); a failure is reported, not fatal. */
/* CPU hotplug: take @cpu off line (@on 0) or bring it back; 0 or -errno */
static inline int set_online(int cpu, int on)
{
	char path[64];
	int fd, ok;

	snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%d/online", cpu);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -errno;
	ok = write(fd, on ? "1" : "0", 1) == 1;
	close(fd);
	return ok ? 0 : -errno;
}

static inline void write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY);

	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		ksft_print_msg("writing '%s' to %s: %s\n", text, path, strerror(errno));
	if (fd >= 0)
		close(fd);
}

/* One counter of /proc/interrupts ("LOC", "NMI", ...) for one CPU. */
static inline unsigned long irq_count(const char *name, int cpu)
{
	char line[4096], *p;
	unsigned long v = 0;
	FILE *f = fopen("/proc/interrupts", "r");
	int i;

	if (!f)
		err(1, "/proc/interrupts");
	while (fgets(line, sizeof(line), f)) {
		p = line + strspn(line, " ");
		if (strncmp(p, name, strlen(name)) || p[strlen(name)] != ':')
			continue;
		p += strlen(name) + 1;
		for (i = 0; i <= cpu; i++)
			v = strtoul(p, &p, 10);
		break;
	}
	fclose(f);
	return v;
}

/* FRED is active when the kernel reports the CPU flag. */
static inline bool fred_active(void)
{
	char line[8192];
	bool found = false;
	FILE *f = fopen("/proc/cpuinfo", "r");

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f))
		found = !strncmp(line, "flags", 5) && strstr(line, " fred");
	fclose(f);
	return found;
}

/* AVX is usable when the CPU has it and the OS enabled YMM in XCR0. */
static inline bool os_has_avx(void)
{
	unsigned int a, b, c, d, lo, hi;

	if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & bit_OSXSAVE) || !(c & bit_AVX))
		return false;
	asm volatile ("xgetbv" : "=a" (lo), "=d" (hi) : "c" (0));
	return (lo & 6) == 6;
}

/* Fill in with patterns that differ per register and per test case. */
static inline void uregs_fill(struct uregs *r, unsigned int seed)
{
	unsigned int i, j;

	memset(r, 0, sizeof(*r));
	for (i = 0; i < NR_GPRS; i++)
		r->gpr[i] = (~0UL / 0xff * 0x5a) ^ (seed << 8) ^ (i + 1);
	r->flags = 0x2 | X86_FLAGS_ARITH;
	r->use_avx = os_has_avx();
	for (i = 0; i < NR_VREGS; i++)
		for (j = 0; j < 32; j++)
			r->vreg[i][j] = (unsigned char)(seed * 31 + i * 7 + j + 1);
}

/*
 * Compare what came back with what went in. Writes a description of the
 * first difference into why and returns false if there is one.
 */
static inline bool uregs_same(const struct uregs *in, const struct uregs *out,
			      char *why, size_t len)
{
	unsigned int i, vlen = in->use_avx ? 32 : 16;

	for (i = 0; i < NR_GPRS; i++) {
		if (in->gpr[i] != out->gpr[i]) {
			snprintf(why, len, "%s is %#lx, was %#lx", gpr_names[i],
				 out->gpr[i], in->gpr[i]);
			return false;
		}
	}
	if ((in->flags ^ out->flags) & (X86_FLAGS_ARITH | X86_FLAGS_TF |
					 X86_FLAGS_DF | X86_FLAGS_AC)) {
		snprintf(why, len, "flags are %#lx, were %#lx", out->flags, in->flags);
		return false;
	}
	for (i = 0; i < NR_VREGS; i++) {
		if (memcmp(in->vreg[i], out->vreg[i], vlen)) {
			snprintf(why, len, "%cmm%u changed", vlen == 32 ? 'y' : 'x', i);
			return false;
		}
	}
	return true;
}

#endif /* ENTRY_HARNESS_H */
