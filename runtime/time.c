/*
 * time.c: timers on per-P heaps, gort_sleep and gort_nanotime (Go's
 * time.go: addtimer, deltimer, checkTimers, runtimer, moveTimers,
 * timeSleep).
 *
 * Timer heaps
 * Every P has a 4-ary min-heap of timers ordered by when (pp->timers,
 * pp->ntimers), guarded by pp->timerslock. pp->timer0when mirrors the
 * root's when, or 0 when the heap is empty, so that the scheduler can see
 * without the lock whether any timer is due; it is written under the lock
 * only. A when of 0 would read as "no timer", so addtimer stores at least 1.
 * A timer goes on the heap of the P its adder runs on, and is run by
 * whichever M calls checkTimers for that P first: its owner in schedule
 * or findrunnable, or a thief in stealWork when the P is idle.
 *
 * Timer states (t->status)
 *   timerNoStatus  not on any heap: new, deleted, or a one-shot timer
 *                  taken off its heap to be run. t->pp is NULL, t->idx -1.
 *   timerWaiting   on t->pp's heap at index t->idx.
 * Both fields and the status change only under the timerslock of the heap
 * concerned (both locks for timersmove). deltimer reads t->pp without a
 * lock to learn which lock to take, and checks it again under that lock,
 * since timersmove may have moved the timer meanwhile. Ps are never freed,
 * so a stale pp is still a lock to take.
 *
 * Running a timer (Go's runtimer, runOneTimer)
 * Under the lock, a one-shot timer is taken off its heap (timerNoStatus)
 * and a periodic one is re-armed in place; f, arg and seq are copied; then
 * the lock is dropped and f(arg, seq) runs on g0 with no runtime lock held,
 * so it may call goready. Nothing touches the timer once the lock is
 * dropped: its owner may reuse or free it as soon as it is no longer
 * pending. The price, as in Go, is that deltimer may return false while
 * f is still running on another M; owners for which a late f matters make
 * it harmless (select.c passes a generation in seq).
 *
 * Lock order: a channel lock may be held while a timerslock is taken
 * (selparkcommit arms the timeout); nothing is taken under a timerslock
 * but the other P's in timersmove. wakeNetPoller, which may take
 * sched.lock, is called after the timerslock is dropped; procresize holds
 * sched.lock when it calls timersmove, which therefore wakes nobody.
 */
#include <stdlib.h>
#include <time.h>
#include <sys/syscall.h>

#include <gort.h>

#include "runtime.h"

enum { timerNoStatus, timerWaiting };

/* Children of heap slot i are 4i+1 .. 4i+4: a shallower heap than a binary
   one, so fewer cache misses on sift-up, which is what adding does. */
enum { HEAP_ARITY = 4 };

static void siftupTimer(timer **h, int i)
{
	timer *t = h[i];
	int64_t when = t->when;
	while (i > 0) {
		int parent = (i - 1) / HEAP_ARITY;
		if (when >= h[parent]->when)
			break;
		h[i] = h[parent];
		h[i]->idx = i;
		i = parent;
	}
	h[i] = t;
	t->idx = i;
}

static void siftdownTimer(timer **h, int n, int i)
{
	timer *t = h[i];
	int64_t when = t->when;
	for (;;) {
		int c = HEAP_ARITY * i + 1;
		if (c >= n)
			break;
		int best = c;
		int64_t w = h[c]->when;
		for (int k = c + 1; k < c + HEAP_ARITY && k < n; k++) {
			if (h[k]->when < w) {
				w = h[k]->when;
				best = k;
			}
		}
		if (w >= when)
			break;
		h[i] = h[best];
		h[i]->idx = i;
		i = best;
	}
	h[i] = t;
	t->idx = i;
}

/* Keep pp->timer0when equal to the earliest when. pp->timerslock held. */
static void updateTimer0When(p *pp)
{
	int64_t w = pp->ntimers > 0 ? pp->timers[0]->when : 0;
	atomic_store(&pp->timer0when, w);
}

