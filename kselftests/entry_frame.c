// SPDX-License-Identifier: GPL-2.0
/*
 * What user space reads of an event's frame holds user state only. A FRED
 * frame carries the event's type, vector, stack level and event data above
 * the selectors and the return state; none of it may reach user space:
 *
 *  - signal frames: every register as the program left it, the selectors
 *    it runs on, the CPU's vector, error code and CR2, and for a signal
 *    sent on an interrupt's way out, the values the last fault left;
 *  - ptrace (PTRACE_GETREGS, PTRACE_GETREGSET NT_PRSTATUS, PEEKUSER) at
 *    the stop of each event, and the NT_PRSTATUS note of a core dump;
 *  - sigreturn with every CS and every SS selector, and with chosen
 *    instruction pointers, stack pointers and flags: each ends in the
 *    instruction at the chosen place (SIGILL) or in SIGSEGV, never an oops,
 *    and the frame of that signal holds what sigreturn was given.
 */
#define _GNU_SOURCE
#include <linux/elf.h>
#include <sys/mman.h>
#include <sys/procfs.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>

#include "../kselftest.h"
#include "entry_harness.h"

#ifdef __x86_64__
# define ARCH_GET_FS	0x1003
# define ELF_EHDR	struct elf64_hdr
# define ELF_PHDR	struct elf64_phdr
# define ELF_NHDR	struct elf64_note
# define PF_INSN	".byte 0x8b, 0x04, 0x25, 0x10, 0, 0, 0"	/* mov 0x10, %eax */
# define PF_LEN		7
# define DE_INSN	"divl zero_word(%rip)"			/* f7 35 rel32 */
#else
# define ELF_EHDR	struct elf32_hdr
# define ELF_PHDR	struct elf32_phdr
# define ELF_NHDR	struct elf32_note
# define PF_INSN	".byte 0xa1, 0x10, 0, 0, 0"		/* mov 0x10, %eax */
# define PF_LEN		5
# define DE_INSN	"divl zero_word"			/* f7 35 abs32 */
#endif
#define PF_ADDR		0x10		/* the #PF case reads here */
#define PF_ERR_USER	0x4		/* a user-mode read of a page not present */

/* Event targets: naked functions whose first instruction raises the event. */
#define TARGET(name, insn)						\
	static void __attribute__((naked)) name(void)			\
	{								\
		asm volatile (insn "\n\tret");				\
	}

int zero_word;
TARGET(t_ud2, "ud2")
TARGET(t_int3, "int3")
TARGET(t_hlt, "hlt")
TARGET(t_pf, PF_INSN)
TARGET(t_de, DE_INSN)
TARGET(t_int1, ".byte 0xf1")

struct event {
	const char *name;
	void (*fn)(void);
	unsigned int len;	/* of the instruction */
	int sig;
	bool trap;		/* the IP after it is the next instruction */
	int trapno;		/* -1: the last fault's (a signal sent on an interrupt) */
	unsigned long err;
};

/* #PF first, so that CR2 is known for all that follow. */
static const struct event events[] = {
	{ "#PF", t_pf, PF_LEN, SIGSEGV, false, 14, PF_ERR_USER },
	{ "interrupt", harness_spin, 0, SIGALRM, false, -1, 0 },
	{ "#UD", t_ud2, 2, SIGILL, false, 6, 0 },
	{ "#BP", t_int3, 1, SIGTRAP, true, 3, 0 },
	{ "#GP", t_hlt, 1, SIGSEGV, false, 13, 0 },
	{ "#DE", t_de, 6, SIGFPE, false, 0, 0 },
	{ "#DB (INT1)", t_int1, 1, SIGTRAP, true, 1, 0 },
	{ "interrupt after #DB", harness_spin, 0, SIGALRM, false, -1, 0 },
};

#define NR_EVENTS	ARRAY_SIZE(events)

static const char icebp_ud[] = "this CPU (QEMU TCG) raises #UD for ICEBP";

/* Where a fault's handler resumes, and where a trap leaves the IP. */
static unsigned long after(const struct event *e)
{
	return (unsigned long)e->fn + e->len;
}

static unsigned long user_tls(void)
{
	unsigned long v = 0;

#ifdef __x86_64__
	syscall(SYS_arch_prctl, ARCH_GET_FS, &v);
#else
	asm ("mov %%gs, %0" : "=r" (v));
	v &= 0xffff;
#endif
	return v;
}

