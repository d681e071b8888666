/* Unit tests of runtime/runq.c: local ring, runnext, global queue, stealing. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "runtime.h"

static p *newp(int id)
{
	p *pp = calloc(1, sizeof *pp);
	pp->id = id;
	atomic_store(&pp->status, Prunning);
	return pp;
}

static g *newg(int64_t id)
{
	g *gp = aligned_alloc(_Alignof(g), sizeof *gp);
	memset(gp, 0, sizeof *gp);
	gp->goid = id;
	return gp;
}

static void reset(void)
{
	memset(&sched, 0, sizeof sched);
	gomaxprocs = 2;
}

TestSuite(runq, .init = reset);

Test(runq, fifo_order)
{
	p *pp = newp(0);
	for (int i = 1; i <= 100; i++)
		runqput(pp, newg(i), false);
	bool inherit;
	for (int i = 1; i <= 100; i++) {
		g *gp = runqget(pp, &inherit);
		cr_assert_not_null(gp);
		cr_assert_eq(gp->goid, i);
		cr_assert(!inherit);
	}
	cr_assert_null(runqget(pp, &inherit));
	cr_assert(runqempty(pp));
}

/* A G that ran before (readied by goready) and is pushed out of runnext
   keeps Go's FIFO order. */
static g *ranbefore(int64_t id)
{
	g *gp = newg(id);
	gp->sched.sp = 0x1000;
	return gp;
}

Test(runq, runnext_first_and_kicked_to_tail)
{
	p *pp = newp(0);
	runqput(pp, ranbefore(1), false);
	runqput(pp, ranbefore(2), true);
	runqput(pp, ranbefore(3), true); /* kicks 2 to the tail */
	bool inherit;
	g *gp = runqget(pp, &inherit);
	cr_assert_eq(gp->goid, 3);
	cr_assert(inherit, "a runnext G inherits the time slice");
	cr_assert_eq(runqget(pp, &inherit)->goid, 1);
	cr_assert_eq(runqget(pp, &inherit)->goid, 2);
	cr_assert(runqempty(pp));
}

Test(runq, new_goroutines_start_depth_first)
{
	p *pp = newp(0);
	runqput(pp, ranbefore(1), false);
	/* Three never-run Gs, as newproc puts them: each kicks the last out
	   of runnext, to the front of the ring. */
	for (int i = 10; i <= 12; i++)
		runqput(pp, newg(i), true);
	bool inherit;
	int want[] = { 12, 11, 10, 1 };
	for (int i = 0; i < 4; i++)
		cr_assert_eq(runqget(pp, &inherit)->goid, want[i]);
	cr_assert(runqempty(pp));
}

Test(runq, depth_first_falls_back_to_the_tail_when_full)
{
	p *pp = newp(0);
	for (int i = 1; i <= RUNQ_SIZE; i++)
		runqput(pp, ranbefore(i), false);
	runqput(pp, newg(1000), true);
	runqput(pp, newg(1001), true); /* ring full: 1000 overflows with half of it */
	cr_assert_eq(sched.runqsize, RUNQ_SIZE / 2 + 1);
	cr_assert_eq(sched.runqtail->goid, 1000);
}

Test(runq, one_p_takes_the_plain_path)
{
	/* With gomaxprocs 1 the owner uses plain stores: same answers. */
	gomaxprocs = 1;
	p *pp = newp(0);
	runqput(pp, ranbefore(1), false);
	runqput(pp, newg(2), true);
	runqput(pp, newg(3), true);   /* 2 to the front */
	runqput(pp, ranbefore(4), true); /* 3 to the front */
	runqput(pp, ranbefore(5), true); /* 4 to the tail */
	bool inherit;
	int want[] = { 5, 3, 2, 1, 4 };
	for (int i = 0; i < 5; i++) {
		g *gp = runqget(pp, &inherit);
		cr_assert_not_null(gp);
		cr_assert_eq(gp->goid, want[i], "position %d: %ld", i, (long)gp->goid);
		cr_assert_eq(inherit, i == 0);
	}
	cr_assert(runqempty(pp));
	for (int i = 1; i <= RUNQ_SIZE + 1; i++)
		runqput(pp, ranbefore(i), false);
	cr_assert_eq(sched.runqsize, RUNQ_SIZE / 2 + 1);
}

