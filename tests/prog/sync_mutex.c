/* gort_mutex, one scenario per argv[1] (several when none is given):
   counter     mutual exclusion of a plain counter under contention, with
               yields and sleeps inside the critical section;
   gotest      Go 1.19's TestMutex (HammerMutex with TryLock);
   trylock     TryLock on unlocked, locked and released mutexes;
   cross       unlock by another goroutine than the locker;
   fairness    Go's TestMutexFairness, and a CPU-bound holder that keeps
               relocking: a waiter still gets the lock (starvation mode);
   many        a thousand mutexes contended at once (many distinct
               semaphore addresses in each root);
   thread      threads the program made contend with goroutines;
   lifetime    the last locker frees the mutex (its page made
               inaccessible) while the previous unlock may still be
               returning;
   unlock_unlocked, double_unlock  fatal errors. */
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

static gort_waitgroup wg = GORT_WAITGROUP_INIT;

/* ---- counter ---- */

static gort_mutex cmu = GORT_MUTEX_INIT;
static long counter;
static _Atomic int inside;
static _Atomic int overlap;

static void incr(void *arg)
{
	long id = (long)arg;
	for (int i = 0; i < 20000; i++) {
		gort_mutex_lock(&cmu);
		if (atomic_fetch_add(&inside, 1) != 0)
			atomic_fetch_add(&overlap, 1);
		long v = counter;
		if (i % 1000 == (int)id)
			gort_yield();
		if (i % 5000 == (int)id)
			gort_sleep(100000);
		counter = v + 1;
		atomic_fetch_sub(&inside, 1);
		gort_mutex_unlock(&cmu);
	}
	gort_wg_done(&wg);
}

static void counter_test(void)
{
	gort_wg_add(&wg, 16);
	for (long i = 0; i < 16; i++)
		go(incr, (void *)i);
	gort_wg_wait(&wg);
	printf("counter=%ld overlap=%d state=%d sema=%u\n", counter, atomic_load(&overlap), cmu.state,
	       cmu.sema);
	check(counter == 320000 && !atomic_load(&overlap) && !cmu.state && !cmu.sema, "counter");
}

/* ---- gotest: Go 1.19 sync/mutex_test.go TestMutex ---- */

static void HammerMutex(gort_mutex *m, int loops, gort_chan *cdone)
{
	for (int i = 0; i < loops; i++) {
		if (i % 3 == 0) {
			if (gort_mutex_trylock(m))
				gort_mutex_unlock(m);
			continue;
		}
		gort_mutex_lock(m);
		gort_mutex_unlock(m);
	}
	bool t = true;
	gort_chan_send(cdone, &t);
}

static gort_mutex hmu;
static gort_chan *hdone;

static void hammer(void *arg)
{
	(void)arg;
	HammerMutex(&hmu, 1000, hdone);
}

static void gotest_test(void)
{
	hdone = gort_chan_make(sizeof(bool), 0);
	gort_mutex_lock(&hmu);
	if (gort_mutex_trylock(&hmu))
		printf("TryLock succeeded with mutex locked\n");
	gort_mutex_unlock(&hmu);
	if (!gort_mutex_trylock(&hmu))
		printf("TryLock failed with mutex unlocked\n");
	gort_mutex_unlock(&hmu);
	for (int i = 0; i < 10; i++)
		go(hammer, 0);
	for (int i = 0; i < 10; i++)
		gort_chan_recv(hdone, 0);
	printf("TestMutex ok state=%d\n", hmu.state);
	check(!hmu.state, "TestMutex state");
}

/* ---- trylock ---- */

static gort_mutex tmu;
static bool trygot;

static void tryother(void *arg)
{
	(void)arg;
	trygot = gort_mutex_trylock(&tmu);
	gort_wg_done(&wg);
}

static void trylock_test(void)
{
	bool a = gort_mutex_trylock(&tmu);
	bool b = gort_mutex_trylock(&tmu);
	gort_wg_add(&wg, 1);
	go(tryother, 0);
	gort_wg_wait(&wg);
	bool c = trygot;
	gort_mutex_unlock(&tmu);
	bool d = gort_mutex_trylock(&tmu);
	gort_mutex_unlock(&tmu);
	printf("trylock: unlocked=%d locked=%d other=%d released=%d state=%d\n", a, b, c, d, tmu.state);
	check(a && !b && !c && d && !tmu.state, "trylock");
}

/* ---- cross ---- */

