/*
 * select.c: gort_select (Go's select.go: selectgo, sellock, selunlock,
 * selparkcommit), with a timeout in place of Go's default case and timer
 * channels.
 *
 * selectgo in three passes, as in Go:
 * 1. lock every channel of the select in address order (sellock) and look
 *    at the cases in a random order (pollorder): the first that can proceed
 *    is done at once, so the choice among ready cases is uniform;
 * 2. otherwise, with a timeout of 0, unlock and return -1; else queue a
 *    sudog on every channel, in lock order, arm the timeout timer and park
 *    (selparkcommit unlocks the channels once the goroutine cannot run);
 * 3. once woken, take the sudogs off the queues of the other channels.
 *
 * Which case a later partner completes: cases on different channels are
 * completed by whoever comes first. Cases on the same channel are queued
 * next to each other, and a partner takes the first; lockorder sorts by
 * channel address and then by position in pollorder (Go's heap sort leaves
 * the order among equal channels to chance, not to a uniform draw), so
 * that first one is a uniformly random one of them.
 *
 * Timeouts: the timer is armed on g0 in selparkcommit while
 * every channel of the select is still locked, so no partner can wake the
 * goroutine and have it run deltimer before addtimer. The timer wins the
 * select like a partner does, by setting the done bit of the generation it
 * was armed for ("Select wake-ups" in chan.h).
 */
#include <stdint.h>
#include <stdlib.h>

#include "chan.h"

/* Cases whose sudogs and orders fit in selectgo's frame; more go to malloc. */
#define SELECT_STACK_CASES 16

typedef struct selstate {
	gort_case *cases;
	int *pollorder;   /* case indices of the non-nil cases, shuffled */
	int *lockorder;   /* the same, sorted by channel address then pollorder */
	int norder;
	sudog *sgs;       /* sgs[k] is queued for case lockorder[k] */
	timer *t;         /* the timeout, or NULL */
} selstate;

/* Lock every distinct channel of the select but skip (Go's sellock). */
static void sellock(selstate *s, gort_chan *skip)
{
	gort_chan *last = 0;
	for (int k = 0; k < s->norder; k++) {
		gort_chan *c = s->cases[s->lockorder[k]].chan;
		if (c != last && c != skip)
			lock(&c->lock);
		last = c;
	}
}

static void selunlock(selstate *s, gort_chan *skip)
{
	for (int k = s->norder - 1; k >= 0; k--) {
		gort_chan *c = s->cases[s->lockorder[k]].chan;
		if (k > 0 && c == s->cases[s->lockorder[k - 1]].chan)
			continue;
		if (c != skip)
			unlock(&c->lock);
	}
}

/* Go's selparkcommit, on g0 once gp can no longer run: arm the timeout,
   then unlock the channels. As soon as one is unlocked, gp may be woken
   and run on another M, but it cannot get past relocking the channels this
   still holds, so its stack (the sudogs, the timer) stays put until the
   last unlock, after which nothing of gp's is touched. */
static bool selparkcommit(g *gp, void *arg)
{
	timer *t = arg;
	if (t)
		addtimer(t);
	gort_chan *lastc = 0;
	for (sudog *sg = gp->waiting; sg; sg = sg->waitlink) {
		/* The sudogs are in lock order: unlock a channel only once past
		   its last sudog, whose fields may change once it is unlocked. */
		if (sg->c != lastc && lastc)
			unlock(&lastc->lock);
		lastc = sg->c;
	}
	if (lastc)
		unlock(&lastc->lock);
	return true;
}

/* The timeout's callback, on g0: win the select of generation seq, if no
   partner did, and wake it with no case. */
static void selecttimeout(void *arg, uintptr_t seq)
{
	g *gp = arg;
	uint32_t v = (uint32_t)seq << 1;
	if (atomic_compare_exchange_strong(&gp->selectDone, &v, v | 1)) {
		gp->param = 0;
		goready(gp);
	}
}

