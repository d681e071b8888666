/* Thousands of goroutines yielding on more Ps than CPUs while sysmon
   preempts: every goroutine must run on one M at a time. Built with -g like
   every test, which links the debugging runtime. */
#include <gort.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

static _Atomic int stop;
static _Atomic long rounds;

static void worker(void *arg)
{
	(void)arg;
	while (!atomic_load(&stop)) {
		atomic_fetch_add(&rounds, 1);
		gort_yield();
	}
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 3000;
	for (int i = 0; i < n; i++)
		go(worker, 0);
	int64_t end = gort_nanotime() + 300000000;
	while (gort_nanotime() < end)
		gort_yield();
	atomic_store(&stop, 1);
	while (gort_numgoroutine() > 1)
		gort_yield();
	printf("ok %d\n", atomic_load(&rounds) > n);
	return atomic_load(&rounds) <= n;   /* make soak reads only the status */
}
