/*
 * pthread_sync.c: pthread barriers and spin locks among goroutines
 * (overrides musl 1.2.3's src/thread/pthread_barrier_wait.c and
 * pthread_spin_lock.c, one function each).
 *
 * A goroutine that waits for other goroutines must let them run. musl's
 * pthread_barrier_wait sleeps in a plain futex wait, and its
 * pthread_spin_lock spins without end; both keep the P, so goroutines
 * that wait at a barrier or for a spin lock whose holder was preempted
 * would hang the program as soon as they occupy every P. Here a barrier
 * waits as musl's other futex waits do on a goroutine (lock.c: the P is
 * given away first), and a spin lock yields the P after a while.
 *
 * The barrier keeps musl's pthread_barrier_t as pthread_barrier_init
 * leaves it (src/internal/pthread_impl.h): int 2 (_b_limit) holds the
 * count less one, with the sign bit set for a process-shared barrier, and
 * the rest starts at zero. This file uses the other ints its own way:
 *   0  threads inside pthread_barrier_wait; pthread_barrier_destroy of a
 *      process-shared barrier sets the sign bit and waits for the rest
 *      to reach 0, as it does with musl's own algorithm
 *   1  threads still inside a cycle of even generation
 *   3  arrivals in the current cycle
 *   4  the generation: the last arrival of a cycle increments it
 *   5  threads still inside a cycle of odd generation
 * The last to arrive returns PTHREAD_BARRIER_SERIAL_THREAD, and only
 * once the others are out, so that any of them may destroy or reuse the
 * barrier as soon as pthread_barrier_wait has returned.
 */
#include <errno.h>
#include <gort.h>
#include <limits.h>
#include <pthread.h>

#include "shim.h"

enum { B_INSIDE = 0, B_EVEN = 1, B_LIMIT = 2, B_ARRIVED = 3, B_GEN = 4, B_ODD = 5 };
enum { SPIN_BEFORE_YIELD = 100 };

static _Atomic int *bword(pthread_barrier_t *b, int i)
{
	return (_Atomic int *)&b->__u.__vi[i];
}

/* Leave the barrier; wake a process-shared destroy waiting for the last. */
static void bleave(pthread_barrier_t *b, int priv)
{
	_Atomic int *inside = bword(b, B_INSIDE);
	if (atomic_fetch_sub(inside, 1) - 1 == INT_MIN)
		shim_futexwake((volatile int *)inside, 1, priv);
}

int pthread_barrier_wait(pthread_barrier_t *b)
{
	int limit = b->__u.__i[B_LIMIT];
	int priv = limit < 0 ? 0 : SHIM_FUTEX_PRIVATE;
	limit &= INT_MAX;
	if (limit == 0)
		return PTHREAD_BARRIER_SERIAL_THREAD;
	_Atomic int *gen = bword(b, B_GEN), *arrived = bword(b, B_ARRIVED);
	atomic_fetch_add(bword(b, B_INSIDE), 1);
	/* Our cycle cannot end before we arrive, so this is its generation;
	   and we count ourselves in it before we arrive, so the last arrival
	   waits for us. */
	int g = atomic_load(gen);
	_Atomic int *cycle = bword(b, g & 1 ? B_ODD : B_EVEN);
	atomic_fetch_add(cycle, 1);
	if (atomic_fetch_add(arrived, 1) == limit) {
		/* Last: open the next cycle, release this one, and wait until
		   everyone released is out. */
		atomic_store(arrived, 0);
		atomic_fetch_sub(cycle, 1);
		atomic_store(gen, g + 1);
		shim_futexwake((volatile int *)gen, INT_MAX, priv);
		int v;
		while ((v = atomic_load(cycle)) != 0)
			shim_futexwait((volatile int *)cycle, v, priv);
		bleave(b, priv);
		return PTHREAD_BARRIER_SERIAL_THREAD;
	}
	while (atomic_load(gen) == g)
		shim_futexwait((volatile int *)gen, g, priv);
	/* Out of the barrier's memory before the last arrival may return. */
	bleave(b, priv);
	if (atomic_fetch_sub(cycle, 1) == 1)
		shim_futexwake((volatile int *)cycle, 1, priv);
	return 0;
}

/* musl's locked value is EBUSY (pthread_spin_trylock returns the word). */
int pthread_spin_lock(pthread_spinlock_t *s)
{
	_Atomic int *l = (_Atomic int *)s;
	for (int n = 0;; n++) {
		int v = 0;
		if (atomic_load_explicit(l, memory_order_relaxed) == 0 &&
		    atomic_compare_exchange_weak(l, &v, EBUSY))
			return 0;
		/* The holder may be a goroutine waiting for this very P (it was
		   preempted): let it run. */
		if (n >= SPIN_BEFORE_YIELD && shim_curg()) {
			gort_yield();
			n = 0;
		} else {
			procyield(1);
		}
	}
}
