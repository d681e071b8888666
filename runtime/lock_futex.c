/*
 * lock_futex.c: runtime locks and notes on Linux futexes (Go's lock_futex.go).
 *
 * A mutex word is 0 unlocked, 1 locked, 2 locked with sleepers. Lockers spin
 * a little (the holder is usually running on another CPU and about to let
 * go), then yield, then sleep in the kernel. A note word is 0 clear, 1 woken.
 */
#include <time.h>
#include <sys/syscall.h>

#include "runtime.h"

/* From linux/futex.h, which musl does not ship. */
enum { FUTEX_WAIT_PRIVATE = 128, FUTEX_WAKE_PRIVATE = 129 };
enum { UNLOCKED, LOCKED, SLEEPING };
enum { ACTIVE_SPIN = 4, ACTIVE_SPIN_CNT = 30, PASSIVE_SPIN = 1 };

void futexsleep(_Atomic uint32_t *addr, uint32_t val, int64_t ns)
{
	struct timespec ts, *tsp = 0;
	if (ns >= 0) {
		ts.tv_sec = ns / 1000000000;
		ts.tv_nsec = ns % 1000000000;
		tsp = &ts;
	}
	rawsyscall6(SYS_futex, (long)addr, FUTEX_WAIT_PRIVATE, val, (long)tsp, 0, 0);
}

void futexwakeup(_Atomic uint32_t *addr, uint32_t cnt)
{
	rawsyscall6(SYS_futex, (long)addr, FUTEX_WAKE_PRIVATE, cnt, 0, 0, 0);
}

static inline __attribute__((always_inline)) void lock2(mutex *l)
{
	uint32_t v = UNLOCKED;
	if (likely(atomic_compare_exchange_strong(&l->key, &v, LOCKED)))
		return;
	/* Once we have slept, we must leave SLEEPING behind us so that
	   unlock wakes the other sleepers. */
	uint32_t wait = atomic_exchange(&l->key, LOCKED);
	if (wait == UNLOCKED)
		return;
	int spin = ncpu > 1 ? ACTIVE_SPIN : 0;
	for (;;) {
		for (int i = 0; i < spin; i++) {
			while (atomic_load_explicit(&l->key, memory_order_relaxed) == UNLOCKED) {
				v = UNLOCKED;
				if (atomic_compare_exchange_weak(&l->key, &v, wait))
					return;
			}
			procyield(ACTIVE_SPIN_CNT);
		}
		for (int i = 0; i < PASSIVE_SPIN; i++) {
			while (atomic_load_explicit(&l->key, memory_order_relaxed) == UNLOCKED) {
				v = UNLOCKED;
				if (atomic_compare_exchange_weak(&l->key, &v, wait))
					return;
			}
			osyield();
		}
		v = atomic_exchange(&l->key, SLEEPING);
		if (v == UNLOCKED)
			return;
		wait = SLEEPING;
		futexsleep(&l->key, SLEEPING, -1);
	}
}

static inline __attribute__((always_inline)) void unlock2(mutex *l)
{
	uint32_t v = atomic_exchange(&l->key, UNLOCKED);
	if (unlikely(v == UNLOCKED))
		throw("unlock of unlocked lock");
	if (v == SLEEPING)
		futexwakeup(&l->key, 1);
}

/* The checking runtime checks the order before it waits, so that an
   inversion is reported even when it would deadlock. */
void lock(mutex *l)
{
#ifdef GORT_LOCKRANK
	lockrankacquire(l);
#endif
	lock2(l);
#ifdef GORT_LOCKRANK
	lockrankheld(l);
#endif
}

void unlock(mutex *l)
{
#ifdef GORT_LOCKRANK
	lockrankrelease(l);
#endif
	unlock2(l);
}

void noteclear(note *n)
{
	atomic_store(&n->key, 0);
}

void notewakeup(note *n)
{
	uint32_t old = atomic_exchange(&n->key, 1);
	if (old != 0)
		throw("notewakeup - double wakeup");
	futexwakeup(&n->key, 1);
}

void notesleep(note *n)
{
	while (atomic_load(&n->key) == 0)
		futexsleep(&n->key, 0, -1);
}

bool notetsleep(note *n, int64_t ns)
{
	if (ns < 0) {
		notesleep(n);
		return true;
	}
	int64_t deadline = nanotime() + ns;
	while (atomic_load(&n->key) == 0) {
		futexsleep(&n->key, 0, ns);
		if (atomic_load(&n->key) != 0)
			break;
		int64_t now = nanotime();
		if (now >= deadline)
			return false;
		ns = deadline - now;
	}
	return true;
}