Test(runq, overflow_moves_half_to_global)
{
	p *pp = newp(0);
	for (int i = 1; i <= RUNQ_SIZE + 1; i++)
		runqput(pp, newg(i), false);
	cr_assert_eq(sched.runqsize, RUNQ_SIZE / 2 + 1);
	cr_assert_eq(runqlen(pp), RUNQ_SIZE / 2);
	/* The oldest half went to the global queue, in order, then the new G. */
	g *gp = sched.runqhead;
	for (int i = 1; i <= RUNQ_SIZE / 2; i++, gp = gp->schedlink)
		cr_assert_eq(gp->goid, i);
	cr_assert_eq(gp->goid, RUNQ_SIZE + 1);
	bool inherit;
	cr_assert_eq(runqget(pp, &inherit)->goid, RUNQ_SIZE / 2 + 1);
}

Test(runq, globrunqget_takes_a_fair_share)
{
	p *pp = newp(0);
	for (int i = 1; i <= 10; i++)
		globrunqput(newg(i));
	g *gp = globrunqget(pp, 0);
	cr_assert_eq(gp->goid, 1);
	/* 10/gomaxprocs + 1 = 6 taken: one returned, five on the local queue. */
	cr_assert_eq(sched.runqsize, 4);
	cr_assert_eq(runqlen(pp), 5);
	cr_assert_eq(globrunqget(pp, 1)->goid, 7);
	cr_assert_eq(sched.runqsize, 3);
}

Test(runq, steal_takes_half)
{
	p *victim = newp(0), *thief = newp(1);
	for (int i = 1; i <= 10; i++)
		runqput(victim, newg(i), false);
	g *gp = runqstealinto(thief, victim, false);
	cr_assert_not_null(gp);
	/* Half (5) stolen: the last is returned, four land on the thief's ring. */
	cr_assert_eq(gp->goid, 5);
	cr_assert_eq(runqlen(thief), 4);
	cr_assert_eq(runqlen(victim), 5);
	bool inherit;
	cr_assert_eq(runqget(victim, &inherit)->goid, 6);
	cr_assert_eq(runqget(thief, &inherit)->goid, 1);
}

Test(runq, steal_runnext_only_when_asked)
{
	p *victim = newp(0), *thief = newp(1);
	atomic_store(&victim->status, Pidle);
	runqput(victim, newg(7), true);
	cr_assert_null(runqstealinto(thief, victim, false));
	g *gp = runqstealinto(thief, victim, true);
	cr_assert_not_null(gp);
	cr_assert_eq(gp->goid, 7);
	cr_assert(runqempty(victim));
}

Test(runq, drain)
{
	p *pp = newp(0);
	for (int i = 1; i <= 5; i++)
		runqput(pp, newg(i), i == 5);
	g *h, *t;
	cr_assert_eq(runqdrain(pp, &h, &t), 5);
	cr_assert_eq(h->goid, 5);
	cr_assert_eq(t->goid, 4);
	cr_assert(runqempty(pp));
}

/* The owner produces and consumes while thieves steal: every G must be taken
   exactly once. */
enum { NG = 200000, NTHIEF = 2 };
static p *owner;
static _Atomic int seen[NG + 1];
static _Atomic bool producing;
static _Atomic int taken;

static void *thief(void *arg)
{
	p *mine = newp((int)(intptr_t)arg);
	bool inherit;
	while (atomic_load(&producing) || !runqempty(owner)) {
		g *gp = runqstealinto(mine, owner, true);
		if (gp) {
			atomic_fetch_add(&seen[gp->goid], 1);
			atomic_fetch_add(&taken, 1);
		}
		while ((gp = runqget(mine, &inherit))) {
			atomic_fetch_add(&seen[gp->goid], 1);
			atomic_fetch_add(&taken, 1);
		}
	}
	return 0;
}

