/* parked: 100,000 goroutines parked on one channel. The program reads its
   own resident set size (/proc/self/statm) before and after, and reports
   the growth per parked goroutine. Twin of bench/go/parked.go. */
#include <gort.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static gort_chan *block;
static gort_waitgroup started = GORT_WAITGROUP_INIT;
static gort_waitgroup finished = GORT_WAITGROUP_INIT;

/* Resident set size in bytes: the second field of statm, in pages. */
static long rss(void)
{
	long size, resident;
	FILE *f = fopen("/proc/self/statm", "r");
	if (!f || fscanf(f, "%ld %ld", &size, &resident) != 2) {
		perror("/proc/self/statm");
		exit(1);
	}
	fclose(f);
	return resident * sysconf(_SC_PAGESIZE);
}

static void parker(void *arg)
{
	(void)arg;
	gort_wg_done(&started);
	gort_chan_recv(block, NULL);
	gort_wg_done(&finished);
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 100000;
	block = gort_chan_make(0, 0);
	if (!block) {
		perror("gort_chan_make");
		return 1;
	}
	long before = rss();
	gort_wg_add(&started, n);
	gort_wg_add(&finished, n);
	for (int i = 0; i < n; i++) {
		if (go(parker, NULL) < 0) {
			perror("go");
			return 1;
		}
	}
	gort_wg_wait(&started);
	long after = rss();
	gort_chan_close(block);
	gort_wg_wait(&finished);
	printf("parked: goroutines=%d check=%d rss_before_kib=%ld rss_after_kib=%ld kib_per_g=%.2f\n",
	       n, n, before / 1024, after / 1024, (double)(after - before) / 1024 / n);
	return 0;
}
