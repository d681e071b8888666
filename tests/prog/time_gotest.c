/* Tests of Go 1.19's time/sleep_test.go that map onto gort_sleep and
   select timeouts, ported with their checks; the ones named as arguments
   run (all when none is, in this order):
     sleep         TestSleep: a 100 ms sleep is not cut short by a signal
                   (SIGCHLD, as Go's Interrupt sends) half-way through
     afterfunc     TestAfterFunc: a function that re-arms itself with
                   AfterFunc(0) ten times, each copy then sleeping 1 s
     afterstress   TestAfterStress: 100 ticks of a 1 ns ticker (1 ns select
                   timeouts) while another goroutine keeps stopping the
                   world
     after         TestAfter: After(100 ms) fires no earlier, and reports
                   a time no earlier
     aftertick     TestAfterTick: ten After(10 ms) in a row take at least
                   90 ms (Go's -short Delta; -short skips the upper bound)
     afterqueuing  TestAfterQueuing: thirteen Afters of 0..9 deltas, armed
                   in scrambled order, arrive in order and each within
                   [target - delta/2, target + 10 delta]; five attempts with
                   deltas of 20, 70, ... ms, as in Go. Run twice: with After
                   as a sleeping goroutine and as a select timeout
     overflowneg   TestOverflowSleep's second half (the first is
                   time_sleep's overflow): Sleep(-1<<63) returns at once
                   and After(-1<<63) fires before a 1 s select timeout
     zerotimer     TestZeroTimer: a zero-length timer (a sleep of 1 ns, a
                   select timeout of 1 ns) is not missed by the scheduler:
                   each wait takes under 2 s. Go skips it under -short; here
                   10,000 rounds of each instead of Go's 1,000,000
   Not ported: the tests of Timer.Stop and Reset, tickers and AfterFunc's
   return value (gort has no timer objects); TestSleepZeroDeadlock and
   TestOverflowSleep's first half are time_sleep's zero and overflow.
   time.After(d) is a goroutine that sleeps until d after the call, then
   sends the time it woke on a channel of capacity 1, as Go's timer does;
   time.AfterFunc(d, f) is a goroutine that sleeps d, then calls f; a
   time.Time is gort_nanotime.
   Each prints "<name> ok"; a failure prints FAIL and exits 1. */
#include <gort.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gotest.h"

#define MS 1000000LL

static void *xmalloc(size_t n)
{
	void *p = malloc(n);
	if (!p)
		fail("out of memory");
	return p;
}

/* ---- time.After and time.AfterFunc ---- */

struct after {
	gort_chan *c;
	int64_t when;
};

static void afterfn(void *arg)
{
	struct after *a = arg;
	int64_t now = gort_nanotime();
	/* A deadline long past (After(-1<<63)) must not overflow the
	   subtraction. */
	gort_sleep(a->when > now ? a->when - now : 0);
	now = gort_nanotime();
	gort_chan_send(a->c, &now);
	free(a);
}

/* The deadline is taken at the call, as a Go timer's is, not when the
   goroutine first runs. A negative d is a deadline in the past. */
static gort_chan *After(int64_t d)
{
	struct after *a = xmalloc(sizeof *a);
	a->c = mkchan(sizeof(int64_t), 1);
	int64_t now = gort_nanotime();
	/* now >= 0, so now + d cannot overflow for d < 0. */
	a->when = d > INT64_MAX - now ? INT64_MAX : now + d;
	gort_chan *c = a->c;
	start(afterfn, a);
	return c;
}

/* Receive the time an After channel fired, and free the channel: its
   goroutine's send has returned once the value is here (gort.h). */
static int64_t recvtime(gort_chan *c)
{
	int64_t t;
	gort_chan_recv(c, &t);
	gort_chan_free(c);
	return t;
}

struct afterfunc {
	int64_t d;
	void (*f)(void);
};

static void afterfuncfn(void *arg)
{
	struct afterfunc *a = arg;
	void (*f)(void) = a->f;
	gort_sleep(a->d);
	free(a);
	f();
}

static void AfterFunc(int64_t d, void (*f)(void))
{
	struct afterfunc *a = xmalloc(sizeof *a);
	a->d = d;
	a->f = f;
	start(afterfuncfn, a);
}

/* ---- sleep: TestSleep ---- */

static void onsigchld(int sig)
{
	(void)sig;
}

static void interrupter(void *arg)
{
	int64_t delay = *(int64_t *)arg;
	gort_sleep(delay / 2);
	kill(getpid(), SIGCHLD); /* Go's Interrupt() */
}

static void sleep_(void)
{
	/* SIGCHLD is ignored by default; Go's runtime catches every signal,
	   so catch it here too (without SA_RESTART), or it would interrupt
	   nothing. */
	struct sigaction sa = { 0 };
	sa.sa_handler = onsigchld;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGCHLD, &sa, NULL);
	static int64_t delay = 100 * MS;
	start(interrupter, &delay);
	int64_t start_ = gort_nanotime();
	gort_sleep(delay);
	int64_t duration = gort_nanotime() - start_;
	if (duration < delay)
		fail("Sleep(%lld) slept for only %lld", (long long)delay, (long long)duration);
	printf("sleep ok\n");
}

