/*
 * runq.c: the local run queue of a P and the global run queue (Go's
 * runqput, runqget, runqgrab, runqsteal, globrunqput, globrunqget).
 *
 * A P's queue is a ring of RUNQ_SIZE slots. Only the owner writes runqtail;
 * the owner and thieves advance runqhead with a CAS, so a thief that read a
 * slot before losing the CAS simply retries. runnext holds the G that
 * should run next (a G just readied by the running one), so that two
 * goroutines handing work to each other share one time slice.
 *
 * Depth-first start (not in Go): a G that has never run, pushed out of
 * runnext by a newer one, goes to the front of the ring rather than the
 * back. A goroutine that starts several and waits for them (a fork-join
 * tree) then has its newest subtree run to completion before the next
 * sibling starts, instead of starting a whole level of the tree at once:
 * in C every started goroutine holds a stack page, so the breadth-first
 * order of Go's FIFO costs a page fault per node where depth-first reuses
 * a few warm stacks (skynet: 200 page faults instead of 88,000). Goroutines
 * that ran before keep Go's FIFO order; the ones waiting behind a burst of
 * new ones are bounded by go()'s back-pressure, which sends the spawner to
 * the back of the queue once it is half full. Pushing in front moves the
 * head back, so runqhead carries a count of front pushes (struct p) that
 * keeps a thief's stale CAS from matching.
 */
#include "runtime.h"

struct schedt sched;

static bool runqputslow(p *pp, g *gp, uint64_t h, uint32_t t);

/* runqhead moved n slots forward by a consumer; the count of front pushes
   in the high half stays (struct p). */
static inline uint64_t runqheadadd(uint64_t h, uint32_t n)
{
	return (h & ~(uint64_t)UINT32_MAX) | (uint32_t)(runqheadidx(h) + n);
}

/* With a single P nobody steals (thieves are other Ps, and gomaxprocs
   only changes with the world stopped), so the owner's loads and stores
   need no locked instructions: the yield and hand-off paths of a
   GOMAXPROCS=1 program are single-threaded. */
static inline bool alone(void)
{
	return gomaxprocs == 1;
}

/* Put gp at the head of pp's ring (owner only). Thieves move the head too,
   so the slot before it is filled first and then claimed with a CAS; a
   thief that read the old head fails its own CAS and reads again. False
   when the ring is full. */
static bool runqputfront(p *pp, g *gp)
{
	for (;;) {
		uint64_t h = atomic_load_explicit(&pp->runqhead, memory_order_acquire);
		uint32_t t = atomic_load_explicit(&pp->runqtail, memory_order_relaxed);
		uint32_t i = runqheadidx(h);
		if (t - i >= RUNQ_SIZE)
			return false;
		atomic_store_explicit(&pp->runq[(i - 1) % RUNQ_SIZE], gp, memory_order_relaxed);
		/* One slot back, and one more front push in the high half, so
		   that no thief's CAS can match a head it read before. */
		uint64_t nh = (((h >> 32) + 1) << 32) | (uint32_t)(i - 1);
		if (alone()) {
			atomic_store_explicit(&pp->runqhead, nh, memory_order_release);
			return true;
		}
		if (atomic_compare_exchange_weak_explicit(&pp->runqhead, &h, nh, memory_order_acq_rel,
		                                          memory_order_relaxed))
			return true;
	}
}

/* Put gp on pp's queue; with next, in runnext, kicking the old runnext to the
   tail (to the head if it never ran). A full ring moves half of itself to the
   global queue. */

void runqput(p *pp, g *gp, bool next)
{
	if (next) {
		g *old = atomic_load_explicit(&pp->runnext, memory_order_relaxed);
		/* Only the owner fills an empty runnext (thieves only empty
		   it), so an empty one needs no locked instruction either. The
		   release publishes gp's state to a thief that takes it. */
		if (!old || alone())
			atomic_store_explicit(&pp->runnext, gp, memory_order_release);
		else
			while (!atomic_compare_exchange_weak(&pp->runnext, &old, gp))
				;
		if (!old)
			return;
		gp = old;
		if (gp->sched.sp == 0 && runqputfront(pp, gp))
			return;
	}
	for (;;) {
		uint64_t h = atomic_load_explicit(&pp->runqhead, memory_order_acquire);
		uint32_t t = atomic_load_explicit(&pp->runqtail, memory_order_relaxed);
		if (t - runqheadidx(h) < RUNQ_SIZE) {
			atomic_store_explicit(&pp->runq[t % RUNQ_SIZE], gp, memory_order_relaxed);
			atomic_store_explicit(&pp->runqtail, t + 1, memory_order_release);
			return;
		}
		if (runqputslow(pp, gp, h, t))
			return;
		/* A thief took some; the ring has room now. */
	}
}

