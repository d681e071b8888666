/*
 * tls_bare.c: thread-local storage without a C library (bare mode).
 *
 * On x86-64 (the ABI's TLS variant II) a thread's static TLS block ends
 * at its thread pointer (the %fs base): the program's PT_TLS segment,
 * its .tdata image copied and its .tbss zeroed, sits just below it, so
 * that each __thread variable is at a fixed negative offset the linker
 * computed from the segment's size rounded up to its alignment. Above the
 * thread pointer is the thread control block, of which the ABI asks only
 * that its first word point at itself (%fs:0, read by code that wants the
 * thread pointer as an address); gcc's stack protector reads its canary at
 * %fs:0x28. The runtime's own TLS is one word of it: gort_curg (getg).
 *
 * crt/start_bare.S lays out m0's block on the initial stack through
 * rt0_tlssize and rt0_tlsinit, before the first system call; os_bare.c's
 * newosproc lays out each new M's at the top of its g0 stack. Goroutines
 * share their M's block (g->tls is 0), as in the default mode when the
 * program cannot tell (libc-shim/tcb.c).
 */
#include <elf.h>
#include <string.h>

#include "runtime.h"
#include "bare.h"

struct tcbbare {
	struct tcbbare *self;   /* %fs:0 */
	uintptr_t unused[4];
	uintptr_t canary;       /* %fs:0x28 */
	uintptr_t unused2[2];
};
_Static_assert(offsetof(struct tcbbare, canary) == 0x28, "gcc's stack protector reads %fs:0x28");

/* The program's PT_TLS segment, as rt0_tlssize found it. */
uintptr_t tlsimage;
size_t tlsfilesz, tlsmemsz, tlsalign;
/* Bytes from the start of the image to the thread pointer (the linker's
   rounding of the segment), and the alignment of the thread pointer. */
static size_t tlsoffset, tpalign;
/* Bytes a block needs wherever it is placed: tlsinit aligns within. */
size_t tlsblocksize;
static uintptr_t canary;

/* Called by _start with the initial stack, before any system call and
   with no thread pointer yet: finds PT_TLS and AT_RANDOM in auxv. */
size_t rt0_tlssize(long *sp)
{
	char **envp = (char **)(sp + 1 + sp[0] + 1);
	while (*envp)
		envp++;
	const Elf64_Phdr *ph = 0;
	size_t phnum = 0;
	const unsigned char *rnd = 0;
	for (unsigned long *a = (unsigned long *)(envp + 1); a[0] != AT_NULL; a += 2) {
		if (a[0] == AT_PHDR)
			ph = (const Elf64_Phdr *)a[1];
		else if (a[0] == AT_PHNUM)
			phnum = a[1];
		else if (a[0] == AT_RANDOM)
			rnd = (const unsigned char *)a[1];
	}
	/* A static PIE is loaded where the kernel chose: its load bias is
	   where the program headers are less where they say they are. */
	uintptr_t bias = 0;
	for (size_t i = 0; ph && i < phnum; i++)
		if (ph[i].p_type == PT_PHDR)
			bias = (uintptr_t)ph - ph[i].p_vaddr;
	tlsalign = 1;
	for (size_t i = 0; ph && i < phnum; i++)
		if (ph[i].p_type == PT_TLS) {
			tlsimage = bias + ph[i].p_vaddr;
			tlsfilesz = ph[i].p_filesz;
			tlsmemsz = ph[i].p_memsz;
			tlsalign = ph[i].p_align ? ph[i].p_align : 1;
		}
	tlsoffset = (tlsmemsz + tlsalign - 1) & ~(tlsalign - 1);
	tpalign = tlsalign > 64 ? tlsalign : 64;
	tlsblocksize = tlsoffset + sizeof(struct tcbbare) + tpalign - 1;
	/* The canary's low byte is zero, so that a string overrun cannot
	   write it (as C libraries make theirs). */
	if (rnd)
		memcpy(&canary, rnd, sizeof canary);
	canary &= ~(uintptr_t)0xff;
	return tlsblocksize;
}

/* Lay out a block in mem (tlsblocksize bytes, any alignment, any
   content); returns its thread pointer. m0's is carved out of the initial
   stack by _start, each other M's is at the top of its g0 stack. */
uintptr_t rt0_tlsinit(void *mem)
{
	uintptr_t tp = ((uintptr_t)mem + tlsoffset + tpalign - 1) & ~(tpalign - 1);
	unsigned char *start = (unsigned char *)(tp - tlsoffset);
	memcpy(start, (const void *)tlsimage, tlsfilesz);
	memset(start + tlsfilesz, 0, tlsoffset - tlsfilesz);
	struct tcbbare *tcb = (struct tcbbare *)tp;
	memset(tcb, 0, sizeof *tcb);
	tcb->self = tcb;
	tcb->canary = canary;
	return tp;
}