/* Whether an IP is in harness_spin's loop (pause; cmpl; jne: 11 bytes). */
static bool in_spin(unsigned long ip)
{
	return ip - (unsigned long)harness_spin < 16;
}

/* An interval timer: its signal ends harness_spin once it hits the loop. */
static void set_timer(long us)
{
	struct itimerval it = { { 0, us }, { 0, us } };

	if (setitimer(ITIMER_REAL, &it, NULL))
		ksft_exit_fail_msg("setitimer: %s\n", strerror(errno));
}

/* --- signal frames --- */

static ucontext_t got_uc;
static siginfo_t got_si;
static int got_sig;
static const struct event *cur;

static void frame_handler(int sig, siginfo_t *si, void *ctx_void)
{
	ucontext_t *uc = ctx_void;

	if (sig == SIGALRM && !in_spin(uc->uc_mcontext.gregs[REG_IP]))
		return;		/* not yet in the loop: the next period */
	got_sig = sig;
	got_si = *si;
	got_uc = *uc;
	if (sig == SIGALRM)
		harness_spinning = 0;
	else if (cur)
		uc->uc_mcontext.gregs[REG_IP] = after(cur);	/* a trap is there already */
}

/* The registers as the frame has them, in struct uregs order. */
static void gregs_to_gpr(const greg_t *g, unsigned long *gpr)
{
	int i;

	for (i = 0; i < NR_GPRS; i++)
		gpr[i] = g[gpr_greg[i]];
}

static bool same_gprs(const unsigned long *want, const unsigned long *got, char *why,
		      size_t len)
{
	int i;

	for (i = 0; i < NR_GPRS; i++) {
		if (want[i] != got[i]) {
			snprintf(why, len, "%s is %#lx, not %#lx", gpr_names[i], got[i], want[i]);
			return false;
		}
	}
	return true;
}

/* User flags only (IOPL 0, no VM, no reserved bits), IF set. */
static bool user_flags(unsigned long f)
{
	return !(f & ~0x254fd7UL) && (f & 0x202) == 0x202;
}

static void test_signal_frames(void)
{
	struct sigaction sa = { .sa_sigaction = frame_handler, .sa_flags = SA_SIGINFO };
	static const int sigs[] = { SIGSEGV, SIGILL, SIGTRAP, SIGFPE, SIGALRM };
	unsigned long last_trapno = 0, last_err = 0, gpr[NR_GPRS];
	struct uregs in, out;
	unsigned int i;
	char why[160];

	for (i = 0; i < ARRAY_SIZE(sigs); i++)
		sigaction(sigs[i], &sa, NULL);
	for (i = 0; i < NR_EVENTS; i++) {
		const struct event *e = &events[i];
		greg_t *g = got_uc.uc_mcontext.gregs;
		unsigned long ip, want_ip, cs, ss, cr2, trapno, err;
		bool ok = true;

		cur = e;
		got_sig = 0;
		uregs_fill(&in, 0x100 + i);
		harness_spinning = 1;
		if (e->sig == SIGALRM)
			set_timer(20000);
		harness(&in, &out, e->fn);
		if (e->sig == SIGALRM)
			set_timer(0);
		cur = NULL;
		if (e->fn == t_int1 && got_sig == SIGILL) {
			ksft_test_result_skip("signal frame of %s: %s\n", e->name, icebp_ud);
			last_trapno = 6;
			last_err = 0;
			continue;
		}
		if (e->fn == harness_spin)
			in.flags = out.flags;	/* the spin loop compares */
		why[0] = '\0';
		ip = g[REG_IP];
#ifdef __x86_64__
		cs = g[REG_CSGSFS] & 0xffff;
		ss = (unsigned long)g[REG_CSGSFS] >> 48;
		cr2 = g[REG_CR2];
#else
		cs = g[REG_CS] & 0xffff;
		ss = g[REG_SS] & 0xffff;
		cr2 = got_uc.uc_mcontext.cr2;
#endif
		trapno = g[REG_TRAPNO];
		err = g[REG_ERR];
		want_ip = e->trap ? after(e) : (unsigned long)e->fn;
		gregs_to_gpr(g, gpr);
		if (got_sig != e->sig) {
			snprintf(why, sizeof(why), "signal %d, not %d", got_sig, e->sig);
			ok = false;
		} else if (!same_gprs(in.gpr, gpr, why, sizeof(why))) {
			ok = false;
		} else if (cs != USER_CS || ss != USER_DS) {
			snprintf(why, sizeof(why), "cs:ss %#lx:%#lx", cs, ss);
			ok = false;
		} else if (!user_flags(g[REG_EFL]) || (e->fn != harness_spin &&
			   (g[REG_EFL] & X86_FLAGS_ARITH) != (in.flags & X86_FLAGS_ARITH))) {
			snprintf(why, sizeof(why), "flags %#lx", (unsigned long)g[REG_EFL]);
			ok = false;
		} else if (e->sig != SIGALRM && ip != want_ip) {
			snprintf(why, sizeof(why), "ip %#lx, not %#lx", ip, want_ip);
			ok = false;
		} else if (e->trapno >= 0 &&
			   (trapno != (unsigned long)e->trapno || err != e->err)) {
			snprintf(why, sizeof(why), "trapno %lu err %#lx", trapno, err);
			ok = false;
		} else if (e->trapno < 0 && (trapno != last_trapno || err != last_err)) {
			snprintf(why, sizeof(why), "trapno %lu err %#lx, the last fault's %lu %#lx",
				 trapno, err, last_trapno, last_err);
			ok = false;
		} else if (cr2 != PF_ADDR) {
			snprintf(why, sizeof(why), "cr2 %#lx, the last #PF's %#x", cr2, PF_ADDR);
			ok = false;
		} else if (!uregs_same(&in, &out, why, sizeof(why))) {
			ok = false;
		}
		if (e->trapno >= 0) {
			last_trapno = e->trapno;
			last_err = e->err;
		}
		ksft_test_result(ok, "signal frame of %s: user state only%s%s\n", e->name,
				 ok ? "" : ": ", why);
	}
	sa.sa_handler = SIG_DFL;
	sa.sa_flags = 0;
	for (i = 0; i < ARRAY_SIZE(sigs); i++)
		sigaction(sigs[i], &sa, NULL);
}

