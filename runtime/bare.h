/*
 * bare.h: what the files of bare mode (gortcc -nolibc: *_bare.c,
 * asm/sys_bare.S, crt/start_bare.S) share. The rest of the runtime sees
 * only runtime.h's OS layer.
 */
#ifndef GORT_BARE_H
#define GORT_BARE_H

#include "runtime.h"

/* tls_bare.c: the program's PT_TLS segment, and the bytes a thread's
   block needs; rt0_tlsinit lays one out and returns its thread pointer. */
hidden extern uintptr_t tlsimage;
hidden extern size_t tlsfilesz, tlsmemsz, tlsalign, tlsblocksize;
size_t rt0_tlssize(long *sp);
uintptr_t rt0_tlsinit(void *mem);

/* crt/start_bare.S: what its arch_prctl(ARCH_SET_FS) returned. */
hidden extern long gort_settls_ret;

/* asm/sys_bare.S: clone(flags, stack, tls) whose child calls
   mstart_thread(mp) on stack; returns the child's id or -errno. And the
   restorer every signal handler returns through (rt_sigreturn). */
hidden long gort_clone(unsigned long flags, void *stack, uintptr_t tls, m *mp);
hidden void gort_sigreturn(void);

#endif
