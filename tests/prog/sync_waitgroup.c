/* gort_waitgroup, one scenario per argv[1] (several when none is given):
   join      10,000 goroutines joined, with several waiters at once;
   gotest    Go 1.19's TestWaitGroup (reused eight times) and
             TestWaitGroupRace;
   thread    threads the program made wait and finish beside goroutines;
   lifetime  the group is freed (its page made inaccessible) as soon as
             gort_wg_wait returns, while the goroutine whose done released
             it may still be returning;
   negative  the counter below zero: Go's panic. */
#include <gort.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* A wrong count fails the run (exit status 1), not only its output:
   make soak reads only the status. */
static int failed;

static void check(int ok, const char *what)
{
	if (!ok) {
		printf("FAIL: %s\n", what);
		failed = 1;
	}
}

#define MS 1000000LL

/* ---- join ---- */

static gort_waitgroup jwg = GORT_WAITGROUP_INIT;
static gort_waitgroup waiters = GORT_WAITGROUP_INIT;
static _Atomic long jsum;
static _Atomic int jbad;

static void joined(void *arg)
{
	long i = (long)arg;
	if (i % 100 == 0)
		gort_sleep(1 * MS);
	else if (i % 10 == 0)
		gort_yield();
	atomic_fetch_add(&jsum, i);
	gort_wg_done(&jwg);
}

static void joinwaiter(void *arg)
{
	(void)arg;
	gort_wg_wait(&jwg);
	if (atomic_load(&jsum) != 49995000)
		atomic_fetch_add(&jbad, 1);
	gort_wg_done(&waiters);
}

static void join_test(void)
{
	gort_wg_add(&jwg, 10000);
	gort_wg_add(&waiters, 10);
	for (int i = 0; i < 10; i++)
		go(joinwaiter, 0);
	for (long i = 0; i < 10000; i++)
		go(joined, (void *)i);
	gort_wg_wait(&jwg);
	long sum = atomic_load(&jsum);
	gort_wg_wait(&waiters);
	/* A group at zero does not block. */
	gort_wg_wait(&jwg);
	printf("join: sum=%ld waiters early=%d state=%llu\n", sum, atomic_load(&jbad),
	       (unsigned long long)jwg.state);
	check(sum == 49995000 && !atomic_load(&jbad) && !jwg.state, "join");
}

/* ---- gotest: Go 1.19 sync/waitgroup_test.go ---- */

static gort_waitgroup *gwg1, *gwg2;
static gort_chan *exited;

static void barrier(void *arg)
{
	(void)arg;
	gort_wg_done(gwg1);
	gort_wg_wait(gwg2);
	bool t = true;
	gort_chan_send(exited, &t);
}

static bool testWaitGroup(gort_waitgroup *wg1, gort_waitgroup *wg2)
{
	enum { n = 16 };
	gwg1 = wg1;
	gwg2 = wg2;
	gort_wg_add(wg1, n);
	gort_wg_add(wg2, n);
	exited = gort_chan_make(sizeof(bool), n);
	for (int i = 0; i != n; i++)
		go(barrier, 0);
	gort_wg_wait(wg1);
	bool ok = true;
	for (int i = 0; i != n; i++) {
		gort_case cs = { .chan = exited, .dir = GORT_RECV };
		if (gort_select(&cs, 1, 0) == 0)
			ok = false; /* WaitGroup released group too soon */
		gort_wg_done(wg2);
	}
	for (int i = 0; i != n; i++)
		gort_chan_recv(exited, 0); /* blocks if the barrier failed to unlock someone */
	gort_chan_free(exited);
	return ok;
}

static gort_waitgroup rwg;
static _Atomic int rn;

static void racer(void *arg)
{
	(void)arg;
	atomic_fetch_add(&rn, 1);
	gort_wg_done(&rwg);
}

static void gotest_test(void)
{
	gort_waitgroup wg1 = GORT_WAITGROUP_INIT, wg2 = GORT_WAITGROUP_INIT;
	bool ok = true;
	/* Run the same test a few times to ensure barrier is in a proper
	   state. */
	for (int i = 0; i != 8; i++)
		ok &= testWaitGroup(&wg1, &wg2);
	printf("TestWaitGroup %s\n", ok ? "ok" : "released group too soon");
	check(ok, "TestWaitGroup");
	/* TestWaitGroupRace: Run this test for about 1ms. */
	int bad = 0;
	for (int i = 0; i < 1000; i++) {
		atomic_store(&rn, 0);
		gort_wg_add(&rwg, 2);
		go(racer, 0);
		go(racer, 0);
		gort_wg_wait(&rwg);
		if (atomic_load(&rn) != 2)
			bad++;
	}
	printf("TestWaitGroupRace %s\n", bad ? "spurious wakeup" : "ok");
	check(!bad, "TestWaitGroupRace");
}

