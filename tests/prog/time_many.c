/* 100,000 goroutines asleep at once cost no CPU: once they are all
   parked, the process's CPU time over a second of wall time stays small
   (under a fifth of it: generous, for a loaded machine), and then every
   one wakes, none early. When starting them took so long that there is
   no time left to measure before they wake, the measure is skipped and
   said so on stdout. Numbers go to stderr only on failure. */
#include <gort.h>
#include <stdatomic.h>
#include <stdio.h>
#include <sys/resource.h>

#define MS 1000000LL
#define N 100000

static gort_waitgroup started = GORT_WAITGROUP_INIT;
static gort_waitgroup done = GORT_WAITGROUP_INIT;
static int64_t deadline;
static _Atomic int early;

static void sleeper(void *arg)
{
	(void)arg;
	gort_wg_done(&started);
	int64_t ns = deadline - gort_nanotime();
	gort_sleep(ns);
	if (gort_nanotime() < deadline)
		atomic_fetch_add(&early, 1);
	gort_wg_done(&done);
}

static double cputime(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

int main(void)
{
	/* Far enough ahead for a loaded machine to start them all and still
	   measure for a while before the first wakes. */
	deadline = gort_nanotime() + 6000 * MS;
	gort_wg_add(&started, N);
	gort_wg_add(&done, N);
	for (int i = 0; i < N; i++)
		if (go(sleeper, 0) < 0) {
			printf("go failed at %d\n", i);
			return 1;
		}
	gort_wg_wait(&started);
	/* Let the last of them reach gort_sleep, then measure while all
	   sleep, stopping well before the deadline. */
	gort_sleep(200 * MS);
	int64_t window = deadline - 500 * MS - gort_nanotime();
	if (window > 1000 * MS)
		window = 1000 * MS;
	bool idle = true;
	if (window >= 250 * MS) {
		double c0 = cputime();
		int64_t w0 = gort_nanotime();
		gort_sleep(window);
		double cpu = cputime() - c0;
		double wall = (gort_nanotime() - w0) / 1e9;
		idle = cpu < 0.2 * wall;
		if (!idle)
			fprintf(stderr, "cpu %.3f s over %.3f s of wall time\n", cpu, wall);
	} else {
		printf("starting them took too long to measure\n");
	}
	gort_wg_wait(&done);
	printf("100000 sleepers: idle=%d early=%d\n", idle, atomic_load(&early));
	return 0;
}