/* --- ptrace and core dumps: struct user_regs_struct --- */

static void user_to_gpr(const struct user_regs_struct *u, unsigned long *gpr)
{
#ifdef __x86_64__
	const unsigned long v[NR_GPRS] = {
		u->rax, u->rbx, u->rcx, u->rdx, u->rsi, u->rdi, u->rbp, u->r8, u->r9,
		u->r10, u->r11, u->r12, u->r13, u->r14, u->r15,
	};
#else
	const unsigned long v[NR_GPRS] = {
		u->eax, u->ebx, u->ecx, u->edx, u->esi, u->edi, u->ebp,
	};
#endif
	memcpy(gpr, v, sizeof(v));
}

#ifdef __x86_64__
# define U_IP(u)	((unsigned long)(u)->rip)
# define U_CS(u)	((unsigned long)(u)->cs)
# define U_SS(u)	((unsigned long)(u)->ss)
# define U_FLAGS(u)	((unsigned long)(u)->eflags)
# define U_ORIG(u)	((unsigned long)(u)->orig_rax)
# define U_TLS(u)	((unsigned long)(u)->fs_base)
# define U_CS_OFF	offsetof(struct user_regs_struct, cs)
# define U_SS_OFF	offsetof(struct user_regs_struct, ss)
#else
# define U_IP(u)	((unsigned long)(u)->eip)
# define U_CS(u)	((unsigned long)(u)->xcs)
# define U_SS(u)	((unsigned long)(u)->xss)
# define U_FLAGS(u)	((unsigned long)(u)->eflags)
# define U_ORIG(u)	((unsigned long)(u)->orig_eax)
# define U_TLS(u)	((unsigned long)(u)->xgs)
# define U_CS_OFF	offsetof(struct user_regs_struct, xcs)
# define U_SS_OFF	offsetof(struct user_regs_struct, xss)
#endif

