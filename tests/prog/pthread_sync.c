/*
 * pthread_sync.c: pthread barriers, pthread_once and spin locks used by
 * goroutines (libc-shim/pthread_sync.c, lock.c). With musl's own code each
 * of these hung once the waiters took every P: the goroutines they waited
 * for could not run. One scenario per argv[1]:
 *   barrier   4 goroutines, 300 cycles of one barrier: nobody leaves a
 *             cycle before all have arrived, one serial return per cycle
 *   threads   the same with 4 threads of the program's own
 *   destroy   a fresh heap barrier per cycle, destroyed and freed by the
 *             serial waiter as soon as its wait returns
 *   once      3 goroutines call pthread_once while the init function
 *             sleeps; it runs once and everyone sees its result
 *   spin      3 goroutines share a spin lock whose holder may be
 *             preempted inside its critical section
 *   yield     main waits for goroutines by spinning on sched_yield and
 *             thrd_yield (libc-shim/yield.c: they let the goroutines of
 *             the P run; a round took seconds at GOMAXPROCS=1 before)
 *   futex     main waits for goroutines on a futex of its own, through
 *             syscall() (libc-shim/syscall_cp.c: the P is given away)
 *   cond      2 goroutines take turns through a pthread mutex and
 *             condition variable (their futex waits give the P away at
 *             once, libc-shim/syscall_cp.c, where they used to wait for
 *             sysmon to take it: a turn took up to a sysmon tick)
 */
#include <gort.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <threads.h>
#include <unistd.h>
#include <linux/futex.h>

enum { NW = 4, CYCLES = 300, SPINS = 100000, TURNS = 2000 };

/* A wrong count fails the run (exit status 1), not only its output:
   make soak reads only the status. */
static int failed;

static pthread_barrier_t bar;
static atomic_int arrived[CYCLES], serials, early;
static gort_waitgroup wg = GORT_WAITGROUP_INIT;

/* One participant: count ourselves into each cycle, and check after the
   barrier that all the others did too. */
static void cycles(void)
{
	for (int c = 0; c < CYCLES; c++) {
		atomic_fetch_add(&arrived[c], 1);
		if (pthread_barrier_wait(&bar) == PTHREAD_BARRIER_SERIAL_THREAD)
			atomic_fetch_add(&serials, 1);
		if (atomic_load(&arrived[c]) != NW)
			atomic_fetch_add(&early, 1);
	}
}

static void gcycles(void *arg)
{
	(void)arg;
	cycles();
	gort_wg_done(&wg);
}

static void *tcycles(void *arg)
{
	(void)arg;
	cycles();
	return 0;
}

static void barrier(bool threads)
{
	pthread_barrier_init(&bar, 0, NW);
	pthread_t t[NW];
	gort_wg_add(&wg, NW);
	for (int i = 0; i < NW; i++) {
		if (threads)
			pthread_create(&t[i], 0, tcycles, 0);
		else
			go(gcycles, 0);
	}
	if (threads)
		for (int i = 0; i < NW; i++)
			pthread_join(t[i], 0), gort_wg_done(&wg);
	gort_wg_wait(&wg);
	pthread_barrier_destroy(&bar);
	printf("%s: %d cycles, %d serial returns, %d left early\n", threads ? "threads" : "barrier", CYCLES,
	       atomic_load(&serials), atomic_load(&early));
	failed = atomic_load(&serials) != CYCLES || atomic_load(&early) != 0;
}

static pthread_barrier_t *volatile cur;
static gort_chan *next;

static void destroyer(void *arg)
{
	(void)arg;
	for (int c = 0; c < CYCLES; c++) {
		pthread_barrier_t *b;
		gort_chan_recv(next, &b);
		if (pthread_barrier_wait(b) == PTHREAD_BARRIER_SERIAL_THREAD) {
			atomic_fetch_add(&serials, 1);
			pthread_barrier_destroy(b);
			memset(b, 0xa5, sizeof *b);
			free(b);
		}
	}
	gort_wg_done(&wg);
}

static void destroy(void)
{
	next = gort_chan_make(sizeof(pthread_barrier_t *), NW);
	gort_wg_add(&wg, NW);
	for (int i = 0; i < NW; i++)
		go(destroyer, 0);
	for (int c = 0; c < CYCLES; c++) {
		pthread_barrier_t *b = malloc(sizeof *b);
		pthread_barrier_init(b, 0, NW);
		for (int i = 0; i < NW; i++)
			gort_chan_send(next, &b);
	}
	gort_wg_wait(&wg);
	printf("destroy: %d barriers, %d serial returns\n", CYCLES, atomic_load(&serials));
	failed = atomic_load(&serials) != CYCLES;
}