/* Put t on pp's heap (Go's doaddtimer). pp->timerslock held. */
static void doaddtimer(p *pp, timer *t)
{
	if (pp->ntimers == pp->captimers) {
		int cap = pp->captimers ? 2 * pp->captimers : 16;
		timer **h = growalloc(pp->timers, (size_t)pp->captimers * sizeof *h, (size_t)cap * sizeof *h);
		if (!h) {
			unlock(&pp->timerslock);
			outofmemory((size_t)cap * sizeof *h);
		}
		pp->timers = h;
		pp->captimers = cap;
	}
	__atomic_store_n(&t->pp, pp, __ATOMIC_RELEASE);
	atomic_store_explicit(&t->status, timerWaiting, memory_order_relaxed);
	int i = pp->ntimers++;
	pp->timers[i] = t;
	siftupTimer(pp->timers, i);
}

/* Take the timer at index i off pp's heap (Go's dodeltimer). Its status and
   pp are the caller's to set. pp->timerslock held. */
static void dodeltimer(p *pp, int i)
{
	timer **h = pp->timers;
	int last = --pp->ntimers;
	h[i]->idx = -1;
	if (i != last) {
		/* The last timer fills the hole: it may belong above it (the
		   hole was in another subtree) or below it. */
		timer *x = h[last];
		h[i] = x;
		x->idx = i;
		siftupTimer(h, i);
		if (x->idx == i)
			siftdownTimer(h, pp->ntimers, i);
	}
	h[last] = 0;
}

static void cleartimer(timer *t)
{
	t->idx = -1;
	atomic_store_explicit(&t->status, timerNoStatus, memory_order_relaxed);
	__atomic_store_n(&t->pp, (p *)0, __ATOMIC_RELEASE);
}

void addtimer(timer *t)
{
	if (t->when <= 0)
		t->when = 1;
	if (t->period < 0)
		throw("addtimer: negative period");
	if (atomic_load_explicit(&t->status, memory_order_relaxed) != timerNoStatus)
		throw("addtimer: timer already in use");
	g *gp = getg();
	p *pp = gp && gp->m ? gp->m->p : 0;
	if (!pp)
		throw("addtimer: no P");
	int64_t when = t->when;
	lock(&pp->timerslock);
	doaddtimer(pp, t);
	bool first = pp->timers[0] == t;
	if (first)
		updateTimer0When(pp);
	unlock(&pp->timerslock);
	/* t may have fired and been reused by now: only the copy of when is
	   ours. A timer that is not the earliest of its P changes nothing for
	   whoever waits for that P's earliest one. */
	if (first)
		wakeNetPoller(when);
}

bool deltimer(timer *t)
{
	for (;;) {
		p *pp = __atomic_load_n(&t->pp, __ATOMIC_ACQUIRE);
		if (!pp)
			return false;
		lock(&pp->timerslock);
		if (t->pp != pp) {
			/* Run or moved to another P meanwhile. */
			unlock(&pp->timerslock);
			continue;
		}
		if (t->idx < 0 || t->idx >= pp->ntimers || pp->timers[t->idx] != t)
			throw("deltimer: timer not at its index");
		dodeltimer(pp, t->idx);
		cleartimer(t);
		updateTimer0When(pp);
		unlock(&pp->timerslock);
		return true;
	}
}

/* Run every timer of pp due at now (Go's checkTimers and runtimer). pp is
   the caller's own P, or an idle one it is stealing from: the lock, not
   ownership, makes each timer run once. */
int64_t checkTimers(p *pp, int64_t now, bool *ran)
{
	*ran = false;
	int64_t next = atomic_load(&pp->timer0when);
	if (next == 0 || now < next)
		return next;
	lock(&pp->timerslock);
	while (pp->ntimers > 0) {
		timer *t = pp->timers[0];
		if (t->when > now)
			break;
		void (*f)(void *, uintptr_t) = t->f;
		void *arg = t->arg;
		uintptr_t seq = t->seq;
		if (t->period > 0) {
			/* Skip the periods missed, as Go does, so a late P does
			   not run a burst of them. */
			int64_t late = now - t->when;
			int64_t n = late / t->period + 1;
			if (n > (INT64_MAX - t->when) / t->period)
				t->when = INT64_MAX;
			else
				t->when += n * t->period;
			siftdownTimer(pp->timers, pp->ntimers, 0);
		} else {
			dodeltimer(pp, 0);
			cleartimer(t);
		}
		updateTimer0When(pp);
		unlock(&pp->timerslock);
		f(arg, seq);
		*ran = true;
		lock(&pp->timerslock);
	}
	updateTimer0When(pp);
	next = atomic_load_explicit(&pp->timer0when, memory_order_relaxed);
	unlock(&pp->timerslock);
	return next;
}

