/*
 * waitgroup.c: gort_waitgroup, Go's sync.WaitGroup.
 *
 * state: the counter in the high 32 bits, the number of waiters in the
 * low 32. Waiters sleep on sema. When the counter reaches zero with
 * waiters, the state is reset and each waiter is released once; as in Go,
 * Add with a positive delta must happen before Wait, and a group is
 * reused only after every Wait returned, or the runtime panics.
 *
 * Lifetimes (gort.h): a group may be freed as soon as gort_wg_wait
 * returned. The last gort_wg_done touches the group in its final
 * semrelease1, whose increment is the last access to *sema.
 */
#include <gort.h>

#include "sema.h"

void gort_wg_add(gort_waitgroup *wg, int64_t delta)
{
	if (delta > INT32_MAX || delta < INT32_MIN)
		gopanic("sync: WaitGroup counter overflow");
	uint64_t state = __atomic_add_fetch(&wg->state, (uint64_t)delta << 32, __ATOMIC_ACQ_REL);
	int32_t v = (int32_t)(state >> 32);
	uint32_t w = (uint32_t)state;
	if (v < 0)
		gopanic("sync: negative WaitGroup counter");
	if (w != 0 && delta > 0 && v == (int32_t)delta)
		gopanic("sync: WaitGroup misuse: Add called concurrently with Wait");
	if (v > 0 || w == 0)
		return;
	/* Counter zero, waiters: nobody may touch the state now but us. */
	if (__atomic_load_n(&wg->state, __ATOMIC_ACQUIRE) != state)
		gopanic("sync: WaitGroup misuse: Add called concurrently with Wait");
	__atomic_store_n(&wg->state, 0, __ATOMIC_RELEASE);
	uint32_t *sema = &wg->sema;
	for (; w != 0; w--)
		semrelease1(sema, false);
}

void gort_wg_done(gort_waitgroup *wg)
{
	gort_wg_add(wg, -1);
}

void gort_wg_wait(gort_waitgroup *wg)
{
	for (;;) {
		uint64_t state = __atomic_load_n(&wg->state, __ATOMIC_ACQUIRE);
		if ((int32_t)(state >> 32) == 0)
			return;
		if (__atomic_compare_exchange_n(&wg->state, &state, state + 1, false, __ATOMIC_ACQ_REL,
		                                __ATOMIC_ACQUIRE)) {
			semacquire1(&wg->sema, false, waitReasonSyncWaitGroupWait);
			if (__atomic_load_n(&wg->state, __ATOMIC_ACQUIRE) != 0)
				gopanic("sync: WaitGroup is reused before previous Wait has returned");
			return;
		}
	}
}
