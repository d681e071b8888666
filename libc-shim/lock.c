/*
 * lock.c: musl's internal locks and waits let other goroutines run
 * (overrides musl 1.2.3's src/thread/__lock.c, which defines __lock and
 * __unlock, and src/thread/__wait.c, which defines __wait).
 *
 * musl guards its process-wide state with LOCK and UNLOCK on an int: the
 * list of open FILEs (fopen, fclose, fflush(NULL), exit), the time zone
 * (localtime, mktime, tzset), syslog, locales and message catalogs,
 * atexit, random, DIR streams, malloc. Some are held across system calls:
 * fflush(NULL) writes every stream with the open-file list locked, tzset
 * reads the zone file. A goroutine can lose its P in such a call (sysmon
 * hands it to another M) and then wait in exitsyscall for one. musl's
 * __lock sleeps in a plain futex wait, which keeps the P: a goroutine that
 * found the lock taken would hold the very P the holder waits for, and at
 * GOMAXPROCS=1 the program would hang.
 *
 * __wait is where pthread_barrier_wait and pthread_once (while another
 * caller runs the init function) sleep, also in a plain futex wait. Among
 * goroutines that is a hang whenever the waiters outnumber the Ps: the
 * goroutines that would arrive at the barrier, or finish the init, never
 * get to run.
 *
 * So on a goroutine both waits give the P away first (entersyscallblock)
 * and sleep in the kernel as a blocking system call would; the M comes
 * back for a P when woken. Two locks keep musl's plain wait, as their
 * holders never block and the runtime takes them itself: malloc's, which
 * it takes while holding locks of its own, where giving up the P could
 * park it with them held, and the thread list's (pthread_create).
 *
 * The lock word is musl's, as other parts of musl reset it to 0 (fork's
 * child, malloc's atfork handler): the sign bit says locked, the rest
 * counts the threads inside (the holder and those waiting for it). musl
 * takes no locks at all while the process has one thread, which it says
 * in shim_libc.need_locks (src/internal/libc.h): 0 none, 1 lock, -1 lock this
 * once more, then stop (the last other thread has just exited). The
 * fields before need_locks are mirrored to find it.
 */
#include <limits.h>

#include "shim.h"

extern hidden int __malloc_lock[1];
extern hidden volatile int __thread_list_lock;

enum { LOCK_SPIN = 10, WAIT_SPIN = 100 };

/* Sleep while *addr is val, having given the P away if handoff. */
static void futexwait(volatile int *addr, int val, int priv, bool handoff)
{
	if (handoff)
		entersyscallblock();
	rawsyscall6(SYS_futex, (long)addr, SHIM_FUTEX_WAIT | priv, val, 0, 0, 0);
	if (handoff)
		exitsyscall();
}

void shim_futexwait(volatile int *addr, int val, int priv)
{
	futexwait(addr, val, priv, shim_curg() != 0);
}

/* musl's locks and waits: malloc's and the thread list's keep the plain
   wait (see the top of this file). */
static void lockwait(volatile int *addr, int val, int priv)
{
	bool plain = (void *)addr == (void *)__malloc_lock || addr == &__thread_list_lock;
	futexwait(addr, val, priv, !plain && shim_curg());
}

void shim_futexwake(volatile int *addr, int n, int priv)
{
	rawsyscall6(SYS_futex, (long)addr, SHIM_FUTEX_WAKE | priv, n, 0, 0, 0);
}

hidden void __lock(volatile int *l0)
{
	_Atomic int *l = (_Atomic int *)l0;
	int need = shim_libc.need_locks;
	if (!need)
		return;
	int v = 0;
	bool took = atomic_compare_exchange_strong(l, &v, INT_MIN + 1);
	if (need < 0)
		shim_libc.need_locks = 0;
	if (took)
		return;
	/* Held briefly, as it mostly is: take it the moment it is free,
	   counting ourselves in. */
	for (int i = 0; i < LOCK_SPIN; i++) {
		if (v < 0)
			v = atomic_load_explicit(l, memory_order_relaxed);
		else if (atomic_compare_exchange_weak(l, &v, INT_MIN + v + 1))
			return;
	}
	/* Count ourselves in, then sleep while someone holds it: the holder's
	   __unlock sees the count and wakes one of us. */
	v = atomic_fetch_add(l, 1) + 1;
	for (;;) {
		if (v < 0) {
			lockwait(l0, v, SHIM_FUTEX_PRIVATE);
			v = atomic_load(l);
			continue;
		}
		/* Free, and v already counts us: lock it, count unchanged. */
		if (atomic_compare_exchange_weak(l, &v, INT_MIN + v))
			return;
	}
}

hidden void __unlock(volatile int *l0)
{
	_Atomic int *l = (_Atomic int *)l0;
	/* Non-negative: never locked (one thread, no locking). */
	if (atomic_load_explicit(l, memory_order_relaxed) >= 0)
		return;
	/* Drop the lock bit and ourselves; anyone left is waiting. */
	if (atomic_fetch_add(l, INT_MAX) != INT_MIN + 1)
		shim_futexwake(l0, 1, SHIM_FUTEX_PRIVATE);
}

/* Sleep until *addr is no longer val, counted in *waiters (if given) so
   that the waker knows to wake. A short spin first, unless others already
   sleep. */
hidden void __wait(volatile int *addr, volatile int *waiters, int val, int priv)
{
	for (int i = 0; i < WAIT_SPIN && (!waiters || !*waiters); i++) {
		if (*addr != val)
			return;
		procyield(1);
	}
	if (waiters)
		atomic_fetch_add((_Atomic int *)waiters, 1);
	while (*addr == val)
		lockwait(addr, val, priv ? SHIM_FUTEX_PRIVATE : 0);
	if (waiters)
		atomic_fetch_sub((_Atomic int *)waiters, 1);
}
