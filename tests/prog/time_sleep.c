/* gort_sleep and the timers under it, one scenario per argv[1]:
   order     sleepers wake in the order of their deadlines, none early;
   early     thousands of short random sleeps, none returns early;
   signal    signals sent to the process all through a sleep do not cut
             it short;
   shrink    timers of Ps that gort_gomaxprocs removes still fire;
   deadlock  a pending sleep is not a deadlock, even with every other
             goroutine blocked for ever;
   thread    a thread the program made sleeps in the kernel;
   overflow  Go's TestOverflowSleep: a sleep or a select timeout of
             INT64_MAX ns never ends (no overflow to the past), while a
             25 ms one does;
   zero      Go's TestSleepZeroDeadlock: sleeps of 0 at GOMAXPROCS=4 while
             another goroutine keeps stopping the world (gort_gomaxprocs,
             where Go runs the GC). */
#include <gort.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#define MS 1000000LL

static gort_mutex mu = GORT_MUTEX_INIT;
static gort_waitgroup wg = GORT_WAITGROUP_INIT;
static _Atomic int early;

/* Sleep ns and count it if it came back sooner. */
static void checkedsleep(int64_t ns)
{
	int64_t t0 = gort_nanotime();
	gort_sleep(ns);
	if (gort_nanotime() - t0 < ns)
		atomic_fetch_add(&early, 1);
}

static int order[16], norder;
static int64_t ordert0;

/* Deadlines are absolute, from one instant taken before any sleeper starts,
   so that a sleeper started late on a loaded machine keeps its place. */
static void sleeper(void *arg)
{
	long k = (long)arg;
	checkedsleep(ordert0 + k * 30 * MS - gort_nanotime());
	gort_mutex_lock(&mu);
	order[norder++] = (int)k;
	gort_mutex_unlock(&mu);
	gort_wg_done(&wg);
}

static void order_test(void)
{
	int64_t t0 = gort_nanotime();
	gort_sleep(0);
	gort_sleep(-5);
	gort_sleep(INT64_MIN);
	/* They return at once; a second is a bound only a sleep that waited
	   for something (a timer, sysmon) could reach on a loaded machine. */
	if (gort_nanotime() - t0 > 1000 * MS) {
		printf("zero or negative sleep took %lld ns\n", (long long)(gort_nanotime() - t0));
		exit(1);
	}
	/* Started in reverse order of their deadlines, 30 ms apart. On a
	   machine so loaded that two wake-ups come more than 30 ms late,
	   both are due at once and may run in either order on two Ps: as Go's
	   TestAfterQueuing does, try again before calling it a failure. */
	for (int attempt = 0; attempt < 3; attempt++) {
		norder = 0;
		ordert0 = gort_nanotime();
		gort_wg_add(&wg, 8);
		for (long k = 8; k >= 1; k--)
			go(sleeper, (void *)k);
		gort_wg_wait(&wg);
		bool sorted = true;
		for (int i = 0; i < norder; i++)
			sorted = sorted && order[i] == i + 1;
		if (sorted)
			break;
	}
	printf("order:");
	for (int i = 0; i < norder; i++)
		printf(" %d", order[i]);
	printf("\nearly=%d\n", atomic_load(&early));
}

static void shortsleeps(void *arg)
{
	unsigned seed = (unsigned)(long)arg;
	for (int i = 0; i < 20; i++)
		checkedsleep(rand_r(&seed) % 3000000);
	gort_wg_done(&wg);
}

static void early_test(void)
{
	gort_wg_add(&wg, 1000);
	for (long i = 0; i < 1000; i++)
		go(shortsleeps, (void *)i);
	gort_wg_wait(&wg);
	printf("early=%d of 20000\n", atomic_load(&early));
}

static _Atomic long nsignals;

static void onsignal(int sig)
{
	(void)sig;
	atomic_fetch_add(&nsignals, 1);
}

static void signal_test(void)
{
	struct sigaction sa = { 0 };
	sa.sa_handler = onsignal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, 0);
	struct itimerval it = { { 0, 1000 }, { 0, 1000 } };
	setitimer(ITIMER_REAL, &it, 0);
	int64_t t0 = gort_nanotime();
	gort_sleep(300 * MS);
	int64_t d = gort_nanotime() - t0;
	struct itimerval off = { { 0, 0 }, { 0, 0 } };
	setitimer(ITIMER_REAL, &off, 0);
	printf("signalled sleep: %s, signals>10: %d\n", d >= 300 * MS ? "full" : "cut short",
	       atomic_load(&nsignals) > 10);
}