/* The whole register set of a stop or a core dump, against what it must be. */
static bool check_user_regs(const struct user_regs_struct *u, const struct event *e,
			    unsigned int seed, unsigned long tls, char *why, size_t len)
{
	unsigned long gpr[NR_GPRS], want_ip = e->trap ? after(e) : (unsigned long)e->fn;
	struct uregs in;

	uregs_fill(&in, seed);
	user_to_gpr(u, gpr);
	if (!same_gprs(in.gpr, gpr, why, len))
		return false;
	if (U_CS(u) != USER_CS || U_SS(u) != USER_DS) {
		snprintf(why, len, "cs:ss %#lx:%#lx", U_CS(u), U_SS(u));
		return false;
	}
	if (!user_flags(U_FLAGS(u)) ||
	    (e->fn != harness_spin &&
	     (U_FLAGS(u) & X86_FLAGS_ARITH) != (in.flags & X86_FLAGS_ARITH))) {
		snprintf(why, len, "flags %#lx", U_FLAGS(u));
		return false;
	}
	if (U_ORIG(u) != ~0UL) {
		snprintf(why, len, "orig_ax %#lx, not -1", U_ORIG(u));
		return false;
	}
	if (e->fn != harness_spin && U_IP(u) != want_ip) {
		snprintf(why, len, "ip %#lx, not %#lx", U_IP(u), want_ip);
		return false;
	}
	if (U_TLS(u) != tls) {
		snprintf(why, len, "TLS segment base/selector %#lx, not %#lx", U_TLS(u), tls);
		return false;
	}
	return true;
}

static int ready[2];	/* the child says it is about to spin */

static void traced_child(void)
{
	struct uregs in, out;
	unsigned int i;

	if (ptrace(PTRACE_TRACEME, 0, 0, 0))
		_exit(1);
	raise(SIGSTOP);
	for (i = 0; i < NR_EVENTS; i++) {
		uregs_fill(&in, 0x200 + i);
		harness_spinning = 1;
		if (events[i].fn == harness_spin && write(ready[1], "", 1) != 1)
			_exit(1);
		harness(&in, &out, events[i].fn);
	}
	_exit(0);
}

/* Stop a child spinning in harness_spin with sig; false if it never got there. */
static bool stop_spinning(pid_t pid, int sig, int *status)
{
	struct user_regs_struct u;
	char c;
	int tries;

	if (read(ready[0], &c, 1) != 1)
		return false;
	for (tries = 0; tries < 20; tries++) {
		usleep(20000);
		kill(pid, sig);
		if (waitpid(pid, status, 0) != pid || !WIFSTOPPED(*status))
			return false;
		if (WSTOPSIG(*status) == sig && !ptrace(PTRACE_GETREGS, pid, 0, &u) &&
		    in_spin(U_IP(&u)))
			return true;
		ptrace(PTRACE_CONT, pid, 0, 0);		/* too early: again */
	}
	return false;
}