/* ---- afterfunc: TestAfterFunc ---- */

static int afi;
static gort_chan *afc;

static void aff(void)
{
	afi--;
	if (afi >= 0) {
		AfterFunc(0, aff);
		gort_sleep(1000 * MS);
	} else {
		bool t = true;
		gort_chan_send(afc, &t);
	}
}

static void afterfunc(void)
{
	afi = 10;
	afc = mkchan(sizeof(bool), 0);
	AfterFunc(0, aff);
	gort_chan_recv(afc, NULL);
	printf("afterfunc ok\n");
}

/* ---- afterstress: TestAfterStress ---- */

static _Atomic uint32_t stop;

/* runtime.GC in Go stops the world; gort_gomaxprocs does here, twice
   (up one and back), as in time_sleep's zero. */
static void gcloop(void *arg)
{
	gort_waitgroup *wg = arg;
	while (atomic_load(&stop) == 0) {
		int n = gort_gomaxprocs(0);
		gort_gomaxprocs(n + 1);
		gort_gomaxprocs(n);
		/* Yield so that the OS can wake up the timer thread, so that
		   it can generate channel sends for the main goroutine, which
		   will eventually set stop = 1 for us. */
		gort_sleep(1);
	}
	gort_wg_done(wg);
}

/* Go's ticker is a timer of the runtime that sends on its channel when it
   fires, so a tick wakes main straight from the timer. The nearest in gort
   is main's own timer: each tick is a select that waits 1 ns on a channel
   nothing sends on. (A goroutine standing in for the ticker would compete
   with main for the P and spin through its late deadlines, which Go's
   timer does not; Go's own program written that way takes seconds too.) */
static void afterstress(void)
{
	gort_waitgroup wg = GORT_WAITGROUP_INIT;
	atomic_store(&stop, 0);
	gort_wg_add(&wg, 1);
	start(gcloop, &wg);
	gort_chan *never = mkchan(sizeof(int64_t), 0);
	for (int i = 0; i < 100; i++) {
		gort_case cs = { .chan = never, .dir = GORT_RECV };
		if (gort_select(&cs, 1, 1) != -1) /* <-ticker.C of NewTicker(1) */
			fail("afterstress: a receive from a channel nobody sends on");
	}
	atomic_store(&stop, 1);
	gort_wg_wait(&wg);
	gort_chan_free(never);
	printf("afterstress ok\n");
}

/* ---- after: TestAfter ---- */

static void after(void)
{
	const int64_t delay = 100 * MS;
	int64_t start_ = gort_nanotime();
	int64_t end = recvtime(After(delay));
	int64_t duration = gort_nanotime() - start_;
	if (duration < delay)
		fail("After(%lld) slept for only %lld ns", (long long)delay, (long long)duration);
	if (end < start_ + delay)
		fail("After(%lld) expect >= %lld, got %lld", (long long)delay, (long long)(start_ + delay),
		     (long long)end);
	printf("after ok\n");
}

/* ---- aftertick: TestAfterTick ---- */

static void aftertick(void)
{
	enum { Count = 10 };
	const int64_t Delta = 10 * MS; /* -short; 100 ms otherwise */
	int64_t t0 = gort_nanotime();
	for (int i = 0; i < Count; i++)
		recvtime(After(Delta));
	int64_t d = gort_nanotime() - t0;
	int64_t target = Delta * Count;
	if (d < target * 9 / 10)
		fail("%d ticks of %lld too fast: took %lld, expected %lld", Count, (long long)Delta, (long long)d,
		     (long long)target);
	/* Go checks d > target*30/10 only without -short. */
	printf("aftertick ok\n");
}

/* ---- afterqueuing: TestAfterQueuing ---- */

static const int slots[] = { 5, 3, 6, 6, 6, 1, 1, 2, 7, 9, 4, 8, 0 };
enum { NSLOTS = sizeof slots / sizeof slots[0] };

struct afterResult {
	int slot;
	int64_t t;
};

struct awaitarg {
	int slot;
	gort_chan *result, *ac;
};

static void await(void *arg)
{
	struct awaitarg *a = arg;
	struct afterResult r = { a->slot, recvtime(a->ac) };
	gort_chan_send(a->result, &r);
	free(a);
}

/* After as a select timeout instead of a goroutine's sleep: the select
   waits on a channel nothing sends on, until the deadline. */
static void selectafterfn(void *arg)
{
	struct after *a = arg;
	gort_chan *never = mkchan(0, 0);
	gort_case cs = { .chan = never, .dir = GORT_RECV };
	int64_t d = a->when - gort_nanotime();
	/* A timeout <= 0 would mean "at once" or "for ever": at once it is. */
	if (gort_select(&cs, 1, d > 0 ? d : 0) != -1)
		fail("selectafter: a receive from a channel nobody sends on");
	gort_chan_free(never);
	int64_t now = gort_nanotime();
	gort_chan_send(a->c, &now);
	free(a);
}

