/*
 * syscall_cp.c: blocking system calls release the P
 * (overrides musl 1.2.3's __syscall_cp, src/thread/__syscall_cp.c).
 *
 * musl makes every system call that is a cancellation point through
 * __syscall_cp: read, write, open, close, accept, connect, recvfrom,
 * sendto, poll, select, epoll_wait, nanosleep, wait4, waitid, fcntl
 * F_SETLKW, futex waits of pthread_cond_wait, sem_wait and pthread_join
 * (__timedwait), msgrcv, mq_timedreceive, sigtimedwait, pause, fsync, ...
 * (41 objects of libc.a). That is one chokepoint where a goroutine can
 * tell the scheduler it is about to block in the kernel: the call runs
 * between entersyscall and exitsyscall, and sysmon hands the P to another
 * M if it takes long (Go's syscall.Syscall).
 *
 * musl's object defines __syscall_cp and a weak __syscall_cp_c, which
 * pthread_cancel.c overrides with the version that honours cancellation.
 * Defining __syscall_cp here keeps that object out of the link; a weak
 * reference to __syscall_cp_c finds pthread_cancel's when the program
 * uses pthread_cancel, so a thread of the program's own stays
 * cancellable exactly as with musl. Goroutines are not pthreads and are
 * never cancelled.
 */
#include "shim.h"

hidden long __syscall_cp_c(long, long, long, long, long, long, long) __attribute__((weak));

static long offg(long nr, long a, long b, long c, long d, long e, long f)
{
	if (__syscall_cp_c)
		return __syscall_cp_c(nr, a, b, c, d, e, f);
	return rawsyscall6(nr, a, b, c, d, e, f);
}

/* A call that gort's own preemption signal cut short (EINTR with
   g->syscallintr set, runtime/signal.c) is made again: the program sent no
   signal and must not see one. */
/* A futex wait (musl's __timedwait_cp: pthread_cond_wait, contended
   pthread_mutex_lock, sem_wait, pthread_join) waits for another thread,
   often a goroutine that needs this P: hand it off at once rather than
   after a sysmon tick. */
static bool futexwaits(long nr, long op)
{
	long cmd = op & ~(long)(SHIM_FUTEX_PRIVATE | SHIM_FUTEX_CLOCK_REALTIME);
	return nr == SYS_futex && (cmd == SHIM_FUTEX_WAIT || cmd == SHIM_FUTEX_WAIT_BITSET);
}

long __syscall_cp(long nr, long a, long b, long c, long d, long e, long f)
{
	g *gp = shim_curg();
	if (!gp)
		return offg(nr, a, b, c, d, e, f);
	bool block = futexwaits(nr, b);
	long r;
	do {
		if (block)
			entersyscallblock();
		else
			entersyscall();
		r = rawsyscall6(nr, a, b, c, d, e, f);
		exitsyscall();
	} while (r == -EINTR && atomic_load_explicit(&gp->syscallintr, memory_order_relaxed));
	return r;
}

long sc_block(const struct sc *c)
{
	g *gp = getg();
	long r;
	do {
		entersyscall();
		r = sc_raw(c);
		exitsyscall();
	} while (r == -EINTR && atomic_load_explicit(&gp->syscallintr, memory_order_relaxed));
	return r;
}

long sc_cp(const struct sc *c)
{
	return offg(c->nr, c->a[0], c->a[1], c->a[2], c->a[3], c->a[4], c->a[5]);
}
