/* SPDX-License-Identifier: GPL-2.0 */
/*
 * long cpl0_compat_try(unsigned long kind, unsigned long stub,
 *                      unsigned long call_stack)
 *
 * One far transfer at CPL 0, with interrupts off:
 *   kind 0: far RET to 64-bit code through __KERNEL_CS (the control);
 *   kind 1: far JMP   } to the compatibility-mode stub at @stub (below
 *   kind 2: far RET   } 4 GiB, see cpl0_compat_main.c) through
 *   kind 3: IRET      } __KERNEL32_CS, a DPL-0 code segment with L=0
 *   kind 4: far CALL  }
 * The stub jumps back to 64-bit mode and on to cpl0_compat_back.
 *
 * Returns -1 when the transfer took place (and, for kinds 1-4, the CPU
 * ran the stub in compatibility mode and came back), or the vector of
 * the exception the transfer raised: the exception table sends it to
 * .Lfault with the vector in %rax (EX_TYPE_FAULT).
 *
 * Nothing is assumed of the registers after compatibility mode (the SDM
 * leaves the upper halves undefined): RSP comes back from
 * cpl0_compat_rsp, and the callee-saved registers from the stack.
 */
#include <linux/linkage.h>
#include <asm/asm.h>
#include <linux/objtool.h>
#include <asm/nospec-branch.h>
#include <asm/smap.h>
#include <asm/segment.h>

	.data
SYM_DATA(cpl0_compat_rsp, .quad 0)

	.text
SYM_FUNC_START(cpl0_compat_try)
	push	%rbx
	push	%rbp
	push	%r12
	push	%r13
	push	%r14
	push	%r15
	mov	%rsp, cpl0_compat_rsp(%rip)
	cmp	$1, %rdi
	je	.Ljmp
	cmp	$2, %rdi
	je	.Llret
	cmp	$3, %rdi
	je	.Liret
	cmp	$4, %rdi
	je	.Lcall

	pushq	$__KERNEL_CS
	leaq	.Lret64(%rip), %rax
	push	%rax
.Lret64_insn:
	lretq
.Lret64:
	jmp	.Ltransferred

.Ljmp:
	sub	$8, %rsp
	movl	%esi, (%rsp)
	movw	$__KERNEL32_CS, 4(%rsp)
.Ljmp_insn:
	ljmpl	*(%rsp)

.Llret:
	pushq	$__KERNEL32_CS
	push	%rsi
.Llret_insn:
	lretq

.Liret:
	mov	%rsp, %rax
	pushq	$__KERNEL_DS
	push	%rax
	pushfq
	pushq	$__KERNEL32_CS
	push	%rsi
.Liret_insn:
	iretq

.Lcall:
	/*
	 * With @call_stack set, the stack moves there first: the top of the
	 * stub's page, below 4 GiB, where RSP and ESP are the same address,
	 * so the pushes land on that page whichever of the two the CPU uses
	 * (QEMU 7.2's TCG wrongly uses ESP for a far CALL with a 32-bit
	 * operand size in 64-bit mode). The page is user memory, hence STAC;
	 * .Lout clears AC. Under FRED the caller leaves the kernel stack in
	 * place: the #GP expected there is delivered on the current stack,
	 * which a user page cannot be.
	 */
	sub	$8, %rsp
	movl	%esi, (%rsp)
	movw	$__KERNEL32_CS, 4(%rsp)
	mov	%rsp, %rax
	test	%rdx, %rdx
	jz	.Lcall_stac
	mov	%rdx, %rsp
.Lcall_stac:
	ASM_STAC
.Lcall_insn:
	ANNOTATE_RETPOLINE_SAFE		/* a far call: not a branch retpolines cover */
	lcalll	*(%rax)

SYM_INNER_LABEL(cpl0_compat_back, SYM_L_GLOBAL)
	endbr64
	mov	cpl0_compat_rsp(%rip), %rsp
.Ltransferred:
	mov	$-1, %rax
	jmp	.Lout
.Lfault:
	mov	cpl0_compat_rsp(%rip), %rsp
.Lout:
	ASM_CLAC
	pop	%r15
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%rbp
	pop	%rbx
	RET
SYM_FUNC_END(cpl0_compat_try)
/* Far transfers and an RSP reloaded from memory: nothing objtool follows. */
STACK_FRAME_NON_STANDARD cpl0_compat_try

	_ASM_EXTABLE_FAULT(.Lret64_insn, .Lfault)
	_ASM_EXTABLE_FAULT(.Ljmp_insn, .Lfault)
	_ASM_EXTABLE_FAULT(.Lcall_insn, .Lfault)
	_ASM_EXTABLE_FAULT(.Llret_insn, .Lfault)
	_ASM_EXTABLE_FAULT(.Liret_insn, .Lfault)