static void longsleeper(void *arg)
{
	(void)arg;
	checkedsleep(200 * MS);
	gort_wg_done(&wg);
}

static void shrink_test(void)
{
	/* Spread sleepers over every P, then take all Ps but one away. */
	int old = gort_gomaxprocs(4);
	gort_wg_add(&wg, 400);
	for (int i = 0; i < 400; i++) {
		go(longsleeper, 0);
		if (i % 50 == 0)
			gort_sleep(1 * MS);
	}
	gort_sleep(20 * MS);
	gort_gomaxprocs(1);
	gort_wg_wait(&wg);
	gort_gomaxprocs(old);
	printf("shrink: all woke, early=%d\n", atomic_load(&early));
}

static void blockforever(void *arg)
{
	gort_chan *c = arg;
	gort_chan_recv(c, 0);
}

static void deadlock_test(void)
{
	gort_chan *c = gort_chan_make(0, 0);
	for (int i = 0; i < 4; i++)
		go(blockforever, c);
	checkedsleep(100 * MS);
	printf("slept beside blocked goroutines, early=%d\n", atomic_load(&early));
	fflush(stdout);
	/* Now nothing can wake anybody: Go's deadlock. */
	gort_chan_recv(c, 0);
}

static void *threadmain(void *arg)
{
	(void)arg;
	int64_t t0 = gort_nanotime();
	gort_sleep(50 * MS);
	return (void *)(long)(gort_nanotime() - t0 >= 50 * MS);
}

static void thread_test(void)
{
	pthread_t t;
	void *full;
	pthread_create(&t, 0, threadmain, 0);
	checkedsleep(10 * MS);
	pthread_join(t, &full);
	printf("thread sleep full=%ld early=%d\n", (long)full, atomic_load(&early));
}

static _Atomic int bigreturned;

static void bigsleep(void *arg)
{
	(void)arg;
	gort_sleep(INT64_MAX);
	printf("big sleep returned\n");
	atomic_fetch_add(&bigreturned, 1);
}

static void bigselect(void *arg)
{
	gort_case c = { .chan = arg, .dir = GORT_RECV };
	int k = gort_select(&c, 1, INT64_MAX);
	printf("big select timeout fired (%d)\n", k);
	atomic_fetch_add(&bigreturned, 1);
}

static void overflow_test(void)
{
	gort_chan *never = gort_chan_make(1, 0);
	go(bigsleep, NULL);
	go(bigselect, never);
	go(bigselect, NULL);
	int64_t t0 = gort_nanotime();
	gort_case c = { .chan = never, .dir = GORT_RECV };
	int k = gort_select(&c, 1, 25 * MS);
	int64_t el = gort_nanotime() - t0;
	/* The others had 25 ms to return wrongly; give them a little more. */
	gort_sleep(25 * MS);
	printf("overflow: select=%d waited>=25ms: %d, big ones returned: %d\n", k, el >= 25 * MS,
	       atomic_load(&bigreturned));
}

static _Atomic int stwdone;

static void stopper(void *arg)
{
	(void)arg;
	for (int i = 0; i < 100; i++)
		gort_gomaxprocs(i % 2 ? 4 : 3);
	atomic_store(&stwdone, 1);
}

static void zero_test(void)
{
	int prev = gort_gomaxprocs(4);
	go(stopper, NULL);
	for (int i = 0; i < 100; i++) {
		gort_sleep(0);
		gort_chan *tmp = gort_chan_make(sizeof(bool), 1);
		bool t = true;
		gort_chan_send(tmp, &t);
		gort_chan_recv(tmp, &t);
		gort_chan_free(tmp);
	}
	while (!atomic_load(&stwdone))
		gort_sleep(MS);
	gort_gomaxprocs(prev);
	printf("zero: done\n");
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "order";
	if (!strcmp(mode, "order"))
		order_test();
	else if (!strcmp(mode, "early"))
		early_test();
	else if (!strcmp(mode, "signal"))
		signal_test();
	else if (!strcmp(mode, "shrink"))
		shrink_test();
	else if (!strcmp(mode, "deadlock"))
		deadlock_test();
	else if (!strcmp(mode, "thread"))
		thread_test();
	else if (!strcmp(mode, "overflow"))
		overflow_test();
	else if (!strcmp(mode, "zero"))
		zero_test();
	else
		return 1;
	return 0;
}
