/*
 * switch.S: goroutine context switch (Go's asm_amd64.s): mcall, gogo, and
 * gostartfn, the first frame of every goroutine, which ends in proc.c's
 * goexit1 when its function returns.
 *
 * A switched-out goroutine keeps its state on its own stack, below the
 * return address of the call that switched:
 *
 *	sp+56	return address
 *	sp+48	rbp
 *	sp+40	rbx
 *	sp+32	r12
 *	sp+24	r13
 *	sp+16	r14
 *	sp+8	r15
 *	sp+4	MXCSR
 *	sp+0	x87 control word
 *
 * and g->sched.sp points at it. These are the registers the System V ABI
 * says a callee must preserve; everything else is dead across a call.
 *
 * Every G has a thread control block of its own (libc-shim/tcb.c), and
 * g->tls is its thread pointer: switching to a G loads it into %fs, so the
 * C library's per-thread state and the program's __thread variables
 * follow the goroutine from M to M. The thread-local gort_curg of each
 * block names the G that owns it, so getg() is one %fs-relative load. An
 * M's g0 owns the thread's own block, the one the C library made. In a
 * program that cannot tell the difference (libc-shim/tcb.c) goroutines
 * share their M's block (g->tls is 0), and the switch only sets its
 * gort_curg.
 */
#include "../runtime/asm.h"

	.text

/*
 * void mcall(void (*fn)(g *))
 * Save the caller's state in getg()->sched, switch to m->g0's stack and
 * call fn(oldg) there. fn must not return: it ends in gogo or schedule.
 */
	.globl	mcall
	.hidden	mcall
	.type	mcall, @function
mcall:
	.cfi_startproc
	push	%rbp
	.cfi_adjust_cfa_offset 8
	.cfi_rel_offset rbp, 0
	push	%rbx
	.cfi_adjust_cfa_offset 8
	push	%r12
	.cfi_adjust_cfa_offset 8
	push	%r13
	.cfi_adjust_cfa_offset 8
	push	%r14
	.cfi_adjust_cfa_offset 8
	push	%r15
	.cfi_adjust_cfa_offset 8
	push	$0				/* zero the pad between CW and MXCSR */
	.cfi_adjust_cfa_offset 8
	fnstcw	0(%rsp)
	stmxcsr	4(%rsp)
	mov	%rdi, %rsi			/* fn */
	mov	%fs:gort_curg@tpoff, %rdi	/* oldg: fn's argument */
	mov	%rsp, G_SCHED_SP(%rdi)		/* oldg->sched.sp */
	mov	G_M(%rdi), %rax			/* m */
	/* What this thread has loaded now, read back at the sizes stored:
	   one 8-byte load over the two stores would wait for them to reach
	   the cache instead of forwarding from the store buffer. */
	movzwl	0(%rsp), %edx
	mov	4(%rsp), %ecx
	shl	$32, %rcx
	or	%rcx, %rdx
	mov	%rdx, M_FPSTATE(%rax)
	mov	M_G0(%rax), %rax		/* m->g0 */
	cmp	%rax, %rdi
	je	mcall_on_g0
	cmpq	$0, G_TLS(%rdi)			/* oldg shares the M's block: */
	je	3f
	mov	G_TLS(%rax), %rdx		/* setg(g0): g0's thread pointer */
	cmpb	$0, gort_fsgsbase(%rip)
	je	1f
	wrfsbase %rdx
	jmp	2f
1:	call	settp_syscall
	jmp	2f
3:	mov	%rax, %fs:gort_curg@tpoff	/* setg(g0) in it */
2:	mov	G_SCHED_SP(%rax), %rsp		/* g0's fixed scheduling sp */
	xor	%ebp, %ebp
	call	*%rsi
	ud2					/* fn returned */
mcall_on_g0:
	call	mcall_bad
	ud2
	.cfi_endproc
	.size	mcall, .-mcall

/*
 * void gogo(g *gp)
 * Make gp the current G and resume it where it switched out, popping the
 * frame mcall pushed; a G that never ran (sched.sp 0) starts in gostartfn.
 * gp->m is set.
 * m->fpstate tracks the control words the thread holds (mcall records
 * them), so the x87 CW and MXCSR are only reloaded when gp's differ.
 */
	.globl	gogo
	.hidden	gogo
	.type	gogo, @function
