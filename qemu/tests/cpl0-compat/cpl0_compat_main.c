// SPDX-License-Identifier: GPL-2.0
/*
 * kernel/cpl0_compat: a check of the CPU, not of the kernel. FRED has no
 * compatibility mode at CPL 0: with CR4.FRED set, a far JMP, far CALL,
 * far RET or IRET that would run ring 0 with a code segment whose L bit
 * is clear raises #GP(selector). Without FRED the same transfers are
 * allowed, and they are what the EFI mixed-mode thunk uses.
 *
 * On load, the module makes each transfer once at CPL 0 to
 * __KERNEL32_CS (GDT entry 1: DPL 0, L=0, D=1) and prints TAP to the
 * kernel log (lines "cpl0_compat: ..."), which cpl0_compat.sh, in the
 * VM, turns into the test's output:
 *   FRED in use: each transfer raises #GP (vector 13);
 *   FRED not in use: each one reaches the compatibility-mode stub, which
 *   comes back to 64-bit mode.
 * Case 1 is the control in both: a far RET to __KERNEL_CS (L=1) works.
 *
 * The stub must run below 4 GiB, where only user memory is: a page of the
 * loading process (insmod), mapped with MAP_32BIT and run at CPL 0 with
 * CR4.SMEP clear for the length of the transfer. PTI maps user memory
 * non-executable in the kernel's page tables, so without FRED the cases
 * that reach the stub are skipped under PTI.
 */
#define pr_fmt(fmt) "cpl0_compat: " fmt

#include <linux/errno.h>
#include <linux/init.h>
#include <linux/irqflags.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/module.h>
#include <linux/sizes.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <asm/cpufeature.h>
#include <asm/processor-flags.h>
#include <asm/segment.h>
#include <asm/special_insns.h>
#include <asm/trapnr.h>

#include "cpl0_compat.h"

#define CPL0C_CR4_FRED	BIT_ULL(32)	/* CR4.FRED: bit 32 */

/*
 * The stub, at the start of the page:
 *  0  endbr32                              f3 0f 1e fb
 *  4  ljmp $__KERNEL_CS, $page + 16        ea <u32> <u16>
 * 11  int3 up to 16                        cc
 * 16  endbr64                              f3 0f 1e fa
 * 20  movabs $&cpl0_compat_rsp, %rax       48 b8 <u64>
 * 30  mov (%rax), %rsp                     48 8b 20
 * 33  movabs $cpl0_compat_back, %rax       48 b8 <u64>
 * 43  jmp *%rax                            ff e0
 * The far JMP in compatibility mode (EA) is #UD in 64-bit mode, so
 * coming back through it shows that the stub ran in compatibility mode.
 * Without FRED, the far CALL case puts its stack at the top of the same
 * page (see cpl0_compat_try.S).
 */
#define STUB_LEN	45

static void cpl0c_fill_stub(u8 *s, u32 page)
{
	u64 rsp_slot = (u64)&cpl0_compat_rsp, back = (u64)cpl0_compat_back;
	u32 entry64 = page + 16;
	u16 cs64 = __KERNEL_CS;

	memset(s, 0xcc, STUB_LEN);
	memcpy(s + 0, "\xf3\x0f\x1e\xfb\xea", 5);
	memcpy(s + 5, &entry64, 4);
	memcpy(s + 9, &cs64, 2);
	memcpy(s + 16, "\xf3\x0f\x1e\xfa\x48\xb8", 6);
	memcpy(s + 22, &rsp_slot, 8);
	memcpy(s + 30, "\x48\x8b\x20\x48\xb8", 5);
	memcpy(s + 35, &back, 8);
	memcpy(s + 43, "\xff\xe0", 2);
}