/* procresize is destroying from: its timers go to to (Go's moveTimers).
   The world is stopped and sched.lock held, so wake nobody: the scheduler
   looks at every P's timer0when when the world starts again. */
void timersmove(p *from, p *to)
{
	if (from == to)
		return;
	/* The only place that holds two timerslocks, and it runs once at a
	   time (under sched.lock), so the order between them is free. */
	lock(&from->timerslock);
	lock(&to->timerslock);
	for (int i = 0; i < from->ntimers; i++) {
		timer *t = from->timers[i];
		from->timers[i] = 0;
		doaddtimer(to, t);
	}
	from->ntimers = 0;
	updateTimer0When(from);
	updateTimer0When(to);
	unlock(&to->timerslock);
	unlock(&from->timerslock);
}

/* Is any timer pending on any P? checkdead calls this under sched.lock,
   which procresize holds too, so allp and gomaxprocs are stable. */
bool timerspending(void)
{
	for (int32_t i = 0; i < gomaxprocs; i++)
		if (atomic_load(&allp[i]->timer0when) != 0)
			return true;
	return false;
}

/* ---- gort_sleep (Go's timeSleep) ---- */

/* g->timer's f: the sleeper's time is up. */
static void goroutineReady(void *arg, uintptr_t seq)
{
	(void)seq;
	goready(arg);
}

/* gopark's unlock function for sleep (Go's resetForSleep): the timer is
   armed only once gp can no longer run, so that a timer firing at once on
   another M cannot goready a goroutine that is still on its own stack. */
static bool resetForSleep(g *gp, void *arg)
{
	(void)gp;
	addtimer(arg);
	return true;
}

/* Off the scheduler (a thread the program made, or before main): sleep in
   the kernel until the deadline, through any signal. */
static void threadsleep(int64_t end)
{
	for (;;) {
		int64_t now = nanotime();
		if (now >= end)
			return;
		int64_t ns = end - now;
		struct timespec ts = { ns / 1000000000, ns % 1000000000 };
		rawsyscall6(SYS_nanosleep, (long)&ts, 0, 0, 0, 0, 0);
	}
}

void gort_sleep(int64_t ns)
{
	if (ns <= 0)
		return;
	int64_t now = nanotime();
	int64_t end = ns > INT64_MAX - now ? INT64_MAX : now + ns;
	g *gp = getg();
	m *mp = gp ? gp->m : 0;
	if (!mp || mp->curg != gp || !mp->p) {
		threadsleep(end);
		return;
	}
	timer *t = gp->timer;
	if (!t) {
		/* Made on first use and kept with the G, which is never freed. */
		t = calloc(1, sizeof *t);
		if (!t)
			outofmemory(sizeof *t);
		t->idx = -1;
		gp->timer = t;
	}
	/* The timer fires at end or later, never earlier; the loop only
	   guards the promise against a wake-up from elsewhere, after which
	   the timer may still be pending. */
	do {
		deltimer(t);
		t->when = end;
		t->period = 0;
		t->f = goroutineReady;
		t->arg = gp;
		t->seq = 0;
		gopark(resetForSleep, t, waitReasonSleep);
	} while (nanotime() < end);
}

/* A goroutine that busy-waits on the clock spends nearly all its time in
   the C library and the vDSO, where the preemption signal is refused, and
   would keep its P from ever running timers: the call is a safe point
   that honours the request, as Go does in function prologues. */
int64_t gort_nanotime(void)
{
	int64_t now = nanotime();
	g *gp = getg();
	if (unlikely(gp && atomic_load_explicit(&gp->preempt, memory_order_relaxed)))
		preemptpark(gp);
	return now;
}
