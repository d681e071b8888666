/*
 * _start: the process entry (lib/crt0.o, first object of every gortcc link).
 *
 * The kernel enters here with %rsp pointing at argc, followed by argv[],
 * NULL, envp[], NULL, auxv pairs (docs/bootstrap.md draws it). The ABI asks
 * the outermost frame to clear %rbp and to call with a 16-byte aligned stack;
 * %rdx holds a function for atexit from a dynamic loader, unused in a static
 * binary. rt0_go never returns.
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

	.section .note.GNU-stack,"",@progbits