static pthread_once_t once = PTHREAD_ONCE_INIT;
static atomic_int inits, sawinit;
static int initval;

static void init(void)
{
	gort_sleep(20 * 1000000);
	atomic_fetch_add(&inits, 1);
	initval = 42;
}

static void oncer(void *arg)
{
	(void)arg;
	pthread_once(&once, init);
	if (initval == 42)
		atomic_fetch_add(&sawinit, 1);
	gort_wg_done(&wg);
}

static pthread_spinlock_t sl;
static long counter;

static void spinner(void *arg)
{
	(void)arg;
	for (int i = 0; i < SPINS; i++) {
		pthread_spin_lock(&sl);
		/* Long enough for preemption to land in here now and then. */
		for (volatile int k = 0; k < 50; k++)
			;
		counter++;
		pthread_spin_unlock(&sl);
	}
	gort_wg_done(&wg);
}

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int turn, turns[2];

static void player(void *arg)
{
	int me = (int)(intptr_t)arg;
	for (int i = 0; i < TURNS; i++) {
		pthread_mutex_lock(&mu);
		while (turn != me)
			pthread_cond_wait(&cv, &mu);
		turns[me]++;
		turn = !me;
		pthread_cond_signal(&cv);
		pthread_mutex_unlock(&mu);
	}
	gort_wg_done(&wg);
}

static atomic_int flag;

static void raise_flag(void *arg)
{
	(void)arg;
	atomic_store(&flag, 1);
}

static void yields(void)
{
	int rounds = 0;
	for (int i = 0; i < 50; i++) {
		atomic_store(&flag, 0);
		go(raise_flag, 0);
		while (!atomic_load(&flag)) {
			if (i % 2)
				thrd_yield();
			else
				sched_yield();
		}
		rounds++;
	}
	printf("yield: %d rounds\n", rounds);
}

static _Atomic int word;

static void wake_word(void *arg)
{
	(void)arg;
	atomic_store(&word, 1);
	syscall(SYS_futex, &word, FUTEX_WAKE_PRIVATE, 1, 0, 0, 0);
}

static void futexes(void)
{
	int rounds = 0;
	for (int i = 0; i < 50; i++) {
		atomic_store(&word, 0);
		go(wake_word, 0);
		while (atomic_load(&word) == 0)
			syscall(SYS_futex, &word, FUTEX_WAIT_PRIVATE, 0, 0, 0, 0);
		rounds++;
	}
	printf("futex: %d rounds\n", rounds);
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "barrier";
	if (!strcmp(mode, "barrier") || !strcmp(mode, "threads")) {
		barrier(!strcmp(mode, "threads"));
	} else if (!strcmp(mode, "destroy")) {
		destroy();
	} else if (!strcmp(mode, "once")) {
		gort_wg_add(&wg, 3);
		for (int i = 0; i < 3; i++)
			go(oncer, 0);
		gort_wg_wait(&wg);
		printf("once: %d init, seen by %d of 3\n", atomic_load(&inits), atomic_load(&sawinit));
		failed = atomic_load(&inits) != 1 || atomic_load(&sawinit) != 3;
	} else if (!strcmp(mode, "spin")) {
		pthread_spin_init(&sl, 0);
		gort_wg_add(&wg, 3);
		for (int i = 0; i < 3; i++)
			go(spinner, 0);
		gort_wg_wait(&wg);
		printf("spin: %ld of %d\n", counter, 3 * SPINS);
		failed = counter != 3 * SPINS;
	} else if (!strcmp(mode, "yield")) {
		yields();
	} else if (!strcmp(mode, "futex")) {
		futexes();
	} else if (!strcmp(mode, "cond")) {
		gort_wg_add(&wg, 2);
		go(player, (void *)(intptr_t)0);
		go(player, (void *)(intptr_t)1);
		gort_wg_wait(&wg);
		printf("cond: %d and %d turns\n", turns[0], turns[1]);
		failed = turns[0] != TURNS || turns[1] != TURNS;
	} else {
		fprintf(stderr, "usage: pthread_sync barrier|threads|destroy|once|spin|yield|futex|cond\n");
		return 2;
	}
	return failed;
}