static gort_chan *SelectAfter(int64_t d)
{
	struct after *a = xmalloc(sizeof *a);
	a->c = mkchan(sizeof(int64_t), 1);
	a->when = gort_nanotime() + d;
	gort_chan *c = a->c;
	start(selectafterfn, a);
	return c;
}

static char errbuf[512];

static bool testAfterQueuing(int64_t delta, gort_chan *(*after)(int64_t))
{
	/* make the result channel buffered because we don't want to depend
	   on channel queueing semantics that might possibly change in the
	   future. */
	gort_chan *result = mkchan(sizeof(struct afterResult), NSLOTS);
	int64_t t0 = gort_nanotime();
	for (int i = 0; i < NSLOTS; i++) {
		struct awaitarg *a = xmalloc(sizeof *a);
		a->slot = slots[i];
		a->result = result;
		a->ac = after((int64_t)slots[i] * delta);
		start(await, a);
	}
	int order[NSLOTS];
	int64_t times[NSLOTS];
	for (int i = 0; i < NSLOTS; i++) {
		struct afterResult r;
		gort_chan_recv(result, &r);
		order[i] = r.slot;
		times[i] = r.t;
	}
	gort_chan_free(result);
	for (int i = 1; i < NSLOTS; i++)
		if (order[i] < order[i - 1]) {
			int n = snprintf(errbuf, sizeof errbuf, "After calls returned out of order:");
			for (int k = 0; k < NSLOTS; k++)
				n += snprintf(errbuf + n, sizeof errbuf - (size_t)n, " %d", order[k]);
			return false;
		}
	for (int i = 0; i < NSLOTS; i++) {
		int64_t dt = times[i] - t0;
		int64_t target = (int64_t)order[i] * delta;
		if (dt < target - delta / 2 || dt > target + delta * 10) {
			snprintf(errbuf, sizeof errbuf, "After(%lld) arrived at %lld, expected [%lld,%lld]",
			         (long long)target, (long long)dt, (long long)(target - delta / 2),
			         (long long)(target + delta * 10));
			return false;
		}
	}
	return true;
}

static void afterqueuing1(const char *how, gort_chan *(*after)(int64_t))
{
	/* This test flakes out on some systems, so we'll try it a few times
	   before declaring it a failure. */
	const int attempts = 5;
	bool ok = false;
	for (int i = 0; i < attempts && !ok; i++) {
		int64_t delta = (int64_t)(20 + i * 50) * MS;
		if (!(ok = testAfterQueuing(delta, after)))
			printf("afterqueuing (%s): attempt %d failed: %s\n", how, i, errbuf);
	}
	if (!ok)
		fail("afterqueuing (%s): %s", how, errbuf);
}

static void afterqueuing(void)
{
	afterqueuing1("sleep", After);
	afterqueuing1("select timeout", SelectAfter);
	printf("afterqueuing ok\n");
}

/* ---- overflowneg: TestOverflowSleep, negative half ---- */

static void overflowneg(void)
{
	const int64_t neg = INT64_MIN;
	int64_t t0 = gort_nanotime();
	gort_sleep(neg); /* Returns immediately. */
	/* select { case <-After(neg): case <-After(1 * Second): fatal } */
	gort_chan *c = After(neg);
	gort_case cs = { .chan = c, .dir = GORT_RECV };
	if (gort_select(&cs, 1, 1000 * MS) != 0)
		fail("negative timeout didn't fire");
	gort_chan_free(c);
	/* Not Go's check, and only so loose that a loaded machine passes:
	   "at once" is not a second. */
	if (gort_nanotime() - t0 >= 1000 * MS)
		fail("Sleep(-1<<63) took %lld ns", (long long)(gort_nanotime() - t0));
	printf("overflowneg ok\n");
}

/* ---- zerotimer: TestZeroTimer ---- */

static void zerotimer(void)
{
	/* Go: 1,000,000 rounds, skipped under -short. */
	enum { N = 10000 };
	gort_chan *never = mkchan(0, 0);
	for (int i = 0; i < 2 * N; i++) {
		int64_t s = gort_nanotime();
		if (i < N) {
			gort_sleep(1);
		} else {
			gort_case cs = { .chan = never, .dir = GORT_RECV };
			if (gort_select(&cs, 1, 1) != -1)
				fail("zerotimer: a receive from a channel nobody sends on");
		}
		int64_t diff = gort_nanotime() - s;
		if (diff > 2000 * MS)
			fail("Expected time to get value from Timer channel in less than 2 sec, took %lld ns (%s)",
			     (long long)diff, i < N ? "sleep" : "select");
	}
	gort_chan_free(never);
	printf("zerotimer ok\n");
}

static const struct gotest tests[] = {
	{ "sleep", sleep_ },
	{ "afterfunc", afterfunc },
	{ "afterstress", afterstress },
	{ "after", after },
	{ "aftertick", aftertick },
	{ "afterqueuing", afterqueuing },
	{ "overflowneg", overflowneg },
	{ "zerotimer", zerotimer },
};

int main(int argc, char **argv)
{
	return gotest_main(argc, argv, tests, (int)(sizeof tests / sizeof tests[0]));
}
