/*
 * lock.c: musl's internal locks wait like a blocking system call
 * (overrides musl 1.2.3's src/thread/__lock.c, which defines __lock and
 * __unlock).
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
 * GOMAXPROCS=1 the program would hang. So on a goroutine the wait runs
 * between entersyscall and exitsyscall, as __lockfile's does for a FILE
 * (stdio.c), and the P goes to whoever can use it.
 *
 * The malloc lock keeps musl's plain wait: its holder never makes a call
 * that can block for long, and the runtime allocates while it holds locks
 * of its own, where giving up the P could park it with them held.
 *
 * The lock word is musl's, as other parts of musl reset it to 0 (fork's
 * child, malloc's atfork handler): the sign bit says locked, the rest
 * counts the threads inside (the holder and those waiting for it). musl
 * takes no locks at all while the process has one thread, which it says
 * in __libc.need_locks (src/internal/libc.h): 0 none, 1 lock, -1 lock this
 * once more, then stop (the last other thread has just exited). The
 * fields before need_locks are mirrored to find it.
 */
#include <limits.h>

#include "shim.h"

struct libc_head {
	char can_do_threads;
	char threaded;
	char secure;
	volatile signed char need_locks;
};
extern hidden struct libc_head __libc;
extern hidden int __malloc_lock[1];

enum { FUTEX_WAIT_PRIVATE = 128, FUTEX_WAKE_PRIVATE = 129, LOCK_SPIN = 10 };

static void lockwait(volatile int *l, int val)
{
	struct sc c = { SYS_futex, { (long)l, FUTEX_WAIT_PRIVATE, val } };
	if (l != __malloc_lock && shim_curg())
		sc_block(&c);
	else
		sc_raw(&c);
}

hidden void __lock(volatile int *l0)
{
	_Atomic int *l = (_Atomic int *)l0;
	int need = __libc.need_locks;
	if (!need)
		return;
	int v = 0;
	bool took = atomic_compare_exchange_strong(l, &v, INT_MIN + 1);
	if (need < 0)
		__libc.need_locks = 0;
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
			lockwait(l0, v);
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
		rawsyscall6(SYS_futex, (long)l0, FUTEX_WAKE_PRIVATE, 1, 0, 0, 0);
}