static bool runqputslow(p *pp, g *gp, uint64_t h, uint32_t t)
{
	enum { HALF = RUNQ_SIZE / 2 };
	g *batch[HALF + 1];
	uint32_t hi = runqheadidx(h);
	uint32_t n = (t - hi) / 2;
	if (n != HALF)
		throw("runqputslow: queue is not full");
	for (uint32_t i = 0; i < n; i++)
		batch[i] = atomic_load_explicit(&pp->runq[(hi + i) % RUNQ_SIZE], memory_order_relaxed);
	if (!atomic_compare_exchange_strong_explicit(&pp->runqhead, &h, runqheadadd(h, n),
	                                             memory_order_acq_rel, memory_order_relaxed))
		return false;
	batch[n] = gp;
	/* Keep the batch in order: it was ahead of gp on the local queue. */
	for (uint32_t i = 0; i < n; i++)
		batch[i]->schedlink = batch[i + 1];
	gp->schedlink = 0;
	lock(&sched.lock);
	globrunqputbatch(batch[0], gp, (int32_t)n + 1);
	unlock(&sched.lock);
	return true;
}

/* Take a G from pp's queue (owner only). inheritTime reports a runnext G,
   which continues the current time slice rather than starting a new one. */
g *runqget(p *pp, bool *inheritTime)
{
	g *next = atomic_load_explicit(&pp->runnext, memory_order_relaxed);
	if (next && alone()) {
		atomic_store_explicit(&pp->runnext, 0, memory_order_relaxed);
		*inheritTime = true;
		return next;
	}
	if (next && atomic_compare_exchange_strong(&pp->runnext, &next, 0)) {
		*inheritTime = true;
		return next;
	}
	*inheritTime = false;
	for (;;) {
		uint64_t h = atomic_load_explicit(&pp->runqhead, memory_order_acquire);
		uint32_t t = atomic_load_explicit(&pp->runqtail, memory_order_relaxed);
		if (t == runqheadidx(h))
			return 0;
		g *gp = atomic_load_explicit(&pp->runq[runqheadidx(h) % RUNQ_SIZE], memory_order_relaxed);
		if (alone()) {
			atomic_store_explicit(&pp->runqhead, runqheadadd(h, 1), memory_order_release);
			return gp;
		}
		if (atomic_compare_exchange_weak_explicit(&pp->runqhead, &h, runqheadadd(h, 1),
		                                          memory_order_release, memory_order_relaxed))
			return gp;
	}
}

/* Move runnext to the tail of the global queue (owner only), where Go's
   gopreempt_m puts a preempted G: it loses the time slice it would have
   inherited and waits behind every G already waiting, here or there. */
void runqdemotenext(p *pp)
{
	g *next = atomic_load_explicit(&pp->runnext, memory_order_relaxed);
	if (!next)
		return;
	if (alone())
		atomic_store_explicit(&pp->runnext, 0, memory_order_relaxed);
	else if (!atomic_compare_exchange_strong(&pp->runnext, &next, 0))
		return; /* a thief took it */
	lock(&sched.lock);
	globrunqput(next);
	unlock(&sched.lock);
}

bool runqempty(p *pp)
{
	/* runnext and the ring are read in an order that cannot miss a G moving
	   from one to the other (runqput kicks runnext to the tail). */
	for (;;) {
		uint32_t h = runqheadidx(atomic_load(&pp->runqhead));
		uint32_t t = atomic_load(&pp->runqtail);
		g *next = atomic_load(&pp->runnext);
		if (t == atomic_load(&pp->runqtail))
			return h == t && !next;
	}
}

/* Take every G from pp's queue (owner only, P going away): a list linked
   through schedlink. Returns the count. */
