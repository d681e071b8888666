/*
 * syscall_cp.c: blocking system calls release the P
 * (overrides musl 1.2.3's __syscall_cp, src/thread/__syscall_cp.c, and
 * syscall, src/misc/syscall.c).
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
#include <stdarg.h>
#include <unistd.h>

#include "shim.h"

hidden long __syscall_cp_c(long, long, long, long, long, long, long) __attribute__((weak));

static long offg(long nr, long a, long b, long c, long d, long e, long f)
{
	if (__syscall_cp_c)
		return __syscall_cp_c(nr, a, b, c, d, e, f);
	return rawsyscall6(nr, a, b, c, d, e, f);
}

/* A futex wait (musl's __timedwait_cp: pthread_cond_wait, contended
   pthread_mutex_lock, sem_wait, pthread_join) waits for another thread,
   often a goroutine that needs this P: hand it off at once rather than
   after a sysmon tick. */
static bool futexwaits(long nr, long op)
{
	long cmd = op & ~(long)(SHIM_FUTEX_PRIVATE | SHIM_FUTEX_CLOCK_REALTIME);
	return nr == SYS_futex && (cmd == SHIM_FUTEX_WAIT || cmd == SHIM_FUTEX_WAIT_BITSET);
}

/* The call between entersyscall and exitsyscall. One that gort's own
   preemption signal cut short (EINTR with g->syscallintr set,
   runtime/signal.c) is made again: the program sent no signal and must
   not see one. */
static long blocking(g *gp, long nr, long a, long b, long c, long d, long e, long f)
{
	bool handoff = futexwaits(nr, b);
	long r;
	do {
		if (handoff)
			entersyscallblock();
		else
			entersyscall();
		r = rawsyscall6(nr, a, b, c, d, e, f);
		exitsyscall();
	} while (r == -EINTR && atomic_load_explicit(&gp->syscallintr, memory_order_relaxed));
	return r;
}

long __syscall_cp(long nr, long a, long b, long c, long d, long e, long f)
{
	g *gp = shim_curg();
	if (!gp)
		return offg(nr, a, b, c, d, e, f);
	return blocking(gp, nr, a, b, c, d, e, f);
}

long sc_block(const struct sc *c)
{
	return blocking(getg(), c->nr, c->a[0], c->a[1], c->a[2], c->a[3], c->a[4], c->a[5]);
}

/* Calls made through syscall() that may wait for long: on a goroutine
   they run as the C library's own blocking calls do. */
static bool mayblock(long nr)
{
	switch (nr) {
	case SYS_futex:
	case SYS_read:
	case SYS_readv:
	case SYS_pread64:
	case SYS_preadv:
	case SYS_write:
	case SYS_writev:
	case SYS_pwrite64:
	case SYS_pwritev:
	case SYS_recvfrom:
	case SYS_recvmsg:
	case SYS_sendto:
	case SYS_sendmsg:
	case SYS_accept:
	case SYS_accept4:
	case SYS_connect:
	case SYS_poll:
	case SYS_ppoll:
	case SYS_select:
	case SYS_pselect6:
	case SYS_epoll_wait:
	case SYS_epoll_pwait:
	case SYS_nanosleep:
	case SYS_clock_nanosleep:
	case SYS_wait4:
	case SYS_waitid:
	case SYS_pause:
	case SYS_rt_sigsuspend:
	case SYS_rt_sigtimedwait:
	case SYS_flock:
	case SYS_fcntl:
	case SYS_msgrcv:
	case SYS_msgsnd:
	case SYS_semtimedop:
	case SYS_mq_timedreceive:
	case SYS_mq_timedsend:
	case SYS_io_getevents:
	case SYS_getrandom:
		return true;
	}
	return false;
}

/* musl's syscall(): programs that wait through it (a futex lock of their
   own) must not keep the P, or the goroutine they wait for may never run
   (overrides src/misc/syscall.c). */
long syscall(long nr, ...)
{
	va_list ap;
	va_start(ap, nr);
	long a = va_arg(ap, long), b = va_arg(ap, long), c = va_arg(ap, long);
	long d = va_arg(ap, long), e = va_arg(ap, long), f = va_arg(ap, long);
	va_end(ap);
	g *gp = mayblock(nr) ? shim_curg() : 0;
	return sc_ret(gp ? blocking(gp, nr, a, b, c, d, e, f) : rawsyscall6(nr, a, b, c, d, e, f));
}

long sc_cp(const struct sc *c)
{
	return offg(c->nr, c->a[0], c->a[1], c->a[2], c->a[3], c->a[4], c->a[5]);
}