/* One transfer, with interrupts off and SMEP clear around it. */
static long cpl0c_run(unsigned long kind, unsigned long page, bool fred)
{
	unsigned long flags, cr4;
	long r;

	local_irq_save(flags);
	cr4 = __read_cr4();
	/*
	 * Not native_write_cr4(): it pins SMEP. Neither write changes a bit
	 * that would flush the TLB.
	 */
	asm volatile("mov %0, %%cr4" : : "r" (cr4 & ~X86_CR4_SMEP) : "memory");
	r = cpl0_compat_try(kind, page, fred ? 0 : page + PAGE_SIZE);
	asm volatile("mov %0, %%cr4" : : "r" (cr4) : "memory");
	local_irq_restore(flags);
	return r;
}

static const char * const cpl0c_names[] = {
	"far RET to __KERNEL_CS (L=1) at CPL 0",
	"far JMP to __KERNEL32_CS (L=0) at CPL 0",
	"far RET to __KERNEL32_CS (L=0) at CPL 0",
	"IRET to __KERNEL32_CS (L=0) at CPL 0",
	"far CALL to __KERNEL32_CS (L=0) at CPL 0",
};

static int __init cpl0_compat_init(void)
{
	bool fred = __read_cr4() & CPL0C_CR4_FRED;
	bool pti = boot_cpu_has(X86_FEATURE_PTI);
	u8 stub[STUB_LEN];
	unsigned long page;
	unsigned int i, failed = 0;
	long r;

	page = vm_mmap(NULL, 0, PAGE_SIZE, PROT_READ | PROT_WRITE | PROT_EXEC,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, 0);
	if (IS_ERR_VALUE(page)) {
		pr_info("1..0 # SKIP cannot map the stub's page: %ld\n", (long)page);
		return 0;
	}
	cpl0c_fill_stub(stub, page);
	/* Writing it also faults the page in: the stub never faults. */
	if (page + PAGE_SIZE > SZ_4G || copy_to_user((void __user *)page, stub, STUB_LEN)) {
		vm_munmap(page, PAGE_SIZE);
		pr_info("1..0 # SKIP cannot place the stub below 4 GiB (at %#lx)\n", page);
		return 0;
	}

	pr_info("TAP version 13\n");
	pr_info("1..%zu\n", ARRAY_SIZE(cpl0c_names));
	pr_info("# CR4.FRED=%d, PTI %s, stub at %#lx\n", fred, pti ? "on" : "off", page);
	for (i = 0; i < ARRAY_SIZE(cpl0c_names); i++) {
		if (i && !fred && pti) {
			pr_info("ok %u %s # SKIP PTI maps user memory non-executable for the kernel\n",
				i + 1, cpl0c_names[i]);
			continue;
		}
		r = cpl0c_run(i, page, fred);
		if (i == 0 || !fred) {
			/* The control, and everything without FRED: allowed. */
			if (r == -1) {
				pr_info("ok %u %s: %s\n", i + 1, cpl0c_names[i],
					i ? "ran the stub in compatibility mode" : "allowed");
				continue;
			}
			pr_info("not ok %u %s: vector %ld, expected no exception\n",
				i + 1, cpl0c_names[i], r);
		} else if (r == X86_TRAP_GP) {
			pr_info("ok %u %s under FRED: #GP\n", i + 1, cpl0c_names[i]);
			continue;
		} else if (r == -1) {
			pr_info("not ok %u %s under FRED: the CPU ran ring 0 in compatibility mode\n",
				i + 1, cpl0c_names[i]);
		} else {
			pr_info("not ok %u %s under FRED: vector %ld, expected #GP (13)\n",
				i + 1, cpl0c_names[i], r);
		}
		failed++;
	}
	vm_munmap(page, PAGE_SIZE);
	pr_info("# %u failed\n", failed);
	return 0;
}

static void __exit cpl0_compat_exit(void)
{
}

module_init(cpl0_compat_init);
module_exit(cpl0_compat_exit);
MODULE_DESCRIPTION("FRED: no compatibility mode at CPL 0 (a check of the CPU)");
MODULE_LICENSE("GPL");
