/* More of Go 1.19's sync tests, and runtime/sema_test.go's handoff test
   through gort_mutex, ported with their checks; the ones named as
   arguments run (all when none is, in this order):
     waitgroup_race   TestWaitGroupRace: 1000 rounds of a new group, two
                      goroutines that each add to a counter and call Done,
                      and Wait: Wait never returns before both did
     waitgroup_align  TestWaitGroupAlign: a group placed after a byte in a
                      struct, released by another goroutine; then the same
                      1000 times over, each round's struct a new one in the
                      memory of the last, reused as soon as Wait returned
     semahandoff      TestSemaHandoff: an unlock in starvation mode hands
                      the mutex to the waiter and lets it run first: in at
                      least 2/3 of the rounds the waiter's CAS comes before
                      the unlocker's (at the GOMAXPROCS of the environment)
     semahandoff1     TestSemaHandoff1: the same at GOMAXPROCS=1 (skipped,
                      as in Go, when GOMAXPROCS is 1 already)
     semahandoff2     TestSemaHandoff2: the same at GOMAXPROCS=2 (skipped
                      when GOMAXPROCS is 2 or less)
   Each prints "<name> ok"; a failure prints FAIL and exits 1.
   Already ported elsewhere: TestMutex, TestMutexFairness and
   TestMutexMisuse's Mutex cases (sync_mutex: gotest, fairness,
   unlock_unlocked, double_unlock), TestWaitGroup, TestWaitGroupMisuse and
   a TestWaitGroupRace on one static group (sync_waitgroup: gotest,
   negative). Not ported: RWMutex, Cond, Once, Pool and Map (gort has
   none), TestSemaphore (the runtime's semaphore is not API; TestMutex is
   the same hammering through gort_mutex). */
#include <gort.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gotest.h"

#define MS 1000000LL

/* ---- waitgroup_race: TestWaitGroupRace ---- */

struct racearg {
	gort_waitgroup *wg;
	_Atomic int32_t *n;
};

static void racer(void *arg)
{
	struct racearg *a = arg;
	atomic_fetch_add(a->n, 1);
	gort_wg_done(a->wg);
}

static void waitgroup_race(void)
{
	/* Run this test for about 1ms. */
	for (int i = 0; i < 1000; i++) {
		/* A new group and counter each round, as Go's new(...) makes:
		   here on main's stack, in the memory of the last round's. */
		gort_waitgroup wg = GORT_WAITGROUP_INIT;
		_Atomic int32_t n = 0;
		struct racearg a = { &wg, &n };
		/* spawn goroutine 1 */
		gort_wg_add(&wg, 1);
		start(racer, &a);
		/* spawn goroutine 2 */
		gort_wg_add(&wg, 1);
		start(racer, &a);
		/* Wait for goroutine 1 and 2 */
		gort_wg_wait(&wg);
		if (atomic_load(&n) != 2)
			fail("Spurious wakeup from Wait");
	}
	printf("waitgroup_race ok\n");
}

/* ---- waitgroup_align: TestWaitGroupAlign ---- */

/* Go's test is about the 64-bit state word's alignment after a byte on
   32-bit machines; a C compiler aligns the member itself, so what is left
   to check is a group embedded in a struct, and (the reuse) that its
   memory may hold the next one as soon as Wait has returned, while the
   goroutine whose Done released it may still be returning (gort.h,
   Lifetimes). */
struct X {
	char x;
	gort_waitgroup wg;
};

static void xdone(void *arg)
{
	struct X *x = arg;
	gort_wg_done(&x->wg);
}

static void waitgroup_align(void)
{
	struct X x = { 0 };
	gort_wg_add(&x.wg, 1);
	start(xdone, &x);
	gort_wg_wait(&x.wg);
	for (int i = 0; i < 1000; i++) {
		struct X y = { .x = (char)i };
		gort_wg_add(&y.wg, 1);
		start(xdone, &y);
		if (i % 2)
			gort_yield(); /* let it finish first, every other round */
		gort_wg_wait(&y.wg);
		if (y.x != (char)i || y.wg.state != 0)
			fail("waitgroup_align: round %d left x=%d state=%#llx", i, y.x,
			     (unsigned long long)y.wg.state);
		/* Scribble over it, as the next user of the memory would. */
		memset(&y, 0xa5, sizeof y);
	}
	printf("waitgroup_align ok\n");
}

/* ---- semahandoff: TestSemaHandoff, TestSemaHandoff1, TestSemaHandoff2 ----
   Go's test releases the runtime's semaphore with handoff, which
   sync.Mutex does in starvation mode only (runtime_Semrelease(&m.sema,
   true, 1) in unlockSlow). So here a waiter is first made to starve: it
   queues while main holds the mutex, waits more than 1 ms, is woken by an
   unlock and loses the mutex to main, which takes it again at once (as a
   running newcomer does); it then queues again with the mutex in
   starvation mode. The crux is Go's: main unlocks and at once CASes res
   from 0 to 2, the waiter CASes it from 0 to 1 as soon as it has the
   mutex; the waiter should come first.
   Where Go's test reads the semaphore's waiter count (SemNwait, exported
   for its tests), this port reads the state word of the mutex, in Go's
   layout that runtime/mutex.c keeps (mutexLocked 1, mutexStarving 4,
   waiters from bit 3): the one internal it uses. */

