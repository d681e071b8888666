/* spawn: start 1,000,000 goroutines that do nothing but signal a wait
   group, and wait for all of them. Measures goroutine creation, first
   schedule and exit. Twin of bench/go/spawn.go. */
#include <gort.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

static gort_waitgroup wg = GORT_WAITGROUP_INIT;

static void work(void *arg)
{
	(void)arg;
	gort_wg_done(&wg);
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 1000000;
	int64_t start = gort_nanotime();
	gort_wg_add(&wg, n);
	for (int i = 0; i < n; i++) {
		if (go(work, NULL) < 0) {
			perror("go");
			return 1;
		}
	}
	gort_wg_wait(&wg);
	int64_t el = gort_nanotime() - start;
	printf("spawn: goroutines=%d check=%d time_ns=%" PRId64 "\n", n, n, el);
	return 0;
}
