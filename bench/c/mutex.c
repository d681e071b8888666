/* mutex: 8 goroutines share one gort_mutex and take it 1,000,000 times in
   all, each time incrementing a shared counter. Twin of bench/go/mutex.go. */
#include <gort.h>
#include <inttypes.h>
#include <stdio.h>

enum { WORKERS = 8, TOTAL = 1000000 };

static gort_mutex mu = GORT_MUTEX_INIT;
static gort_waitgroup wg = GORT_WAITGROUP_INIT;
static long counter; /* guarded by mu */

static void worker(void *arg)
{
	(void)arg;
	for (int i = 0; i < TOTAL / WORKERS; i++) {
		gort_mutex_lock(&mu);
		counter++;
		gort_mutex_unlock(&mu);
	}
	gort_wg_done(&wg);
}

int main(void)
{
	int64_t start = gort_nanotime();
	gort_wg_add(&wg, WORKERS);
	for (int w = 0; w < WORKERS; w++)
		go(worker, NULL);
	gort_wg_wait(&wg);
	int64_t el = gort_nanotime() - start;
	printf("mutex: gomaxprocs=%d check=%ld time_ns=%" PRId64 "\n",
	       gort_gomaxprocs(0), counter, el);
	return 0;
}