enum { MUTEX_LOCKED = 1, MUTEX_STARVING = 4, MUTEX_WAITER_SHIFT = 3 };

static int32_t mstate(gort_mutex *m)
{
	return __atomic_load_n(&m->state, __ATOMIC_ACQUIRE);
}

struct handoff {
	gort_mutex mu;
	_Atomic uint32_t res;
	gort_chan *done;
	gort_waitgroup wg;
};

static void cas(_Atomic uint32_t *p, uint32_t old, uint32_t new)
{
	atomic_compare_exchange_strong(p, &old, new);
}

/* Keep the CPUs slightly busy, so that the unlocker cannot move to
   another CPU where it can win the race (and appear to have not
   yielded). */
static void busy(void *arg)
{
	struct handoff *h = arg;
	for (;;) {
		gort_case cs = { .chan = h->done, .dir = GORT_RECV };
		if (gort_select(&cs, 1, 0) == 0)
			break;
		gort_yield();
	}
	gort_wg_done(&h->wg);
}

static void handoffwaiter(void *arg)
{
	struct handoff *h = arg;
	gort_mutex_lock(&h->mu);
	cas(&h->res, 0, 1);
	gort_mutex_unlock(&h->mu);
	gort_chan_close(h->done);
	gort_wg_done(&h->wg);
}

/* 1: the waiter ran first; 0: it did not; -1: the waiter took the mutex
   before main could take it back, so it never starved and the round
   tests nothing (possible with GOMAXPROCS > 1 only). */
static int testSemaHandoff(void)
{
	struct handoff h = { .mu = GORT_MUTEX_INIT, .wg = GORT_WAITGROUP_INIT };
	h.done = mkchan(0, 0);
	int n = gort_gomaxprocs(0);
	for (int i = 0; i < n; i++) {
		gort_wg_add(&h.wg, 1);
		start(busy, &h);
	}
	gort_mutex_lock(&h.mu);
	gort_wg_add(&h.wg, 1);
	start(handoffwaiter, &h);
	int r = 0;
	for (;;) {
		while (mstate(&h.mu) >> MUTEX_WAITER_SHIFT == 0)
			gort_yield(); /* wait for goroutine to block in Lock */
		if (mstate(&h.mu) & MUTEX_STARVING)
			break;
		/* Starving is more than 1 ms of waiting (starvationThresholdNs),
		   counted from its first Lock. Then wake it and take the mutex
		   back before it can: it queues again, starving, unless its
		   clock started late (its thread descheduled between queueing
		   and reading the time); then once more. */
		gort_sleep(1 * MS + 200000);
		gort_mutex_unlock(&h.mu);
		gort_mutex_lock(&h.mu);
		if (atomic_load(&h.res) != 0) {
			r = -1;
			break;
		}
	}
	if (r == 0) {
		/* The crux of the test: we unlock with handoff and immediately
		   perform a CAS both here and in the waiter; we want the CAS in
		   the waiter to execute first. */
		gort_mutex_unlock(&h.mu);
		cas(&h.res, 0, 2);
		r = atomic_load(&h.res) == 1;
	}
	if (r < 0)
		gort_mutex_unlock(&h.mu);
	gort_wg_wait(&h.wg); /* wait for goroutines to finish */
	gort_chan_free(h.done);
	if (mstate(&h.mu) != 0)
		fail("semahandoff: mutex state %#x at the end", (unsigned)mstate(&h.mu));
	return r;
}

static void semahandoff_at(const char *name)
{
	/* Go: 10000 rounds, also under -short; each round here waits out
	   the 1 ms starvation threshold, so 100. */
	const int iter = 100;
	int ok = 0, lost = 0;
	for (int i = 0; i < iter; i++) {
		int r = testSemaHandoff();
		if (r < 0 && lost++ < 10 * iter) {
			i--; /* retry: the round did not reach starvation mode */
			continue;
		}
		ok += r == 1;
	}
	/* As long as two thirds of handoffs are direct, we consider the
	   test successful. */
	if (ok < iter * 2 / 3)
		fail("%s: direct handoff < 2/3: %d %d (%d rounds without starvation)", name, ok, iter, lost);
	printf("%s ok: %d of %d direct\n", name, ok, iter);
}

static void semahandoff(void)
{
	semahandoff_at("semahandoff");
}

static void semahandoff1(void)
{
	int prev = gort_gomaxprocs(0);
	if (prev <= 1) {
		printf("semahandoff1 ok (skipped: GOMAXPROCS <= 1)\n");
		return;
	}
	gort_gomaxprocs(1);
	semahandoff_at("semahandoff1");
	gort_gomaxprocs(prev);
}

static void semahandoff2(void)
{
	int prev = gort_gomaxprocs(0);
	if (prev <= 2) {
		printf("semahandoff2 ok (skipped: GOMAXPROCS <= 2)\n");
		return;
	}
	gort_gomaxprocs(2);
	semahandoff_at("semahandoff2");
	gort_gomaxprocs(prev);
}

static const struct gotest tests[] = {
	{ "waitgroup_race", waitgroup_race },
	{ "waitgroup_align", waitgroup_align },
	{ "semahandoff", semahandoff },
	{ "semahandoff1", semahandoff1 },
	{ "semahandoff2", semahandoff2 },
};

int main(int argc, char **argv)
{
	return gotest_main(argc, argv, tests, (int)(sizeof tests / sizeof tests[0]));
}