/* Is the case at pollorder position a to be locked before the one at b? */
static bool lockbefore(selstate *s, int a, int b)
{
	uintptr_t ca = (uintptr_t)s->cases[s->pollorder[a]].chan;
	uintptr_t cb = (uintptr_t)s->cases[s->pollorder[b]].chan;
	return ca < cb || (ca == cb && a < b);
}

static void siftdown(selstate *s, int *h, int i, int n)
{
	for (;;) {
		int k = 2 * i + 1;
		if (k >= n)
			return;
		if (k + 1 < n && lockbefore(s, h[k], h[k + 1]))
			k++;
		if (!lockbefore(s, h[i], h[k]))
			return;
		int x = h[i];
		h[i] = h[k];
		h[k] = x;
		i = k;
	}
}

/* Heap sort, as in Go: n log n, no recursion, no extra memory. */
static void sortlockorder(selstate *s)
{
	int n = s->norder, *h = s->lockorder;
	for (int k = 0; k < n; k++)
		h[k] = k;
	for (int i = n / 2 - 1; i >= 0; i--)
		siftdown(s, h, i, n);
	for (int end = n - 1; end > 0; end--) {
		int x = h[0];
		h[0] = h[end];
		h[end] = x;
		siftdown(s, h, 0, end);
	}
	for (int k = 0; k < n; k++)
		h[k] = s->pollorder[h[k]];
}

/* Go's selectgo for the non-nil cases in s: returns the case done, or -1
   when timeout_ns was 0 and none was ready, or when the timeout passed. */
static int selectgo(selstate *s, int64_t timeout_ns)
{
	gort_case *cases = s->cases;
	sortlockorder(s);
	sellock(s, 0);

	/* Pass 1: a case that can proceed now. */
	for (int k = 0; k < s->norder; k++) {
		int i = s->pollorder[k];
		gort_case *cs = &cases[i];
		gort_chan *c = cs->chan;
		sudog *sg;
		if (cs->dir == GORT_RECV) {
			if ((sg = waitq_dequeue(c, &c->sendq)) != 0) {
				g *gp = chanrecv_from(c, sg, cs->elem);
				selunlock(s, 0);
				goready(gp);
				cs->ok = true;
				return i;
			}
			if (c->qcount > 0) {
				chanbufrecv(c, cs->elem);
				selunlock(s, 0);
				cs->ok = true;
				return i;
			}
			if (c->closed) {
				elemclr(c, cs->elem);
				selunlock(s, 0);
				cs->ok = false;
				return i;
			}
		} else {
			if (c->closed) {
				selunlock(s, 0);
				gopanic("send on closed channel");
			}
			if ((sg = waitq_dequeue(c, &c->recvq)) != 0) {
				g *gp = chansend_to(c, sg, cs->elem);
				selunlock(s, 0);
				goready(gp);
				return i;
			}
			if (c->qcount < c->dataqsiz) {
				chanbufsend(c, cs->elem);
				selunlock(s, 0);
				return i;
			}
		}
	}

	if (timeout_ns == 0) {
		selunlock(s, 0);
		return -1;
	}

	/* Pass 2: queue a sudog on every channel, in lock order, and park. */
	g *gp = blockingg("select: not on a goroutine");
	uint32_t gen = (atomic_load_explicit(&gp->selectDone, memory_order_relaxed) >> 1) + 1;
	atomic_store_explicit(&gp->selectDone, gen << 1, memory_order_release);
	sudog **nextp = &gp->waiting;
	for (int k = 0; k < s->norder; k++) {
		int i = s->lockorder[k];
		gort_chan *c = cases[i].chan;
		sudog *sg = &s->sgs[k];
		*sg = (sudog){ .g = gp, .elem = cases[i].elem, .isSelect = true, .c = c, .caseidx = i };
		*nextp = sg;
		nextp = &sg->waitlink;
		waitq_enqueue(cases[i].dir == GORT_SEND ? &c->sendq : &c->recvq, sg);
	}
	*nextp = 0;
	gp->param = 0;

	/* On this stack: once deltimer has returned, time.c no longer
	   touches the timer, though its f may still run (and lose, by its
	   seq). */
	timer t;
	s->t = 0;
	if (timeout_ns > 0) {
		int64_t now = nanotime();
		t = (timer){
			.when = timeout_ns > INT64_MAX - now ? INT64_MAX : now + timeout_ns,
			.f = selecttimeout,
			.arg = gp,
			.seq = gen,
			.idx = -1,
		};
		s->t = &t;
	}
	gopark(selparkcommit, s->t, waitReasonSelect);

	/* Pass 3: woken with the sudog a partner completed, or none on a
	   timeout. The winner has taken every sudog off its channel: leave
	   that channel alone (Lifetimes, chan.h) and dequeue from the rest. */
	sudog *won = gp->param;
	gp->param = 0;
	if (s->t)
		deltimer(s->t);
	gort_chan *wonc = won ? won->c : 0;
	sellock(s, wonc);
	for (int k = 0; k < s->norder; k++) {
		sudog *sg = &s->sgs[k];
		gort_chan *c = sg->c;
		if (c == wonc)
			continue;
		waitq_remove(cases[sg->caseidx].dir == GORT_SEND ? &c->sendq : &c->recvq, sg);
	}
	selunlock(s, wonc);
	gp->waiting = 0;

	if (!won)
		return -1;
	int i = won->caseidx;
	if (cases[i].dir == GORT_SEND) {
		if (!won->success)
			gopanic("send on closed channel");
	} else {
		cases[i].ok = won->success;
	}
	return i;
}

