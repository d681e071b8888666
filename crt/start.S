/*
 * _start: the process entry (lib/crt0.o, first object of every gortcc link).
 *
 * The kernel enters here with %rsp pointing at argc, followed by argv[],
 * NULL, envp[], NULL, auxv pairs (docs/bootstrap.md draws it). The ABI asks
 * the outermost frame to clear %rbp and to call with a 16-byte aligned stack;
 * %rdx holds a function for atexit from a dynamic loader, unused in a static
 * binary. rt0_go never returns.
 *
 * Also here: __set_thread_area, the arch_prctl(ARCH_SET_FS) call that
 * binds m0's thread pointer.
 */
	.text
	.globl	_start
	.type	_start, @function
_start:
	.cfi_startproc
	.cfi_undefined rip
	xor	%ebp, %ebp		/* outermost frame: no caller */
	mov	%rsp, %rdi		/* rt0_go(sp): &argc */
	and	$-16, %rsp		/* align for the call */
	call	rt0_go
	hlt				/* not reached */
	.cfi_endproc
	.size	_start, .-_start

/*
 * int __set_thread_area(void *tp): bind the calling thread's pointer (%fs
 * base) to tp, Go's settls. musl 1.2.3 lays out m0's thread control block
 * and calls its internal __set_thread_area once, from __init_tp; the
 * function is an archive member of its own, so this definition, linked
 * first, is the one taken and the arch_prctl call of m0 is crt0's.
 * Returns the system call's result (0, or -errno). rt0.c's boottrace
 * reports the call from gort_settls_tp.
 */
	.globl	__set_thread_area
	.hidden	__set_thread_area
	.type	__set_thread_area, @function
__set_thread_area:
	.cfi_startproc
	mov	%rdi, gort_settls_tp(%rip)	/* for GODEBUG=boottrace */
	mov	%rdi, %rsi			/* addr */
	mov	$0x1002, %edi			/* ARCH_SET_FS */
	mov	$158, %eax			/* SYS_arch_prctl */
	syscall
	ret
	.cfi_endproc
	.size	__set_thread_area, .-__set_thread_area

	.bss
	.align	8
	.globl	gort_settls_tp
	.hidden	gort_settls_tp
gort_settls_tp:
	.quad	0

	.section .note.GNU-stack,"",@progbits