gogo:
	.cfi_startproc
	mov	G_TLS(%rdi), %rdx		/* setg(gp): gp's thread pointer */
	test	%rdx, %rdx
	jz	5f
	cmpb	$0, gort_fsgsbase(%rip)
	je	3f
	wrfsbase %rdx
	jmp	4f
3:	call	settp_syscall
	jmp	4f
5:	mov	%rdi, %fs:gort_curg@tpoff	/* gp shares the M's block */
4:	mov	G_SCHED_SP(%rdi), %rax
	test	%rax, %rax
	jz	gogo_new
	mov	%rax, %rsp
	mov	G_M(%rdi), %rax
	mov	0(%rsp), %rdx
	cmp	%rdx, M_FPSTATE(%rax)		/* loads are slow: skip them when equal */
	je	1f
	fldcw	0(%rsp)
	ldmxcsr	4(%rsp)
	mov	%rdx, M_FPSTATE(%rax)
1:	add	$8, %rsp
	pop	%r15
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%rbx
	pop	%rbp
	pop	%rcx
	jmp	*%rcx
gogo_new:
	/* A goroutine that never ran: the top of its stack below its thread
	   control block, default FP control words, and gostartfn with fn in
	   %rbx and arg in %r12. */
	mov	G_STACKHI(%rdi), %rax		/* computed aside, then one move: */
	sub	gort_tcbreserve(%rip), %rax	/* valgrind takes an sp that only */
	and	$-16, %rax			/* goes down for an allocation, */
	mov	%rax, %rsp			/* which would undefine the block */
	mov	G_M(%rdi), %rax
	movabs	$FPSTATE_DEFAULT, %rdx
	cmp	%rdx, M_FPSTATE(%rax)
	je	2f
	push	%rdx
	fldcw	0(%rsp)
	ldmxcsr	4(%rsp)
	pop	%rdx
	mov	%rdx, M_FPSTATE(%rax)
2:	mov	G_FN(%rdi), %rbx
	mov	G_ARG(%rdi), %r12
	xor	%ebp, %ebp
	jmp	gostartfn
	.cfi_endproc
	.size	gogo, .-gogo

/*
 * settp_syscall: %fs base := %rdx by arch_prctl(ARCH_SET_FS), for CPUs or
 * kernels without FSGSBASE (and valgrind, which does not emulate
 * wrfsbase). Preserves every register but %rcx and %r11, which the
 * system call clobbers and the switch does not hold live.
 */
	.type	settp_syscall, @function
settp_syscall:
	.cfi_startproc
	push	%rax
	.cfi_adjust_cfa_offset 8
	push	%rdi
	.cfi_adjust_cfa_offset 8
	push	%rsi
	.cfi_adjust_cfa_offset 8
	mov	$0x1002, %edi			/* ARCH_SET_FS */
	mov	%rdx, %rsi
	mov	$158, %eax			/* SYS_arch_prctl */
	syscall
	pop	%rsi
	.cfi_adjust_cfa_offset -8
	pop	%rdi
	.cfi_adjust_cfa_offset -8
	pop	%rax
	.cfi_adjust_cfa_offset -8
	ret
	.cfi_endproc
	.size	settp_syscall, .-settp_syscall

/*
 * gostartfn: the first frame of every goroutine. gogo enters it with fn in
 * %rbx, its argument in %r12 and a 16-byte aligned stack; when fn returns,
 * the goroutine ends in goexit1.
 * It has no caller: .cfi_undefined rip ends gdb's and perf's unwinding here.
 */
	.globl	gostartfn
	.hidden	gostartfn
	.type	gostartfn, @function
gostartfn:
	.cfi_startproc
	.cfi_undefined rip
	xor	%ebp, %ebp
	mov	%r12, %rdi
	call	*%rbx
	call	goexit1
	ud2
	.cfi_endproc
	.size	gostartfn, .-gostartfn

	.section .note.GNU-stack,"",@progbits
