/*
 * preempt.S: the return path of an asynchronous preemption (Go's
 * asyncPreempt in preempt_amd64.s).
 *
 * The SIGURG handler (runtime/signal.c) makes the interrupted goroutine
 * look as if it had called asyncPreempt: it steps over the 128-byte red zone
 * the System V ABI lets leaf functions use below %rsp, pushes the
 * interrupted pc there and resumes here. We save every register the
 * interrupted code may be using (all of them: it was not at a call), let
 * asyncPreempt2 switch to other goroutines, and on return restore them and
 * return over the red zone with `ret $128`.
 *
 * The vector state is saved with xsave (every component the OS enabled) when
 * the CPU has it, so AVX code keeps its upper halves while other goroutines
 * run on this thread; fxsave otherwise.
 */
	.text
	.globl	asyncPreempt
	.hidden	asyncPreempt
	.type	asyncPreempt, @function
asyncPreempt:
	.cfi_startproc
	.cfi_adjust_cfa_offset 8	/* return address (interrupted pc) on the stack */
	pushfq
	.cfi_adjust_cfa_offset 8
	push	%rbp
	.cfi_adjust_cfa_offset 8
	.cfi_rel_offset rbp, 0
	mov	%rsp, %rbp
	.cfi_def_cfa_register rbp
	push	%rax
	push	%rbx
	push	%rcx
	push	%rdx
	push	%rsi
	push	%rdi
	push	%r8
	push	%r9
	push	%r10
	push	%r11
	push	%r12
	push	%r13
	push	%r14
	push	%r15
	/* Vector and x87 state, 64-byte aligned below the registers. */
	sub	gort_xsave_size(%rip), %rsp
	and	$-64, %rsp
	cmpb	$0, gort_have_xsave(%rip)
	je	1f
	/* xrstor faults unless the header's reserved bytes are zero, and
	   xsave does not write them: clear the 64-byte header first. */
	xor	%eax, %eax
	mov	%rax, 512(%rsp)
	mov	%rax, 520(%rsp)
	mov	%rax, 528(%rsp)
	mov	%rax, 536(%rsp)
	mov	%rax, 544(%rsp)
	mov	%rax, 552(%rsp)
	mov	%rax, 560(%rsp)
	mov	%rax, 568(%rsp)
	mov	$-1, %eax
	mov	$-1, %edx
	xsave64	(%rsp)
	jmp	2f
1:	fxsave64 (%rsp)
2:	call	asyncPreempt2
	cmpb	$0, gort_have_xsave(%rip)
	je	3f
	mov	$-1, %eax
	mov	$-1, %edx
	xrstor64 (%rsp)
	jmp	4f
3:	fxrstor64 (%rsp)
4:	lea	-112(%rbp), %rsp
	pop	%r15
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%r11
	pop	%r10
	pop	%r9
	pop	%r8
	pop	%rdi
	pop	%rsi
	pop	%rdx
	pop	%rcx
	pop	%rbx
	pop	%rax
	pop	%rbp
	.cfi_def_cfa rsp, 16
	popfq
	.cfi_adjust_cfa_offset -8
	ret	$128
	.cfi_endproc
	.size	asyncPreempt, .-asyncPreempt

	.section .note.GNU-stack,"",@progbits
