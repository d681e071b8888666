/*
 * sigmask.c: pthread_sigmask (and so sigprocmask, which calls it), in
 * place of musl's src/thread/pthread_sigmask.c; and the mask sigsetjmp
 * saves and siglongjmp restores, in place of musl's
 * src/signal/sigsetjmp_tail.c (__sigsetjmp_tail, which musl's sigsetjmp
 * calls after setjmp both times it returns, and which sets the thread's
 * mask with a plain system call).
 *
 * On a goroutine the mask is the program's, not the thread's: the
 * goroutine may run on another M after its next park, and a C program
 * blocks a signal for the whole process (for sigwait, or around a critical
 * section). runtime/signal.c keeps that one mask and has every M running
 * goroutines apply it. Threads of the program's own keep per-thread masks,
 * as musl gives them.
 */
#include <setjmp.h>
#include <signal.h>
#include <string.h>

#include "shim.h"

int pthread_sigmask(int how, const sigset_t *restrict set, sigset_t *restrict old)
{
	if (set && (unsigned)how - SIG_BLOCK > 2U)
		return EINVAL;
	g *gp = getg();
	if (gp && gp->m && gp->m->curg == gp && !atomic_load_explicit(&shim_forked, memory_order_relaxed)) {
		uint64_t s = 0, o = 0;
		if (set)
			memcpy(&s, set, sizeof s);
		int r = sigmaskset(how, set ? &s : 0, old ? &o : 0);
		if (!r && old) {
			memset(old, 0, sizeof *old);
			memcpy(old, &o, sizeof o);
		}
		return r;
	}
	long r = rawsyscall6(SYS_rt_sigprocmask, how, (long)set, (long)old, 8, 0, 0);
	if (!r && old) {
		/* As musl: its own signals (32-34) are not the program's. */
		uint64_t o;
		memcpy(&o, old, sizeof o);
		o &= ~0x380000000ULL;
		memcpy(old, &o, sizeof o);
	}
	return (int)-r;
}

/* sigsetjmp(jb, 1) saves the mask in jb (ret 0); siglongjmp comes back
   through here with ret != 0 and restores it: the program's, on a
   goroutine. */
hidden int __sigsetjmp_tail(sigjmp_buf jb, int ret)
{
	sigset_t *ss = (sigset_t *)(void *)jb->__ss;
	pthread_sigmask(SIG_SETMASK, ret ? ss : 0, ret ? 0 : ss);
	return ret;
}
