/*
 * Unit tests of runtime/time.c: heap order, deltimer, periodic re-arming,
 * timersmove, timer0when and the wake-ups, and deltimer racing firings on
 * other threads. time.c is compiled into this file, with stand-ins for the
 * few scheduler calls it makes (goready, park_m, wakeNetPoller, mcall,
 * preemptpark).
 */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "../runtime/time.c"

p **allp;

static int nwakes;
static int64_t lastwake;

void wakeNetPoller(int64_t when)
{
	nwakes++;
	lastwake = when;
}

void goready(g *gp)
{
	(void)gp;
	cr_assert_fail("goready called");
}

/* gopark is inline: it ends in mcall(park_m), and mcall fails the test. */
void park_m(g *gp)
{
	(void)gp;
	cr_assert_fail("park_m called");
}

void mcall(void (*fn)(g *))
{
	(void)fn;
	cr_assert_fail("mcall called");
}

void preemptpark(g *gp)
{
	(void)gp;
	cr_assert_fail("preemptpark called");
}

static p ps[2];
static m tm;
static g tg;

/* addtimer puts timers on the current M's P: make that ps[i]. */
static void onp(int i)
{
	tm.p = &ps[i];
	tm.curg = &tg;
	tg.m = &tm;
	setg(&tg);
}

static void reset(void)
{
	for (int i = 0; i < 2; i++) {
		free(ps[i].timers);
		memset(&ps[i], 0, sizeof ps[i]);
		ps[i].id = i;
	}
	static p *all[2] = { &ps[0], &ps[1] };
	allp = all;
	gomaxprocs = 2;
	nwakes = 0;
	lastwake = 0;
	onp(0);
}

TestSuite(timers, .init = reset);

/* What fired, in order: the seq of each timer. */
static uintptr_t fired[100000];
static _Atomic int nfired;

static void record(void *arg, uintptr_t seq)
{
	(void)arg;
	fired[atomic_fetch_add(&nfired, 1)] = seq;
}

static timer *newtimer(int64_t when, uintptr_t seq)
{
	timer *t = calloc(1, sizeof *t);
	t->when = when;
	t->f = record;
	t->seq = seq;
	t->idx = -1;
	return t;
}

/* Every index of pp's heap holds its timer, and no child is earlier than
   its parent. */
static void checkheap(p *pp)
{
	for (int i = 0; i < pp->ntimers; i++) {
		timer *t = pp->timers[i];
		cr_assert_eq(t->idx, i);
		cr_assert_eq(t->pp, pp);
		cr_assert_eq(atomic_load(&t->status), timerWaiting);
		if (i > 0)
			cr_assert_geq(t->when, pp->timers[(i - 1) / 4]->when);
	}
	cr_assert_eq(atomic_load(&pp->timer0when), pp->ntimers ? pp->timers[0]->when : 0);
}

Test(timers, fire_in_order_of_when)
{
	enum { N = 5000 };
	srand(1);
	atomic_store(&nfired, 0);
	timer *ts[N];
	for (int i = 0; i < N; i++) {
		ts[i] = newtimer(1 + rand() % 100000, (uintptr_t)i);
		addtimer(ts[i]);
	}
	checkheap(&ps[0]);
	bool ran;
	int64_t next = checkTimers(&ps[0], 0, &ran);
	cr_assert(!ran);
	cr_assert_eq(next, ps[0].timers[0]->when);
	/* In steps, as the scheduler would, and all at the end. */
	for (int64_t now = 0; now <= 100000; now += 777) {
		next = checkTimers(&ps[0], now, &ran);
		cr_assert(next == 0 || next > now);
		checkheap(&ps[0]);
	}
	checkTimers(&ps[0], 100001, &ran);
	cr_assert_eq(atomic_load(&nfired), N);
	cr_assert_eq(ps[0].ntimers, 0);
	cr_assert_eq(atomic_load(&ps[0].timer0when), 0);
	for (int i = 1; i < N; i++)
		cr_assert_leq(ts[fired[i - 1]]->when, ts[fired[i]]->when);
	for (int i = 0; i < N; i++) {
		cr_assert_null(ts[i]->pp);
		cr_assert_eq(ts[i]->idx, -1);
		cr_assert_eq(atomic_load(&ts[i]->status), timerNoStatus);
		cr_assert(!deltimer(ts[i]));
		free(ts[i]);
	}
}

Test(timers, deltimer_takes_any_timer_off)
{
	enum { N = 3000 };
	srand(2);
	atomic_store(&nfired, 0);
	timer *ts[N];
	bool gone[N];
	for (int i = 0; i < N; i++) {
		ts[i] = newtimer(1 + rand() % 1000, (uintptr_t)i);
		addtimer(ts[i]);
		gone[i] = false;
	}
	for (int i = 0; i < N; i += 1 + rand() % 3) {
		cr_assert(deltimer(ts[i]));
		cr_assert(!deltimer(ts[i]));
		gone[i] = true;
		checkheap(&ps[0]);
	}
	bool ran;
	cr_assert_eq(checkTimers(&ps[0], 1000, &ran), 0);
	int want = 0;
	for (int i = 0; i < N; i++)
		want += !gone[i];
	cr_assert_eq(atomic_load(&nfired), want);
	for (int i = 0; i < want; i++)
		cr_assert(!gone[fired[i]], "deleted timer %d fired", (int)fired[i]);
	/* A deleted timer can be added again. */
	addtimer(ts[0]);
	cr_assert(deltimer(ts[0]));
	for (int i = 0; i < N; i++)
		free(ts[i]);
}