int runqdrain(p *pp, g **head, g **tail)
{
	int n = 0;
	g *h = 0, *t = 0;
	bool inherit;
	g *gp;
	while ((gp = runqget(pp, &inherit))) {
		gp->schedlink = 0;
		if (t)
			t->schedlink = gp;
		else
			h = gp;
		t = gp;
		n++;
	}
	*head = h;
	*tail = t;
	return n;
}

/* Grab half of victim's queue into batch (Go's runqgrab). */
static uint32_t runqgrab(p *victim, g **batch, uint32_t batchhead, bool stealRunNextG)
{
	for (;;) {
		uint64_t h = atomic_load_explicit(&victim->runqhead, memory_order_acquire);
		uint32_t t = atomic_load_explicit(&victim->runqtail, memory_order_acquire);
		uint32_t hi = runqheadidx(h);
		uint32_t n = t - hi;
		n = n - n / 2;
		if (n == 0) {
			if (stealRunNextG) {
				g *next = atomic_load(&victim->runnext);
				if (next) {
					/* The victim is likely about to run its runnext: it
					   was just readied. Give it a moment before taking
					   it, or ping-pong pairs would bounce across Ps. */
					if (atomic_load_explicit(&victim->status, memory_order_relaxed) == Prunning)
						usleep_(3);
					if (!atomic_compare_exchange_strong(&victim->runnext, &next, 0))
						continue;
					batch[batchhead % RUNQ_SIZE] = next;
					return 1;
				}
			}
			return 0;
		}
		if (n > RUNQ_SIZE / 2)
			continue; /* inconsistent h and t: read again */
		for (uint32_t i = 0; i < n; i++)
			batch[(batchhead + i) % RUNQ_SIZE] =
				atomic_load_explicit(&victim->runq[(hi + i) % RUNQ_SIZE], memory_order_relaxed);
		if (atomic_compare_exchange_strong_explicit(&victim->runqhead, &h, runqheadadd(h, n),
		                                            memory_order_acq_rel, memory_order_relaxed))
			return n;
	}
}

/* Steal half of victim's queue onto pp's; return one of them to run. */
g *runqstealinto(p *pp, p *victim, bool stealRunNextG)
{
	uint32_t t = atomic_load_explicit(&pp->runqtail, memory_order_relaxed);
	g *batch[RUNQ_SIZE];
	uint32_t n = runqgrab(victim, batch, 0, stealRunNextG);
	if (n == 0)
		return 0;
	n--;
	g *gp = batch[n];
	if (n == 0)
		return gp;
	uint32_t h = runqheadidx(atomic_load_explicit(&pp->runqhead, memory_order_acquire));
	if (t - h + n >= RUNQ_SIZE)
		throw("runqsteal: runq overflow");
	for (uint32_t i = 0; i < n; i++)
		atomic_store_explicit(&pp->runq[(t + i) % RUNQ_SIZE], batch[i], memory_order_relaxed);
	atomic_store_explicit(&pp->runqtail, t + n, memory_order_release);
	return gp;
}

/* The global queue; callers hold sched.lock. */
void globrunqput(g *gp)
{
	gp->schedlink = 0;
	if (sched.runqtail)
		sched.runqtail->schedlink = gp;
	else
		sched.runqhead = gp;
	sched.runqtail = gp;
	sched.runqsize++;
}

void globrunqputbatch(g *head, g *tail, int32_t n)
{
	tail->schedlink = 0;
	if (sched.runqtail)
		sched.runqtail->schedlink = head;
	else
		sched.runqhead = head;
	sched.runqtail = tail;
	sched.runqsize += n;
}

/* Take a fair share of the global queue: one to run, more onto pp's queue. */
g *globrunqget(p *pp, int32_t max)
{
	if (sched.runqsize == 0)
		return 0;
	int32_t n = sched.runqsize / gomaxprocs + 1;
	if (n > sched.runqsize)
		n = sched.runqsize;
	if (max > 0 && n > max)
		n = max;
	if (n > RUNQ_SIZE / 2)
		n = RUNQ_SIZE / 2;
	sched.runqsize -= n;
	g *gp = sched.runqhead;
	sched.runqhead = gp->schedlink;
	if (!sched.runqhead)
		sched.runqtail = 0;
	n--;
	for (; n > 0; n--) {
		g *g1 = sched.runqhead;
		sched.runqhead = g1->schedlink;
		if (!sched.runqhead)
			sched.runqtail = 0;
		runqput(pp, g1, false);
	}
	return gp;
}