static gort_mutex xmu;
static gort_chan *xc;

static void unlocker(void *arg)
{
	(void)arg;
	int round;
	while (gort_chan_recv(xc, &round)) {
		gort_sleep(1 * MS);
		gort_mutex_unlock(&xmu);
	}
}

static void cross_test(void)
{
	xc = gort_chan_make(sizeof(int), 0);
	go(unlocker, 0);
	/* main locks; the other goroutine unlocks; main's next lock waits
	   for it. */
	gort_mutex_lock(&xmu);
	for (int i = 0; i < 100; i++) {
		gort_chan_send(xc, &i);
		gort_mutex_lock(&xmu);
	}
	gort_chan_send(xc, &(int){ 100 });
	gort_chan_close(xc);
	gort_mutex_lock(&xmu);
	gort_mutex_unlock(&xmu);
	printf("cross: 100 unlocks by another goroutine, state=%d\n", xmu.state);
	check(!xmu.state, "cross");
}

/* ---- fairness ---- */

static gort_mutex fmu;
static _Atomic bool fstop;

/* Go's TestMutexFairness holder: holds the lock while sleeping 100 us. */
static void sleepyholder(void *arg)
{
	(void)arg;
	while (!atomic_load(&fstop)) {
		gort_mutex_lock(&fmu);
		gort_sleep(100000);
		gort_mutex_unlock(&fmu);
	}
	gort_wg_done(&wg);
}

/* A holder that never blocks: relocks at once, spinning ~50 us inside. */
static void busyholder(void *arg)
{
	(void)arg;
	while (!atomic_load(&fstop)) {
		gort_mutex_lock(&fmu);
		int64_t end = gort_nanotime() + 50000;
		while (gort_nanotime() < end)
			;
		gort_mutex_unlock(&fmu);
	}
	gort_wg_done(&wg);
}

static void fairwaiter(void *arg)
{
	gort_chan *done = arg;
	for (int i = 0; i < 10; i++) {
		gort_sleep(100000);
		gort_mutex_lock(&fmu);
		gort_mutex_unlock(&fmu);
	}
	bool t = true;
	gort_chan_send(done, &t);
}

static bool fairness(void (*holder)(void *), int nholders)
{
	atomic_store(&fstop, false);
	gort_wg_add(&wg, nholders);
	for (int i = 0; i < nholders; i++)
		go(holder, 0);
	gort_chan *done = gort_chan_make(sizeof(bool), 1);
	go(fairwaiter, done);
	gort_case cs = { .chan = done, .dir = GORT_RECV };
	/* Go allows 10 s. */
	int r = gort_select(&cs, 1, 10000 * MS);
	atomic_store(&fstop, true);
	gort_wg_wait(&wg);
	if (r != 0)
		gort_chan_recv(done, 0);
	gort_chan_free(done);
	return r == 0;
}

static void fairness_test(void)
{
	bool a = fairness(sleepyholder, 1);
	bool b = fairness(busyholder, 1);
	bool c = fairness(busyholder, 3);
	printf("fairness: TestMutexFairness=%d busy holder=%d three busy holders=%d\n", a, b, c);
	check(a && b && c, "fairness");
}

/* ---- many ---- */

enum { NMUTEX = 1000 };
static gort_mutex manymu[NMUTEX];
static long manycount[NMUTEX];

static void manyworker(void *arg)
{
	long k = (long)arg;
	for (int i = 0; i < 200; i++) {
		long j = (k + (long)i * 7) % NMUTEX;
		gort_mutex_lock(&manymu[j]);
		long v = manycount[j];
		if (i % 16 == 0)
			gort_yield();
		manycount[j] = v + 1;
		gort_mutex_unlock(&manymu[j]);
	}
	gort_wg_done(&wg);
}

static void many_test(void)
{
	/* Three goroutines per mutex, each visiting 200 of them. */
	gort_wg_add(&wg, 3 * NMUTEX);
	for (long k = 0; k < 3 * NMUTEX; k++)
		go(manyworker, (void *)(k % NMUTEX));
	gort_wg_wait(&wg);
	long sum = 0;
	int bad = 0;
	for (int j = 0; j < NMUTEX; j++) {
		sum += manycount[j];
		bad += manymu[j].state != 0 || manymu[j].sema != 0;
	}
	printf("many: sum=%ld badstate=%d\n", sum, bad);
	check(sum == 600000 && !bad, "many");
}

