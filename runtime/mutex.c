/*
 * mutex.c: gort_mutex, Go's sync.Mutex.
 *
 * state: bit 0 locked, bit 1 a woken waiter is trying to take it (so
 * unlock need not wake another), bit 2 starvation mode, and the number of
 * waiters above them. Normal mode: waiters queue FIFO, but a woken waiter
 * competes with new arrivals (which are running, so usually win); a waiter
 * that waited more than 1 ms switches the mutex to starvation mode, where
 * unlock hands it straight to the waiter at the head of the queue and new
 * arrivals queue at the tail. It goes back to normal when the last waiter
 * takes it or a waiter waited less than 1 ms.
 *
 * The fast paths are a load and one CAS to lock and one atomic add to
 * unlock, without a system call; only contention reaches sema.c.
 */
#include <gort.h>

#include "sema.h"

enum {
	MUTEX_LOCKED = 1,
	MUTEX_WOKEN = 2,
	MUTEX_STARVING = 4,
	MUTEX_WAITER_SHIFT = 3,
	STARVATION_NS = 1000000,
	ACTIVE_SPIN = 4,
	ACTIVE_SPIN_CNT = 30,
};

static int32_t load(gort_mutex *m)
{
	return __atomic_load_n(&m->state, __ATOMIC_RELAXED);
}

static bool cas(gort_mutex *m, int32_t old, int32_t new)
{
	return __atomic_compare_exchange_n(&m->state, &old, new, false, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED);
}

/* Spin only if this is a multicore machine, other Ps are running (one may
   be about to unlock) and our own P has nothing else to run (Go's
   sync_runtime_canSpin). */
static bool canspin(int iter)
{
	if (iter >= ACTIVE_SPIN || ncpu <= 1 ||
	    gomaxprocs <= atomic_load(&sched.npidle) + atomic_load(&sched.nmspinning) + 1)
		return false;
	g *gp = getg();
	m *mp = gp ? gp->m : 0;
	p *pp = mp && mp->curg == gp ? mp->p : 0;
	return pp && runqempty(pp);
}

static void lockslow(gort_mutex *m)
{
	int64_t waitstart = 0;
	bool starving = false, awoke = false;
	int iter = 0;
	int32_t old = load(m);
	for (;;) {
		/* Spin while it is locked (not starving) and spinning may pay:
		   say we are awake so unlock does not wake another waiter. */
		if ((old & (MUTEX_LOCKED | MUTEX_STARVING)) == MUTEX_LOCKED && canspin(iter)) {
			if (!awoke && !(old & MUTEX_WOKEN) && (old >> MUTEX_WAITER_SHIFT) != 0 &&
			    cas(m, old, old | MUTEX_WOKEN))
				awoke = true;
			procyield(ACTIVE_SPIN_CNT);
			iter++;
			old = load(m);
			continue;
		}
		int32_t new = old;
		/* New arrivals do not take a starving mutex: they queue. */
		if (!(old & MUTEX_STARVING))
			new |= MUTEX_LOCKED;
		if (old & (MUTEX_LOCKED | MUTEX_STARVING))
			new += 1 << MUTEX_WAITER_SHIFT;
		/* Switch to starvation mode, if it is still locked. */
		if (starving && (old & MUTEX_LOCKED))
			new |= MUTEX_STARVING;
		if (awoke) {
			if (!(new & MUTEX_WOKEN))
				fatal("sync: inconsistent mutex state");
			new &= ~MUTEX_WOKEN;
		}
		if (!cas(m, old, new)) {
			old = load(m);
			continue;
		}
		if (!(old & (MUTEX_LOCKED | MUTEX_STARVING)))
			return;  /* locked it with the CAS */
		/* A waiter that waited before queues at the front. */
		bool lifo = waitstart != 0;
		if (!waitstart)
			waitstart = nanotime();
		semacquire1(&m->sema, lifo, waitReasonSyncMutexLock);
		starving = starving || nanotime() - waitstart > STARVATION_NS;
		old = load(m);
		if (old & MUTEX_STARVING) {
			/* Handed to us: the state still counts us as a waiter and
			   has not been marked locked. */
			if ((old & (MUTEX_LOCKED | MUTEX_WOKEN)) || (old >> MUTEX_WAITER_SHIFT) == 0)
				fatal("sync: inconsistent mutex state");
			int32_t delta = MUTEX_LOCKED - (1 << MUTEX_WAITER_SHIFT);
			if (!starving || (old >> MUTEX_WAITER_SHIFT) == 1)
				delta -= MUTEX_STARVING;  /* leave starvation mode */
			__atomic_fetch_add(&m->state, delta, __ATOMIC_ACQ_REL);
			return;
		}
		awoke = true;
		iter = 0;
	}
}

void gort_mutex_lock(gort_mutex *m)
{
	/* Look before the CAS: under contention a CAS that fails still takes
	   the line from the holder, who then has to take it back to unlock;
	   a load only shares it. */
	int32_t z = 0;
	if (load(m) == 0 &&
	    __atomic_compare_exchange_n(&m->state, &z, MUTEX_LOCKED, false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
		return;
	lockslow(m);
}

bool gort_mutex_trylock(gort_mutex *m)
{
	int32_t old = load(m);
	if (old & (MUTEX_LOCKED | MUTEX_STARVING))
		return false;
	return cas(m, old, old | MUTEX_LOCKED);
}

static void unlockslow(gort_mutex *m, int32_t new)
{
	if (!((new + MUTEX_LOCKED) & MUTEX_LOCKED))
		fatal("sync: unlock of unlocked mutex");
	if (new & MUTEX_STARVING) {
		/* Hand it to the first waiter, and let it run now. */
		semrelease1(&m->sema, true);
		return;
	}
	int32_t old = new;
	for (;;) {
		/* Nobody to wake, or someone already woken, or it was locked
		   again meanwhile: nothing to do. */
		if ((old >> MUTEX_WAITER_SHIFT) == 0 || (old & (MUTEX_LOCKED | MUTEX_WOKEN | MUTEX_STARVING)))
			return;
		new = (old - (1 << MUTEX_WAITER_SHIFT)) | MUTEX_WOKEN;
		if (cas(m, old, new)) {
			semrelease1(&m->sema, false);
			return;
		}
		old = load(m);
	}
}

void gort_mutex_unlock(gort_mutex *m)
{
	int32_t new = __atomic_sub_fetch(&m->state, MUTEX_LOCKED, __ATOMIC_RELEASE);
	if (new != 0)
		unlockslow(m, new);
}
