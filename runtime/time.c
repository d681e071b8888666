/*
 * time.c: timers on per-P heaps, and sleep (Go's time.go).
 *
 * Each P keeps its timers in a binary min-heap ordered by when, guarded by
 * pp->timerslock; pp->timer0when mirrors the root so that the scheduler can
 * tell without the lock whether anything is due. A timer remembers its P
 * and index, so deltimer can take it off whichever heap holds it. Timer
 * functions run on g0 with no lock held: they may call goready.
 */
#include "runtime.h"

#include <stdlib.h>
#include <time.h>

enum { TIMER_IDLE, TIMER_WAITING, TIMER_RUNNING };

static void siftup(p *pp, int i)
{
	timer **h = pp->timers;
	timer *t = h[i];
	while (i > 0) {
		int parent = (i - 1) / 2;
		if (h[parent]->when <= t->when)
			break;
		h[i] = h[parent];
		h[i]->idx = i;
		i = parent;
	}
	h[i] = t;
	t->idx = i;
}

static void siftdown(p *pp, int i)
{
	timer **h = pp->timers;
	int n = pp->ntimers;
	timer *t = h[i];
	for (;;) {
		int c = 2 * i + 1;
		if (c >= n)
			break;
		if (c + 1 < n && h[c + 1]->when < h[c]->when)
			c++;
		if (t->when <= h[c]->when)
			break;
		h[i] = h[c];
		h[i]->idx = i;
		i = c;
	}
	h[i] = t;
	t->idx = i;
}

static void updatewhen(p *pp)
{
	atomic_store(&pp->timer0when, pp->ntimers ? pp->timers[0]->when : 0);
}

/* timerslock held. False when the heap cannot grow. */
static bool heapadd(p *pp, timer *t)
{
	if (pp->ntimers == pp->captimers) {
		int ncap = pp->captimers ? pp->captimers * 2 : 16;
		timer **nh = realloc(pp->timers, (size_t)ncap * sizeof *nh);
		if (!nh)
			return false;
		pp->timers = nh;
		pp->captimers = ncap;
	}
	t->pp = pp;
	pp->timers[pp->ntimers] = t;
	siftup(pp, pp->ntimers++);
	return true;
}

/* timerslock held; t is on pp's heap. */
static void heapdel(p *pp, timer *t)
{
	int i = t->idx;
	int last = --pp->ntimers;
	if (i != last) {
		pp->timers[i] = pp->timers[last];
		pp->timers[i]->idx = i;
		siftdown(pp, i);
		siftup(pp, pp->timers[i]->idx);
	}
	t->idx = -1;
	t->pp = 0;
}

void addtimer(timer *t)
{
	if (t->when <= 0)
		t->when = 1;
	g *gp = getg();
	p *pp = gp && gp->m ? gp->m->p : 0;
	if (!pp)
		pp = allp[0];
	lock(&pp->timerslock);
	if (!heapadd(pp, t)) {
		unlock(&pp->timerslock);
		fatal("out of memory");
	}
	atomic_store(&t->status, TIMER_WAITING);
	updatewhen(pp);
	unlock(&pp->timerslock);
	wakeNetPoller(t->when);
}

bool deltimer(timer *t)
{
	for (;;) {
		p *pp = t->pp;
		if (!pp) {
			/* Not on a heap: never added, already run, or being run. */
			while (atomic_load(&t->status) == TIMER_RUNNING)
				osyield();
			return false;
		}
		lock(&pp->timerslock);
		if (t->pp != pp) {
			/* Moved by timersmove or run meanwhile: look again. */
			unlock(&pp->timerslock);
			continue;
		}
		heapdel(pp, t);
		atomic_store(&t->status, TIMER_IDLE);
		updatewhen(pp);
		unlock(&pp->timerslock);
		return true;
	}
}

int64_t checkTimers(p *pp, int64_t now, bool *ran)
{
	*ran = false;
	int64_t next = atomic_load(&pp->timer0when);
	if (next == 0 || next > now)
		return next;
	lock(&pp->timerslock);
	while (pp->ntimers > 0 && pp->timers[0]->when <= now) {
		timer *t = pp->timers[0];
		heapdel(pp, t);
		void (*f)(void *, uintptr_t) = t->f;
		void *arg = t->arg;
		uintptr_t seq = t->seq;
		if (t->period > 0) {
			/* Re-armed before it runs, from when it was due. */
			t->when += t->period * (1 + (now - t->when) / t->period);
			heapadd(pp, t);
		} else {
			atomic_store(&t->status, TIMER_RUNNING);
		}
		updatewhen(pp);
		unlock(&pp->timerslock);
		f(arg, seq);
		*ran = true;
		if (t->period <= 0) {
			uint32_t r = TIMER_RUNNING;
			atomic_compare_exchange_strong(&t->status, &r, TIMER_IDLE);
		}
		lock(&pp->timerslock);
	}
	next = pp->ntimers ? pp->timers[0]->when : 0;
	updatewhen(pp);
	unlock(&pp->timerslock);
	return next;
}

void timersmove(p *from, p *to)
{
	lock(&from->timerslock);
	lock(&to->timerslock);
	for (int i = 0; i < from->ntimers; i++)
		if (!heapadd(to, from->timers[i]))
			fatal("out of memory");
	from->ntimers = 0;
	updatewhen(from);
	updatewhen(to);
	unlock(&to->timerslock);
	unlock(&from->timerslock);
}

bool timerspending(void)
{
	for (int32_t i = 0; i < gomaxprocs; i++)
		if (atomic_load(&allp[i]->timer0when) != 0)
			return true;
	return false;
}

int64_t gort_nanotime(void)
{
	return nanotime();
}

static void sleepwake(void *arg, uintptr_t seq)
{
	(void)seq;
	goready(arg);
}

static bool sleepcommit(g *gp, void *arg)
{
	(void)gp;
	addtimer(arg);
	return true;
}

void gort_sleep(int64_t ns)
{
	if (ns <= 0)
		return;
	g *gp = getg();
	if (!gp || !gp->m || gp == gp->m->g0) {
		/* A thread of the program's own: sleep the thread. */
		struct timespec ts = { ns / 1000000000, ns % 1000000000 };
		while (nanosleep(&ts, &ts) != 0)
			;
		return;
	}
	timer *t = gp->timer;
	if (!t) {
		t = calloc(1, sizeof *t);
		if (!t)
			fatal("out of memory");
		t->idx = -1;
		gp->timer = t;
	}
	t->when = nanotime() + ns;
	t->period = 0;
	t->f = sleepwake;
	t->arg = gp;
	/* Added after the G is parked, so the timer cannot fire on a G that
	   is still running. */
	gopark(sleepcommit, t, "sleep");
}