/* ---- thread ---- */

static gort_waitgroup twg, tdone;
static _Atomic int tcount;

static void *twaiter(void *arg)
{
	(void)arg;
	gort_wg_wait(&twg);
	return (void *)(long)atomic_load(&tcount);
}

static void tgoroutine(void *arg)
{
	(void)arg;
	gort_sleep(5 * MS);
	atomic_fetch_add(&tcount, 1);
	gort_wg_done(&twg);
}

static void *tdoner(void *arg)
{
	(void)arg;
	usleep(20000);
	gort_wg_done(&tdone);
	return 0;
}

static _Atomic bool ticking;

static void ticker(void *arg)
{
	(void)arg;
	while (atomic_load(&ticking))
		gort_sleep(1 * MS);
}

static void thread_test(void)
{
	pthread_t w[2], d;
	gort_wg_add(&twg, 50);
	for (int i = 0; i < 2; i++)
		pthread_create(&w[i], 0, twaiter, 0);
	for (int i = 0; i < 50; i++)
		go(tgoroutine, 0);
	void *r0, *r1;
	pthread_join(w[0], &r0);
	pthread_join(w[1], &r1);
	/* And a goroutine released by a thread. The deadlock detector
	   cannot see that a thread will do it: keep a sleeping goroutine
	   (a pending timer) meanwhile. */
	gort_wg_add(&tdone, 1);
	atomic_store(&ticking, true);
	go(ticker, 0);
	pthread_create(&d, 0, tdoner, 0);
	gort_wg_wait(&tdone);
	atomic_store(&ticking, false);
	pthread_join(d, 0);
	printf("thread: waiters saw %ld and %ld of 50\n", (long)r0, (long)r1);
	check((long)r0 == 50 && (long)r1 == 50, "thread");
}

/* ---- lifetime ---- */

enum { NPAGES = 3000 };
static char *pages;
static long pagesize;

static void doner(void *arg)
{
	gort_waitgroup *wg = arg;
	if ((uintptr_t)wg / (uintptr_t)pagesize % 4 == 1)
		gort_yield();
	gort_wg_done(wg);
}

static void lifetime_test(void)
{
	pagesize = sysconf(_SC_PAGESIZE);
	pages = mmap(0, (size_t)(NPAGES * pagesize), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (pages == MAP_FAILED) {
		printf("mmap failed\n");
		return;
	}
	for (long i = 0; i < NPAGES; i++) {
		gort_waitgroup *wg = (gort_waitgroup *)(pages + i * pagesize);
		int n = 1 + (int)(i % 3);
		gort_wg_add(wg, n);
		for (int k = 0; k < n; k++)
			go(doner, wg);
		if (i % 5 == 0)
			gort_yield();
		gort_wg_wait(wg);
		/* "free": any later access by a doner faults. */
		mprotect(wg, (size_t)pagesize, PROT_NONE);
	}
	printf("lifetime: %d groups freed right after wait\n", NPAGES);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, 0, _IOLBF, 0);
	const char *mode = argc > 1 ? argv[1] : "all";
	bool all = !strcmp(mode, "all");
	if (all || !strcmp(mode, "join"))
		join_test();
	if (all || !strcmp(mode, "gotest"))
		gotest_test();
	if (all || !strcmp(mode, "thread"))
		thread_test();
	if (!strcmp(mode, "lifetime"))
		lifetime_test();
	if (!strcmp(mode, "negative")) {
		gort_waitgroup wg = GORT_WAITGROUP_INIT;
		gort_wg_add(&wg, 1);
		gort_wg_done(&wg);
		printf("one too many done\n");
		gort_wg_done(&wg);
		printf("not reached\n");
	}
	if (!strcmp(mode, "negative_add")) {
		gort_waitgroup wg = GORT_WAITGROUP_INIT;
		printf("adding -3\n");
		gort_wg_add(&wg, -3);
		printf("not reached\n");
	}
	return failed;
}
