/* 100,000 goroutines asleep at once cost no CPU: once they are all
   parked, the process's CPU time over a second of wall time stays small
   (under a fifth of it: generous, for a loaded machine), and then every
   one wakes, none early. When starting them took so long that there is
   no time left to measure before they wake, the round is run again with
   more time ahead. Numbers go to stderr only on failure. */
#include <gort.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
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

/* One round: N sleepers due lead ns from now. 1 idle, 0 not, -1 when
   starting them left no time to measure before they woke. */
static int sleepround(int64_t lead)
{
	deadline = gort_nanotime() + lead;
	gort_wg_add(&started, N);
	gort_wg_add(&done, N);
	for (int i = 0; i < N; i++)
		if (go(sleeper, 0) < 0) {
			printf("go failed at %d\n", i);
			exit(1);
		}
	gort_wg_wait(&started);
	/* Let the last of them reach gort_sleep, then measure while all
	   sleep, stopping well before the deadline. */
	gort_sleep(200 * MS);
	int64_t window = deadline - 500 * MS - gort_nanotime();
	if (window > 1000 * MS)
		window = 1000 * MS;
	int idle = -1;
	if (window >= 250 * MS) {
		double c0 = cputime();
		int64_t w0 = gort_nanotime();
		gort_sleep(window);
		double cpu = cputime() - c0;
		double wall = (gort_nanotime() - w0) / 1e9;
		idle = cpu < 0.2 * wall;
		if (!idle)
			fprintf(stderr, "cpu %.3f s over %.3f s of wall time\n", cpu, wall);
	}
	gort_wg_wait(&done);
	return idle;
}

int main(void)
{
	/* Far enough ahead for a loaded machine to start them all and still
	   measure for a while before the first wakes; when it was not, again
	   with twice the lead, and a failure only when three rounds could
	   not measure. */
	int idle = -1;
	for (int64_t lead = 6000 * MS; idle < 0 && lead <= 24000 * MS; lead *= 2)
		idle = sleepround(lead);
	if (idle < 0)
		printf("starting them took too long to measure, three times\n");
	printf("100000 sleepers: idle=%d early=%d\n", idle, atomic_load(&early));
	return 0;
}