static void test_ptrace(void)
{
	struct user_regs_struct u, rs;
	struct iovec iov = { &rs, sizeof(rs) };
	unsigned long tls = user_tls();
	int status, i;
	pid_t pid;
	char why[160];

	fflush(stdout);
	pid = fork();
	if (pid == 0)
		traced_child();
	if (waitpid(pid, &status, 0) != pid || !WIFSTOPPED(status))
		ksft_exit_fail_msg("tracee did not stop\n");
	ptrace(PTRACE_CONT, pid, 0, 0);
	for (i = 0; i < (int)NR_EVENTS; i++) {
		const struct event *e = &events[i];
		int want = e->fn == harness_spin ? SIGUSR1 : e->sig;
		bool ok = true;

		if (e->fn == harness_spin ? !stop_spinning(pid, SIGUSR1, &status) :
		    waitpid(pid, &status, 0) != pid || !WIFSTOPPED(status)) {
			ksft_test_result_fail("ptrace: %s: tracee gone (status %#x)\n",
					      e->name, status);
			return;
		}
		why[0] = '\0';
		memset(&u, 0, sizeof(u));
		memset(&rs, 0xa5, sizeof(rs));
		if (e->fn == t_int1 && WSTOPSIG(status) == SIGILL) {
			ksft_test_result_skip("ptrace stop at %s: %s\n", e->name, icebp_ud);
		} else if (WSTOPSIG(status) != want) {
			snprintf(why, sizeof(why), "stopped by signal %d, not %d",
				 WSTOPSIG(status), want);
			ok = false;
		} else if (ptrace(PTRACE_GETREGS, pid, 0, &u) ||
			   ptrace(PTRACE_GETREGSET, pid, NT_PRSTATUS, &iov)) {
			snprintf(why, sizeof(why), "GETREGS/GETREGSET: %s", strerror(errno));
			ok = false;
		} else if (memcmp(&u, &rs, sizeof(u))) {
			snprintf(why, sizeof(why), "GETREGS and GETREGSET NT_PRSTATUS differ");
			ok = false;
		} else if ((unsigned long)ptrace(PTRACE_PEEKUSER, pid, U_CS_OFF, 0) != U_CS(&u) ||
			   (unsigned long)ptrace(PTRACE_PEEKUSER, pid, U_SS_OFF, 0) != U_SS(&u)) {
			snprintf(why, sizeof(why), "PEEKUSER cs or ss differs from GETREGS");
			ok = false;
		} else {
			ok = check_user_regs(&u, e, 0x200 + i, tls, why, sizeof(why));
		}
		if (!(e->fn == t_int1 && WSTOPSIG(status) == SIGILL))
			ksft_test_result(ok, "ptrace stop at %s: user state only%s%s\n", e->name,
					 ok ? "" : ": ", why);
		/* skip a fault, end a spin, and drop the signal */
		if (e->fn == harness_spin) {
			/* a word at a time: clear harness_spinning alone */
			unsigned long w = ptrace(PTRACE_PEEKDATA, pid, &harness_spinning, 0);

			w &= ~(unsigned long)~0U;
			ptrace(PTRACE_POKEDATA, pid, &harness_spinning, w);
		} else {
			ptrace(PTRACE_GETREGS, pid, 0, &u);
#ifdef __x86_64__
			u.rip = after(e);
#else
			u.eip = after(e);
#endif
			ptrace(PTRACE_SETREGS, pid, 0, &u);
		}
		ptrace(PTRACE_CONT, pid, 0, 0);
	}
	waitpid(pid, &status, 0);
}

static bool read_core(const char *path, struct user_regs_struct *u, char *why, size_t len)
{
	static char buf[1 << 22];
	ssize_t n;
	int fd = open(path, O_RDONLY), i;
	ELF_EHDR *eh = (ELF_EHDR *)buf;

	if (fd < 0) {
		snprintf(why, len, "no core file %s", path);
		return false;
	}
	n = read(fd, buf, sizeof(buf));
	close(fd);
	unlink(path);
	if (n < (ssize_t)sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) ||
	    eh->e_type != ET_CORE) {
		snprintf(why, len, "%s is not an ELF core file", path);
		return false;
	}
	for (i = 0; i < eh->e_phnum; i++) {
		ELF_PHDR *ph = (ELF_PHDR *)(buf + eh->e_phoff + i * sizeof(ELF_PHDR));
		size_t off = ph->p_offset;

		if ((char *)(ph + 1) > buf + n || ph->p_type != PT_NOTE)
			continue;
		while (off + sizeof(ELF_NHDR) <= ph->p_offset + ph->p_filesz &&
		       off + sizeof(ELF_NHDR) <= (size_t)n) {
			ELF_NHDR *nh = (ELF_NHDR *)(buf + off);
			size_t desc = off + sizeof(*nh) + ((nh->n_namesz + 3) & ~3);

			if (nh->n_type == NT_PRSTATUS &&
			    desc + sizeof(struct elf_prstatus) <= (size_t)n) {
				struct elf_prstatus *pr = (struct elf_prstatus *)(buf + desc);

				memcpy(u, &pr->pr_reg, sizeof(*u));
				return true;
			}
			off = desc + ((nh->n_descsz + 3) & ~3);
		}
	}
	snprintf(why, len, "no NT_PRSTATUS note in the core file");
	return false;
}

static void core_child(const struct event *e, unsigned int seed)
{
	struct rlimit rl = { RLIM_INFINITY, RLIM_INFINITY };
	struct uregs in, out;

	setrlimit(RLIMIT_CORE, &rl);
	uregs_fill(&in, seed);
	harness_spinning = 1;
	if (e->fn == harness_spin && write(ready[1], "", 1) != 1)
		_exit(1);
	harness(&in, &out, e->fn);
	_exit(0);
}