int gort_select(gort_case *cases, int ncases, int64_t timeout_ns)
{
	if (ncases < 0)
		fatal("select: negative number of cases");
	int nreal = 0, only = -1;
	for (int i = 0; i < ncases; i++) {
		if (cases[i].dir != GORT_SEND && cases[i].dir != GORT_RECV)
			fatal("select: case direction is neither GORT_SEND nor GORT_RECV");
		if (cases[i].chan) {
			nreal++;
			only = i;
		}
	}

	if (nreal == 0) {
		if (timeout_ns < 0) {
			blockingg("select: not on a goroutine");
			gopark(0, 0, ncases == 0 ? waitReasonSelectNoCases : waitReasonSelect);
			throw("unreachable");
		}
		if (timeout_ns > 0)
			gort_sleep(timeout_ns);
		return -1;
	}

	/* One channel and no timer: a plain channel operation, as Go's
	   compiler makes of such a select. */
	if (nreal == 1 && timeout_ns <= 0) {
		gort_case *cs = &cases[only];
		bool block = timeout_ns < 0, received;
		if (cs->dir == GORT_SEND)
			return chansend(cs->chan, cs->elem, block) ? only : -1;
		if (!chanrecv(cs->chan, cs->elem, block, &received))
			return -1;
		cs->ok = received;
		return only;
	}

	int stackorder[2 * SELECT_STACK_CASES];
	sudog stacksgs[SELECT_STACK_CASES];
	void *mem = 0;
	selstate s = { .cases = cases, .pollorder = stackorder,
	               .lockorder = stackorder + SELECT_STACK_CASES, .sgs = stacksgs };
	if (nreal > SELECT_STACK_CASES) {
		size_t n = (size_t)nreal;
		mem = malloc(n * sizeof(sudog) + 2 * n * sizeof(int));
		if (!mem)
			outofmemory(n * sizeof(sudog) + 2 * n * sizeof(int));
		s.sgs = mem;
		s.pollorder = (int *)(s.sgs + n);
		s.lockorder = s.pollorder + n;
	}

	/* Go's pollorder: an inside-out Fisher-Yates shuffle of the non-nil
	   cases. */
	for (int i = 0; i < ncases; i++) {
		if (!cases[i].chan)
			continue;
		uint32_t j = fastrandn((uint32_t)s.norder + 1);
		s.pollorder[s.norder] = s.pollorder[j];
		s.pollorder[j] = i;
		s.norder++;
	}

	int r = selectgo(&s, timeout_ns);
	free(mem);
	return r;
}
