/*
 * io_sleep.c: sleep, usleep, nanosleep and clock_nanosleep park only the
 * calling goroutine, sleep at least as long as asked, and a program whose
 * goroutines all sleep uses (next to) no CPU.
 */
#include <errno.h>
#include <gort.h>
#include <stdatomic.h>
#include <stdio.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

enum { N = 1000 };

static atomic_int asleep, woke;
static atomic_long ticks;
static atomic_int stop;

static int64_t now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static double cpu(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static void sleeper(void *arg)
{
	long i = (long)arg;
	atomic_fetch_add(&asleep, 1);
	switch (i % 4) {
	case 0:
		sleep(1);
		break;
	case 1:
		usleep(1000000);
		break;
	case 2:
		nanosleep(&(struct timespec){ 1, 0 }, 0);
		break;
	default:
		clock_nanosleep(CLOCK_MONOTONIC, 0, &(struct timespec){ 1, 0 }, 0);
	}
	atomic_fetch_add(&woke, 1);
}

static void ticker(void *arg)
{
	(void)arg;
	while (!atomic_load(&stop)) {
		atomic_fetch_add(&ticks, 1);
		gort_yield();
	}
}

int main(void)
{
	/* A goroutine in usleep does not hold the P: with GOMAXPROCS=1 the
	   ticker runs meanwhile. */
	go(ticker, 0);
	int64_t t0 = now();
	int r = usleep(30000);
	int64_t dt = now() - t0;
	long t = atomic_load(&ticks);
	atomic_store(&stop, 1);
	printf("usleep 30ms: r=%d slept>=30ms %d others ran %d\n", r, dt >= 30000000, t > 0);

	t0 = now();
	unsigned left = sleep(0);
	struct timespec rem = { 7, 7 };
	r = nanosleep(&(struct timespec){ 0, 2000000 }, &rem);
	printf("sleep(0)=%u nanosleep 2ms r=%d rem untouched %d slept %d\n", left, r, rem.tv_sec == 7,
	       now() - t0 >= 2000000);
	errno = 0;
	r = nanosleep(&(struct timespec){ 0, 1000000000 }, 0);
	printf("nanosleep bad tv_nsec: %d %s\n", r, errno == EINVAL ? "EINVAL" : "?");
	r = clock_nanosleep(CLOCK_MONOTONIC, 0, &(struct timespec){ -1, 0 }, 0);
	printf("clock_nanosleep negative: %s\n", r == EINVAL ? "EINVAL" : "?");
	r = clock_nanosleep(CLOCK_THREAD_CPUTIME_ID, 0, &(struct timespec){ 0, 1 }, 0);
	printf("clock_nanosleep thread CPU clock: %s\n", r == EINVAL ? "EINVAL" : "?");
	struct timespec dl;
	clock_gettime(CLOCK_REALTIME, &dl);
	dl.tv_nsec += 20000000;
	if (dl.tv_nsec >= 1000000000) {
		dl.tv_sec++;
		dl.tv_nsec -= 1000000000;
	}
	r = clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &dl, 0);
	struct timespec after;
	clock_gettime(CLOCK_REALTIME, &after);
	printf("clock_nanosleep TIMER_ABSTIME: r=%d not early %d\n", r,
	       after.tv_sec > dl.tv_sec || (after.tv_sec == dl.tv_sec && after.tv_nsec >= dl.tv_nsec));

	/* N goroutines asleep for a second: the process idles. */
	for (long i = 0; i < N; i++)
		go(sleeper, (void *)i);
	while (atomic_load(&asleep) < N)
		usleep(1000);
	/* Half a second in which every goroutine sleeps, main included. */
	double c0 = cpu();
	t0 = now();
	usleep(500000);
	double wall = (now() - t0) / 1e9, used = cpu() - c0;
	/* Generous: a loaded machine charges the odd wake-up. */
	printf("cpu while all asleep: %s (%.3fs in %.3fs)\n", used < 0.1 ? "low" : "HIGH", used, wall);
	while (atomic_load(&woke) < N)
		usleep(5000);
	printf("%d sleepers woke\n", N);
	return 0;
}