/* The NT_PRSTATUS note of a core dump, from a fault and from an interrupt. */
static void test_core_dumps(void)
{
	static const char pattern_file[] = "/proc/sys/kernel/core_pattern";
	static const char core_pattern[] = "/tmp/entry_frame.core.%p\n";
	static const unsigned int which[] = { 0, 1, 2, 3 };	/* #PF, interrupt, #UD, #BP */
	char old[256] = "", path[64], why[160];
	unsigned long tls = user_tls();
	unsigned int k;
	int fd, n = 0;

	fd = open(pattern_file, O_RDWR);
	if (fd >= 0) {
		n = read(fd, old, sizeof(old) - 1);
		if (n <= 0 || lseek(fd, 0, SEEK_SET) ||
		    write(fd, core_pattern, strlen(core_pattern)) != (ssize_t)strlen(core_pattern))
			n = -1;
		close(fd);
	}
	for (k = 0; k < ARRAY_SIZE(which); k++) {
		const struct event *e = &events[which[k]];
		struct user_regs_struct u;
		int status;
		pid_t pid;
		bool ok;

		if (fd < 0 || n <= 0) {
			ksft_test_result_skip("core dump of %s: cannot set %s\n",
					      e->name, pattern_file);
			continue;
		}
		fflush(stdout);
		pid = fork();
		if (pid == 0)
			core_child(e, 0x300 + k);
		if (e->fn == harness_spin) {
			char c;

			/* well after the child said it was about to spin */
			if (read(ready[0], &c, 1) == 1)
				usleep(200000);
			kill(pid, SIGQUIT);
		}
		waitpid(pid, &status, 0);
		snprintf(path, sizeof(path), "/tmp/entry_frame.core.%d", pid);
		why[0] = '\0';
		ok = WIFSIGNALED(status) && WCOREDUMP(status);
		if (!ok)
			snprintf(why, sizeof(why), "no core dumped (status %#x)", status);
		else
			ok = read_core(path, &u, why, sizeof(why)) &&
			     check_user_regs(&u, e, 0x300 + k, tls, why, sizeof(why));
		ksft_test_result(ok, "core dump of %s: user state only%s%s\n", e->name,
				 ok ? "" : ": ", why);
	}
	if (n > 0) {
		fd = open(pattern_file, O_WRONLY);
		if (fd < 0 || write(fd, old, n) != n)
			ksft_print_msg("could not restore %s\n", pattern_file);
		if (fd >= 0)
			close(fd);
	}
}

/* --- sigreturn to every CS, every SS, and chosen IPs, SPs and flags --- */

#define SWEEP_ADDR	0x20000000UL	/* a UD2, below 4 GiB for 32-bit mode */
#define SWEEP_STACK	(SWEEP_ADDR + 0x1f00)

enum { SW_CS, SW_SS, SW_IP, SW_SP, SW_FLAGS, NR_SW };
static const char * const sw_names[NR_SW] = { "CS", "SS", "IP", "SP", "flags" };

static const unsigned long sw_ips[] = {
	0, 1, 0x1000, 0xfffff000UL, ~0UL,
#ifdef __x86_64__
	0x00007ffffffff000UL, 0x00007fffffffffffUL, 0x0000800000000000UL,
	0x0000800000001000UL, 0x00ff000000000000UL, 0x7fffffffffffffffUL,
	0x8000000000000000UL, 0xffff7fffffffffffUL, 0xffff800000000000UL,
	0xffffffff81000000UL, 0xfffffffffffff000UL,
#endif
};

static const unsigned long sw_sps[] = {
	0, 1, 0x1000, SWEEP_STACK, SWEEP_STACK + 1, SWEEP_STACK + 3, 0xfffff000UL, ~0UL,
#ifdef __x86_64__
	0x00007ffffffff000UL, 0x0000800000000000UL, 0x8000000000000000UL,
	0xffff800000000000UL, 0xffffffff81000000UL,
#endif
};

static int sw_kind;
static bool sw_started;
static unsigned long sw_i, sw_n, sw_val, sw_ill, sw_segv, sw_trap, sw_other, sw_bad;
static unsigned long sw_ill_cs[4];
static char sw_why[160];
static greg_t sw_home_gregs[NGREG];
static unsigned long sw_home_flags;
static sigset_t sw_home_mask;

static void sw_fail(const char *what, unsigned long v)
{
	if (!sw_bad++)
		snprintf(sw_why, sizeof(sw_why), "value %#lx: %s %#lx", sw_val, what, v);
}

