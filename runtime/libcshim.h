/*
 * libcshim.h: what the runtime calls in libc-shim/, the only code that
 * knows musl's internals (docs/libc.md). Included by runtime.h. In bare
 * mode (gortcc -nolibc) libc-shim/ is not linked and shim_bare.c gives
 * the same.
 */
#ifndef GORT_LIBCSHIM_H
#define GORT_LIBCSHIM_H

struct sigaction;

/* tcb.c: every goroutine a thread to the C library. A G's
   thread control block and static TLS sit in the top gort_tcbreserve
   bytes of its stack; tcbinit lays them out (for a G about to start)
   and returns the thread pointer; tcbexit runs the C library's
   thread-exit duties (pthread key destructors) on a goroutine that has
   a block of its own (g->tls). */
hidden extern uintptr_t gort_tcbreserve;
hidden extern bool tcbon;             /* goroutines have blocks of their own */
hidden void tcbsetup(void);
hidden uintptr_t tcbinit(g *gp);
hidden void tcbexit(g *gp);
hidden int tcbtidnext(void);

/* start_init.c: the program's constructors, deferred to goroutine 1. */
hidden void gort_runinit(void);

/* stdio.c: a dying process flushes the program's stdout and stderr,
   unless another thread holds their lock. */
hidden void dopanic_flush(void);

/* fdtab.c: from the first go() on, the child of fork is marked (it must
   not park or poll). */
hidden void shim_watchfork(void);

/* sigaction.c: musl's sigaction, without the program's view. */
hidden int rtsigaction(int sig, const struct sigaction *sa, struct sigaction *old);

#endif