Test(runq, concurrent_steal_loses_nothing, .timeout = 60)
{
	owner = newp(0);
	g *gs = calloc(NG + 1, sizeof *gs);
	atomic_store(&producing, true);
	pthread_t th[NTHIEF];
	for (int i = 0; i < NTHIEF; i++)
		pthread_create(&th[i], 0, thief, (void *)(intptr_t)(i + 1));
	bool inherit;
	for (int i = 1; i <= NG; i++) {
		gs[i].goid = i;
		runqput(owner, &gs[i], i % 7 == 0);
		if (i % 3 == 0) {
			g *gp = runqget(owner, &inherit);
			if (gp) {
				atomic_fetch_add(&seen[gp->goid], 1);
				atomic_fetch_add(&taken, 1);
			}
		}
	}
	/* Whatever overflowed went to the global queue. */
	for (g *gp = sched.runqhead; gp; gp = gp->schedlink) {
		atomic_fetch_add(&seen[gp->goid], 1);
		atomic_fetch_add(&taken, 1);
	}
	atomic_store(&producing, false);
	g *gp;
	while ((gp = runqget(owner, &inherit))) {
		atomic_fetch_add(&seen[gp->goid], 1);
		atomic_fetch_add(&taken, 1);
	}
	for (int i = 0; i < NTHIEF; i++)
		pthread_join(th[i], 0);
	cr_assert_eq(atomic_load(&taken), NG);
	for (int i = 1; i <= NG; i++)
		cr_assert_eq(atomic_load(&seen[i]), 1, "G %d taken %d times", i, atomic_load(&seen[i]));
}

/* The owner pops the head and pushes a never-run G back in front of it
   (runqputfront), over and over, on a queue of one or two, while thieves
   steal: the head keeps returning to the same index, and a thief whose CAS
   matched a head it read before the pop would take a G that already ran
   and lose the one pushed in its place. */
enum { NFRONT = 1000000 };
static _Atomic int frontseen[2 * NFRONT + 1];
static _Atomic bool fronting;

static void *frontthief(void *arg)
{
	p *mine = newp((int)(intptr_t)arg);
	bool inherit;
	while (atomic_load(&fronting)) {
		g *gp = runqstealinto(mine, owner, false);
		if (gp)
			atomic_fetch_add(&frontseen[gp->goid], 1);
		while ((gp = runqget(mine, &inherit)))
			atomic_fetch_add(&frontseen[gp->goid], 1);
	}
	return 0;
}

Test(runq, steal_races_front_pushes, .timeout = 120)
{
	owner = newp(0);
	g *gs = calloc(2 * NFRONT + 1, sizeof *gs);
	atomic_store(&fronting, true);
	pthread_t th[NTHIEF];
	for (int i = 0; i < NTHIEF; i++)
		pthread_create(&th[i], 0, frontthief, (void *)(intptr_t)(i + 1));
	bool inherit;
	g *gp;
	for (int i = 1; i <= 2 * NFRONT; i += 2) {
		gs[i].goid = i;
		gs[i + 1].goid = i + 1;
		runqput(owner, &gs[i], true);     /* into the empty runnext */
		runqput(owner, &gs[i + 1], true); /* pushes gs[i] in front */
		while ((gp = runqget(owner, &inherit)))
			atomic_fetch_add(&frontseen[gp->goid], 1);
	}
	atomic_store(&fronting, false);
	for (int i = 0; i < NTHIEF; i++)
		pthread_join(th[i], 0);
	while ((gp = runqget(owner, &inherit)))
		atomic_fetch_add(&frontseen[gp->goid], 1);
	for (int i = 1; i <= 2 * NFRONT; i++)
		cr_assert_eq(atomic_load(&frontseen[i]), 1, "G %d taken %d times", i,
		             atomic_load(&frontseen[i]));
}