/* What came back from the frame of case sw_val. */
static void sw_record(int sig, ucontext_t *uc)
{
	greg_t *g = uc->uc_mcontext.gregs;
	unsigned long ip = g[REG_IP], sp = g[REG_SP];
#ifdef __x86_64__
	unsigned long cs = g[REG_CSGSFS] & 0xffff, ss = (unsigned long)g[REG_CSGSFS] >> 48;
#else
	unsigned long cs = g[REG_CS] & 0xffff, ss = g[REG_SS] & 0xffff;
#endif

	if ((cs & 3) != 3 || (ss & 3) != 3)
		sw_fail("selectors without RPL 3, cs", cs);
	if (!user_flags(g[REG_EFL]))
		sw_fail("flags", g[REG_EFL]);
	switch (sig) {
	case SIGILL:
		sw_ill++;
		if (ip != SWEEP_ADDR)
			sw_fail("SIGILL away from the UD2, ip", ip);
		if (sw_kind == SW_CS) {
			if (cs != (sw_val | 3))
				sw_fail("UD2 reached with cs", cs);
			else if (sw_ill_cs[0] != cs && sw_ill_cs[1] != cs && sw_ill_cs[2] != cs)
				sw_ill_cs[sw_ill_cs[0] ? sw_ill_cs[1] ? 2 : 1 : 0] = cs;
		}
		if (sw_kind == SW_SS && ss != (sw_val | 3))
			sw_fail("UD2 reached with ss", ss);
		/* IRET and ERETU refuse a null SS for ring 3: #GP, SIGSEGV */
		if (sw_kind == SW_SS && !(sw_val & 0xfffc))
			sw_fail("UD2 reached with a null ss", ss);
		if (sw_kind == SW_SP && sp != sw_val)
			sw_fail("UD2 reached with sp", sp);
		break;
	case SIGSEGV:
		sw_segv++;
		if (sw_kind == SW_IP && ip != (unsigned long)sw_val &&
		    ip != (unsigned long)(unsigned int)sw_val)
			sw_fail("SIGSEGV with ip", ip);
		if (sw_kind == SW_SP && sp != sw_val)
			sw_fail("SIGSEGV with sp", sp);
		break;
	case SIGTRAP:
		sw_trap++;
		if (sw_kind != SW_FLAGS)
			sw_fail("SIGTRAP", sig);
		break;
	default:
		sw_other++;
		sw_fail("signal", sig);
		break;
	}
}

static void sw_handler(int sig, siginfo_t *si, void *ctx_void)
{
	ucontext_t *uc = ctx_void;
	greg_t *g = uc->uc_mcontext.gregs;

	if (!sw_started) {
		/* the sweep's own UD2: where to come back to */
		sw_started = true;
		memcpy(sw_home_gregs, g, sizeof(sw_home_gregs));
		sw_home_gregs[REG_IP] += 2;
		sw_home_flags = uc->uc_flags;
		sw_home_mask = uc->uc_sigmask;
	} else {
		sw_record(sig, uc);
	}
	if (sw_i == sw_n) {
		memcpy(g, sw_home_gregs, sizeof(sw_home_gregs));
		uc->uc_flags = sw_home_flags;
		uc->uc_sigmask = sw_home_mask;
		return;
	}
	switch (sw_kind) {
	case SW_CS:
	case SW_SS:
		sw_val = sw_i;
		break;
	case SW_IP:
		sw_val = sw_ips[sw_i];
		break;
	case SW_SP:
		sw_val = sw_sps[sw_i];
		break;
	default:
		sw_val = 0x202 | (1UL << sw_i);
		break;
	}
	sw_i++;
	g[REG_IP] = SWEEP_ADDR;
	g[REG_SP] = SWEEP_STACK;
	g[REG_EFL] = 0x202;
#ifdef __x86_64__
	g[REG_CSGSFS] = USER_CS | ((unsigned long)USER_DS << 48);
	uc->uc_flags |= UC_SIGCONTEXT_SS;
	uc->uc_flags &= ~UC_STRICT_RESTORE_SS;
	if (sw_kind == SW_CS)
		g[REG_CSGSFS] = sw_val | ((unsigned long)USER_DS << 48);
	if (sw_kind == SW_SS) {
		g[REG_CSGSFS] = USER_CS | (sw_val << 48);
		uc->uc_flags |= UC_STRICT_RESTORE_SS;
	}
#else
	g[REG_CS] = sw_kind == SW_CS ? sw_val : USER_CS;
	g[REG_SS] = sw_kind == SW_SS ? sw_val : USER_DS;
	g[REG_DS] = USER_DS;
	g[REG_ES] = USER_DS;
#endif
	if (sw_kind == SW_IP)
		g[REG_IP] = sw_val;
	if (sw_kind == SW_SP)
		g[REG_SP] = sw_val;
	if (sw_kind == SW_FLAGS)
		g[REG_EFL] = sw_val;
#ifdef __x86_64__
	/* a frame the IDT kernel's SYSRET path would accept, but for the IP */
	g[REG_RCX] = g[REG_IP];
	g[REG_R11] = g[REG_EFL];
#endif
	(void)si;
}

