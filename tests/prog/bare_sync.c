/* gort_mutex and gort_waitgroup through <gort.h> alone: mutual exclusion
   of a counter among goroutines that yield inside the critical section,
   trylock, a wait group released by many goroutines and reused. Runs in
   both modes (bare.h). */
#include "bare.h"

enum { WORKERS = 8, ROUNDS = 20000 };

static gort_mutex mu = GORT_MUTEX_INIT;
static gort_waitgroup wg = GORT_WAITGROUP_INIT;
static long counter;
static int inside, overlap;

static void worker(void *arg)
{
	(void)arg;
	for (int i = 0; i < ROUNDS; i++) {
		gort_mutex_lock(&mu);
		if (__atomic_add_fetch(&inside, 1, __ATOMIC_SEQ_CST) != 1)
			overlap++;
		long c = counter;
		if (i % 100 == 0)
			gort_yield();
		counter = c + 1;
		__atomic_sub_fetch(&inside, 1, __ATOMIC_SEQ_CST);
		gort_mutex_unlock(&mu);
	}
	gort_wg_done(&wg);
}

static void mutex(void)
{
	gort_wg_add(&wg, WORKERS);
	for (int i = 0; i < WORKERS; i++)
		start(worker, 0);
	gort_wg_wait(&wg);
	gort_printf("mutex: counter=%ld overlap=%d state=%d\n", counter, overlap, mu.state);
	bool a = gort_mutex_trylock(&mu);
	bool b = gort_mutex_trylock(&mu);
	gort_mutex_unlock(&mu);
	gort_printf("trylock: free=%d held=%d\n", a, b);
}

static long done_count;

static void doner(void *arg)
{
	gort_waitgroup *w = arg;
	__atomic_add_fetch(&done_count, 1, __ATOMIC_SEQ_CST);
	gort_wg_done(w);
}

static void waitgroup(void)
{
	static gort_waitgroup w;
	for (int round = 0; round < 3; round++) {
		gort_wg_add(&w, 100);
		for (int i = 0; i < 100; i++)
			start(doner, &w);
		gort_wg_wait(&w);
	}
	gort_printf("waitgroup: %ld done in 3 rounds, state=%llu\n", done_count, (unsigned long long)w.state);
}

int main(int argc, char **argv)
{
	if (mode(argc, argv, "mutex"))
		mutex();
	if (mode(argc, argv, "waitgroup"))
		waitgroup();
	return 0;
}
