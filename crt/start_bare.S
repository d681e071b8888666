/*
 * _start of bare mode (lib/crt0-bare.o, gortcc -nolibc): the process entry
 * of a program with no C library, Go's non-cgo rt0 in C and assembly.
 *
 * Before anything else, m0's thread-local storage: rt0_tlssize finds the
 * program's PT_TLS segment (through AT_PHDR) and says how many bytes a
 * block needs; the block is carved out of the initial stack, below argc,
 * and rt0_tlsinit lays it out (the .tdata image, the zeroed .tbss, and at
 * the thread pointer a control block whose first word points at itself,
 * as the x86-64 ABI asks). Neither makes a system call: the first one the
 * process makes is this arch_prctl(ARCH_SET_FS), Go's settls, which binds
 * the block to m0's thread. Then rt0_go, as in the default mode
 * (crt/start.S), with the stack pointer the kernel gave: the block sits
 * below it, out of the way of argv, envp and auxv.
 */
	.text
	.globl	_start
	.type	_start, @function
_start:
	.cfi_startproc
	.cfi_undefined rip
	xor	%ebp, %ebp		/* outermost frame: no caller */
	mov	%rsp, %r12		/* &argc, kept across the calls */
	mov	%rsp, %rdi
	and	$-16, %rsp
	call	rt0_tlssize		/* bytes of m0's block */
	sub	%rax, %rsp
	and	$-64, %rsp
	mov	%rsp, %rdi
	call	rt0_tlsinit		/* lay it out at %rsp: the thread pointer */
	mov	%rax, %rsi		/* addr */
	mov	$0x1002, %edi		/* ARCH_SET_FS */
	mov	$158, %eax		/* SYS_arch_prctl */
	syscall
	mov	%rax, gort_settls_ret(%rip)	/* 0, or -errno: rt0_bare.c reports it */
	mov	%r12, %rdi		/* rt0_go(sp): &argc */
	call	rt0_go
	hlt				/* not reached */
	.cfi_endproc
	.size	_start, .-_start

	.bss
	.align	8
	.globl	gort_settls_ret
	.hidden	gort_settls_ret
gort_settls_ret:
	.quad	0

	.section .note.GNU-stack,"",@progbits