static void test_sigreturn_sweep(void)
{
	static const int sigs[] = { SIGSEGV, SIGILL, SIGTRAP, SIGBUS, SIGFPE };
	struct sigaction sa = { .sa_sigaction = sw_handler, .sa_flags = SA_SIGINFO | SA_ONSTACK };
	stack_t ss = { .ss_size = 1 << 16 };
	unsigned char *page;
	unsigned int i;

	page = mmap((void *)SWEEP_ADDR, 0x2000, PROT_READ | PROT_WRITE | PROT_EXEC,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	ss.ss_sp = malloc(ss.ss_size);
	if (page == MAP_FAILED || !ss.ss_sp || sigaltstack(&ss, NULL))
		ksft_exit_fail_msg("sweep setup: %s\n", strerror(errno));
	page[0] = 0x0f;		/* ud2 */
	page[1] = 0x0b;
	sigfillset(&sa.sa_mask);
	for (i = 0; i < ARRAY_SIZE(sigs); i++)
		sigaction(sigs[i], &sa, NULL);

	for (sw_kind = 0; sw_kind < NR_SW; sw_kind++) {
		switch (sw_kind) {
		case SW_CS:
		case SW_SS:
			sw_n = 0x10000;
			break;
		case SW_IP:
			sw_n = ARRAY_SIZE(sw_ips);
			break;
		case SW_SP:
			sw_n = ARRAY_SIZE(sw_sps);
			break;
		default:
			sw_n = sizeof(long) * 8;
			break;
		}
		sw_started = false;
		sw_i = 0;
		sw_ill = 0;
		sw_segv = 0;
		sw_trap = 0;
		sw_other = 0;
		sw_bad = 0;
		memset(sw_ill_cs, 0, sizeof(sw_ill_cs));
		sw_why[0] = '\0';
		asm volatile ("ud2" : : : "memory");
		ksft_print_msg("sigreturn %s: %lu values: UD2 %lu, SEGV %lu, TRAP %lu, other %lu\n",
			       sw_names[sw_kind], sw_n, sw_ill, sw_segv, sw_trap, sw_other);
		if (sw_kind == SW_CS)
			ksft_print_msg("sigreturn CS: the UD2 ran with cs %#lx %#lx %#lx\n",
				       sw_ill_cs[0], sw_ill_cs[1], sw_ill_cs[2]);
		ksft_test_result(!sw_bad && sw_ill + sw_segv + sw_trap == sw_n,
				 "sigreturn with every %s value: SIGILL at the target or SIGSEGV%s%s\n",
				 sw_names[sw_kind], sw_bad ? ": " : "", sw_why);
	}
	sa.sa_handler = SIG_DFL;
	sa.sa_flags = 0;
	for (i = 0; i < ARRAY_SIZE(sigs); i++)
		sigaction(sigs[i], &sa, NULL);
	ss.ss_flags = SS_DISABLE;
	sigaltstack(&ss, NULL);
	munmap(page, 0x2000);
}

int main(void)
{
	ksft_print_header();
	ksft_set_plan(2 * NR_EVENTS + 4 + NR_SW);
	if (fred_active())
		ksft_print_msg("FRED is on\n");
	if (pipe(ready))
		ksft_exit_fail_msg("pipe: %s\n", strerror(errno));
	test_signal_frames();
	test_ptrace();
	test_core_dumps();
	test_sigreturn_sweep();
	ksft_finished();
}
