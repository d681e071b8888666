/* yield: two goroutines each call gort_yield 1,000,000 times. Run with
   GOMAXPROCS=1, every yield is a switch to the other goroutine. Twin of
   bench/go/yield.go. */
#include <gort.h>
#include <inttypes.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

static gort_waitgroup wg = GORT_WAITGROUP_INIT;
static _Atomic int64_t yields;
static int n = 1000000;

static void yielder(void *arg)
{
	(void)arg;
	for (int i = 0; i < n; i++)
		gort_yield();
	atomic_fetch_add(&yields, n);
	gort_wg_done(&wg);
}

int main(int argc, char **argv)
{
	if (argc > 1)
		n = atoi(argv[1]);
	int64_t start = gort_nanotime();
	gort_wg_add(&wg, 2);
	for (int g = 0; g < 2; g++)
		go(yielder, NULL);
	gort_wg_wait(&wg);
	int64_t el = gort_nanotime() - start;
	printf("yield: gomaxprocs=%d check=%" PRId64 " time_ns=%" PRId64 "\n",
	       gort_gomaxprocs(0), atomic_load(&yields), el);
	return 0;
}