Test(timers, when_zero_or_less_is_due_at_once_and_not_none)
{
	timer *t = newtimer(0, 7);
	atomic_store(&nfired, 0);
	addtimer(t);
	cr_assert_eq(atomic_load(&ps[0].timer0when), 1);
	cr_assert(timerspending());
	bool ran;
	cr_assert_eq(checkTimers(&ps[0], 1, &ran), 0);
	cr_assert(ran);
	cr_assert_eq(atomic_load(&nfired), 1);
	cr_assert(!timerspending());
	free(t);
}

Test(timers, periodic_timers_rearm_and_skip_missed_periods)
{
	timer *t = newtimer(100, 1);
	t->period = 10;
	atomic_store(&nfired, 0);
	addtimer(t);
	bool ran;
	cr_assert_eq(checkTimers(&ps[0], 100, &ran), 110);
	cr_assert_eq(atomic_load(&nfired), 1);
	/* Late by 3.5 periods: runs once, next due on the period grid. */
	cr_assert_eq(checkTimers(&ps[0], 145, &ran), 150);
	cr_assert_eq(atomic_load(&nfired), 2);
	cr_assert_eq(t->pp, &ps[0]);
	/* Near the end of time it stays at the end of time. */
	cr_assert(deltimer(t));
	t->when = INT64_MAX - 5;
	t->period = INT64_MAX / 2;
	addtimer(t);
	cr_assert_eq(checkTimers(&ps[0], INT64_MAX - 1, &ran), INT64_MAX);
	cr_assert(deltimer(t));
	cr_assert(!timerspending());
	free(t);
}

Test(timers, poller_woken_only_for_a_new_earliest)
{
	timer *a = newtimer(500, 0), *b = newtimer(700, 1), *c = newtimer(300, 2);
	addtimer(a);
	cr_assert_eq(nwakes, 1);
	cr_assert_eq(lastwake, 500);
	addtimer(b);
	cr_assert_eq(nwakes, 1);
	addtimer(c);
	cr_assert_eq(nwakes, 2);
	cr_assert_eq(lastwake, 300);
	cr_assert_eq(atomic_load(&ps[0].timer0when), 300);
	cr_assert(deltimer(c));
	cr_assert_eq(atomic_load(&ps[0].timer0when), 500);
	cr_assert(deltimer(a));
	cr_assert(deltimer(b));
	cr_assert_eq(atomic_load(&ps[0].timer0when), 0);
	free(a);
	free(b);
	free(c);
}

Test(timers, timersmove_keeps_every_timer_deletable)
{
	enum { N = 1000 };
	srand(3);
	atomic_store(&nfired, 0);
	timer *ts[N];
	for (int i = 0; i < N; i++) {
		onp(i % 2);
		ts[i] = newtimer(1 + rand() % 5000, (uintptr_t)i);
		addtimer(ts[i]);
	}
	checkheap(&ps[0]);
	checkheap(&ps[1]);
	timersmove(&ps[1], &ps[0]);
	cr_assert_eq(ps[1].ntimers, 0);
	cr_assert_eq(atomic_load(&ps[1].timer0when), 0);
	cr_assert_eq(ps[0].ntimers, N);
	checkheap(&ps[0]);
	for (int i = 1; i < N; i += 2)
		cr_assert(deltimer(ts[i]));
	bool ran;
	checkTimers(&ps[1], 5000, &ran);
	cr_assert(!ran);
	checkTimers(&ps[0], 5000, &ran);
	cr_assert_eq(atomic_load(&nfired), N / 2);
	for (int i = 0; i < N / 2; i++)
		cr_assert_eq(fired[i] % 2, 0);
	for (int i = 0; i < N; i++)
		free(ts[i]);
}

/* Racing checkTimers on two threads (the owner and a thief) against
   deltimer: every timer either fires once or is deleted, never both. */
static _Atomic uint32_t firecount[20000];
static _Atomic bool stop;

static void countfire(void *arg, uintptr_t seq)
{
	(void)arg;
	atomic_fetch_add(&firecount[seq], 1);
}

static void *runner(void *arg)
{
	(void)arg;
	bool ran;
	while (!atomic_load(&stop))
		checkTimers(&ps[0], nanotime(), &ran);
	return 0;
}

Test(timers, deltimer_races_firing, .timeout = 60)
{
	enum { N = 20000 };
	timer *ts = calloc(N, sizeof *ts);
	bool deleted[N];
	int64_t now = nanotime();
	for (int i = 0; i < N; i++) {
		ts[i] = (timer){ .when = now + (i % 1000) * 2000, .f = countfire, .seq = (uintptr_t)i, .idx = -1 };
		addtimer(&ts[i]);
	}
	atomic_store(&stop, false);
	pthread_t th[2];
	for (int i = 0; i < 2; i++)
		pthread_create(&th[i], 0, runner, 0);
	for (int i = N - 1; i >= 0; i--)
		deleted[i] = deltimer(&ts[i]);
	atomic_store(&stop, true);
	for (int i = 0; i < 2; i++)
		pthread_join(th[i], 0);
	int ndel = 0;
	for (int i = 0; i < N; i++) {
		uint32_t c = atomic_load(&firecount[i]);
		cr_assert_eq(c + deleted[i], 1, "timer %d fired %u times, deleted %d", i, c, deleted[i]);
		ndel += deleted[i];
	}
	cr_assert_eq(ps[0].ntimers, 0);
	cr_log_info("deleted %d of %d", ndel, N);
	free(ts);
}
