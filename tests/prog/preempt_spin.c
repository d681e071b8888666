/*
 * preempt_spin.c: goroutines in tight loops (`for (;;) x++;`, no calls)
 * do not starve the others: with GOMAXPROCS=1, main and a sleeping
 * goroutine keep running and main returns, ending the process while the
 * spinners still spin. argv[1]: number of spinners (default 1).
 */
#include <gort.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static volatile unsigned long x[8];
static atomic_int started, naps;

static void spin(void *arg)
{
	long i = (long)arg;
	atomic_fetch_add(&started, 1);
	for (;;)
		x[i % 8]++;
}

static void napper(void *arg)
{
	(void)arg;
	for (int i = 0; i < 5; i++) {
		usleep(10000);
		atomic_fetch_add(&naps, 1);
	}
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 1;
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (long i = 0; i < n; i++)
		go(spin, (void *)i);
	go(napper, 0);
	/* main yields to the spinners; it only gets the P back if they are
	   preempted. */
	while (atomic_load(&started) < n)
		gort_yield();
	for (int i = 0; i < 20; i++)
		gort_yield();
	while (atomic_load(&naps) < 5)
		usleep(5000);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double s = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	/* Each nap needs a preemption of the spinners; 20 s for five is a
	   bound no loaded machine reaches while preemption works, and a third
	   of the test's time limit. */
	printf("%d spinners started, the napper napped 5 times, main returns (%s)\n", n,
	       s < 20 ? "in time" : "slowly");
	return 0;
}