/* ---- thread ---- */

static gort_mutex thmu;
static long thcount;

static void *thmain(void *arg)
{
	(void)arg;
	for (int i = 0; i < 20000; i++) {
		gort_mutex_lock(&thmu);
		thcount++;
		gort_mutex_unlock(&thmu);
	}
	return 0;
}

static void thgoroutine(void *arg)
{
	(void)arg;
	for (int i = 0; i < 20000; i++) {
		gort_mutex_lock(&thmu);
		thcount++;
		if (i % 2000 == 0)
			gort_sleep(200000);
		gort_mutex_unlock(&thmu);
	}
	gort_wg_done(&wg);
}

static _Atomic bool ticking;

/* The deadlock detector cannot see that a thread holding the mutex will
   release it when every goroutine waits for it: a pending timer keeps it
   quiet meanwhile. */
static void ticker(void *arg)
{
	(void)arg;
	while (atomic_load(&ticking))
		gort_sleep(1 * MS);
}

static void thread_test(void)
{
	pthread_t t[2];
	atomic_store(&ticking, true);
	go(ticker, 0);
	gort_wg_add(&wg, 4);
	for (int i = 0; i < 4; i++)
		go(thgoroutine, 0);
	for (int i = 0; i < 2; i++)
		pthread_create(&t[i], 0, thmain, 0);
	/* And a thread that blocks for a while on a held mutex. */
	gort_mutex_lock(&thmu);
	pthread_t b;
	pthread_create(&b, 0, thmain, 0);
	gort_sleep(20 * MS);
	gort_mutex_unlock(&thmu);
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], 0);
	pthread_join(b, 0);
	gort_wg_wait(&wg);
	atomic_store(&ticking, false);
	printf("thread: count=%ld state=%d\n", thcount, thmu.state);
	check(thcount == 140000 && !thmu.state, "thread");
}

/* ---- lifetime ---- */

enum { NPAGES = 3000 };
static char *pages;
static long pagesize;

static void lastlocker(void *arg)
{
	long i = (long)arg;
	gort_mutex *mu = (gort_mutex *)(pages + i * pagesize);
	gort_mutex_lock(mu);
	gort_mutex_unlock(mu);
	/* We were the last user: "free" it. Any later access by the
	   goroutine that unlocked it before us faults. */
	mprotect(mu, (size_t)pagesize, PROT_NONE);
	gort_wg_done(&wg);
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
		gort_mutex *mu = (gort_mutex *)(pages + i * pagesize);
		gort_mutex_lock(mu);
		gort_wg_add(&wg, 1);
		go(lastlocker, (void *)i);
		/* Let it block on the mutex most times; starve it sometimes
		   (a waiter over 1 ms puts the mutex in starvation mode). */
		if (i % 3 == 0)
			gort_yield();
		else if (i % 3 == 1)
			gort_sleep(i % 30 == 1 ? 2 * MS : 10000);
		gort_mutex_unlock(mu);
		if (i % 7 == 0)
			gort_wg_wait(&wg);
	}
	gort_wg_wait(&wg);
	printf("lifetime: %d mutexes freed by their last locker\n", NPAGES);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, 0, _IOLBF, 0);
	const char *mode = argc > 1 ? argv[1] : "all";
	bool all = !strcmp(mode, "all");
	if (all || !strcmp(mode, "counter"))
		counter_test();
	if (all || !strcmp(mode, "gotest"))
		gotest_test();
	if (all || !strcmp(mode, "trylock"))
		trylock_test();
	if (all || !strcmp(mode, "cross"))
		cross_test();
	if (all || !strcmp(mode, "many"))
		many_test();
	if (all || !strcmp(mode, "thread"))
		thread_test();
	if (!strcmp(mode, "fairness"))
		fairness_test();
	if (!strcmp(mode, "lifetime"))
		lifetime_test();
	if (!strcmp(mode, "unlock_unlocked")) {
		gort_mutex mu = GORT_MUTEX_INIT;
		printf("unlocking\n");
		gort_mutex_unlock(&mu);
		printf("not reached\n");
	}
	if (!strcmp(mode, "double_unlock")) {
		gort_mutex mu = GORT_MUTEX_INIT;
		gort_mutex_lock(&mu);
		gort_mutex_unlock(&mu);
		printf("unlocking again\n");
		gort_mutex_unlock(&mu);
		printf("not reached\n");
	}
	return failed;
}
