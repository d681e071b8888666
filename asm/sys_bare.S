/*
 * sys_bare.S: the system calls of bare mode that C cannot make (Go's
 * sys_linux_amd64.s): clone, whose child starts on another stack, and the
 * signal restorer.
 */
	.text

/*
 * long gort_clone(unsigned long flags, void *stack, uintptr_t tls, m *mp)
 *
 * clone(flags, stack, NULL, NULL, tls). The child returns from the system
 * call on stack, with the thread pointer tls (CLONE_SETTLS) and every
 * other register as the parent had them: mp rides in %r12, and the child
 * calls mstart_thread(mp), which never returns. The parent gets the
 * child's thread id, or -errno.
 */
	.globl	gort_clone
	.hidden	gort_clone
	.type	gort_clone, @function
gort_clone:
	.cfi_startproc
	push	%r12
	.cfi_adjust_cfa_offset 8
	.cfi_rel_offset r12, 0
	mov	%rcx, %r12		/* mp, for the child */
	mov	%rdx, %r8		/* tls */
	xor	%edx, %edx		/* parent_tid */
	xor	%r10d, %r10d		/* child_tid */
	mov	$56, %eax		/* SYS_clone */
	syscall
	test	%rax, %rax
	jz	1f
	pop	%r12
	.cfi_adjust_cfa_offset -8
	.cfi_restore r12
	ret
1:	/* The child, on its own stack: the outermost frame. */
	.cfi_undefined rip
	xor	%ebp, %ebp
	and	$-16, %rsp
	mov	%r12, %rdi
	call	mstart_thread
	mov	$1, %edi		/* not reached: end this thread */
	mov	$60, %eax		/* SYS_exit */
	syscall
	hlt
	.cfi_endproc
	.size	gort_clone, .-gort_clone

/*
 * gort_sigreturn: where a signal handler returns (the sa_restorer of every
 * handler os_bare.c installs): rt_sigreturn restores the interrupted
 * context from the frame the kernel pushed. Without a C library nobody
 * else provides one, and the kernel refuses handlers without it.
 */
	.globl	gort_sigreturn
	.hidden	gort_sigreturn
	.type	gort_sigreturn, @function
	nop				/* a debugger looks one byte before a return address */
gort_sigreturn:
	mov	$15, %eax		/* SYS_rt_sigreturn */
	syscall
	hlt
	.size	gort_sigreturn, .-gort_sigreturn

	.section .note.GNU-stack,"",@progbits
