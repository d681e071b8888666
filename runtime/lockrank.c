/*
 * lockrank.c: the runtime's lock order, checked (Go's lockrank_on.go).
 *
 * Compiled into the checking runtime only (-DGORT_LOCKRANK: lib/lockrank/,
 * which gortcc links when GORT_LOCKRANK=1 is in its environment, and which
 * make test runs the whole-program tests against). Each M keeps the ranked
 * locks it holds; taking a lock that does not rank above every one of them
 * (enum lockrank in runtime.h) is a fatal error naming both. The other
 * runtimes have none of it: lock() is the plain futex lock.
 *
 * A thread the program made (no M) is not checked: it takes only semaphore
 * roots, on its way to sleep.
 */
#include "runtime.h"

#ifdef GORT_LOCKRANK

static const char *const ranknames[lockRankCount] = {
	[lockRankNone] = "unranked",
	[lockRankHchan] = "hchan",
	[lockRankRoot] = "semaRoot",
	[lockRankSched] = "sched.lock",
	[lockRankAllp] = "allplock",
	[lockRankGfree] = "sched.gflock",
	[lockRankTimers] = "timerslock",
	[lockRankArena] = "arenalock",
	[lockRankPool] = "poollock",
	[lockRankAllg] = "allglock",
};

/* Set once an inversion is being reported: the report takes locks too. */
static _Atomic bool rankfailed;

static m *rankm(void)
{
	g *gp = getg();
	if (!gp || atomic_load_explicit(&rankfailed, memory_order_relaxed))
		return 0;
	return gp->m;
}

static const char *rankname(uint32_t r)
{
	return r < lockRankCount ? ranknames[r] : "?";
}

void lockrankacquire(mutex *l)
{
	m *mp = rankm();
	if (!mp || l->rank == lockRankNone)
		return;
	for (int i = 0; i < mp->nheld; i++) {
		uint32_t h = mp->held[i]->rank;
		bool same = h == l->rank && (h == lockRankHchan || h == lockRankTimers);
		if (h > l->rank || (h == l->rank && !same)) {
			atomic_store(&rankfailed, true);
			char buf[160];
			fmt(buf, sizeof buf, "lock ordering problem: acquiring %s (rank %u) while holding %s (rank %u)\n",
			    rankname(l->rank), l->rank, rankname(h), h);
			printstr(buf);
			throw("lock ordering problem");
		}
	}
}

void lockrankheld(mutex *l)
{
	m *mp = rankm();
	if (!mp || l->rank == lockRankNone)
		return;
	if (mp->nheld == (int)(sizeof mp->held / sizeof mp->held[0])) {
		atomic_store(&rankfailed, true);
		throw("lockrank: too many locks held");
	}
	mp->held[mp->nheld++] = l;
}

/* Locks are released in any order (a select unlocks its channels in
   address order again); a lock taken before the M had a G is not there. */
void lockrankrelease(mutex *l)
{
	m *mp = rankm();
	if (!mp || l->rank == lockRankNone)
		return;
	for (int i = mp->nheld - 1; i >= 0; i--) {
		if (mp->held[i] == l) {
			for (int j = i; j < mp->nheld - 1; j++)
				mp->held[j] = mp->held[j + 1];
			mp->nheld--;
			return;
		}
	}
}

#endif
