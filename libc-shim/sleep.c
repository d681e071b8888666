/*
 * sleep.c: sleeping goroutines park on gort's timers (overrides musl
 * 1.2.3's src/unistd/sleep.c, usleep.c, src/time/nanosleep.c, and
 * clock_nanosleep.c, which defines __clock_nanosleep with
 * clock_nanosleep as a weak alias; thrd_sleep calls __clock_nanosleep).
 *
 * On a goroutine, a sleep on CLOCK_REALTIME, CLOCK_MONOTONIC,
 * CLOCK_BOOTTIME or CLOCK_TAI becomes gort_sleep, which parks only the
 * goroutine. Like gort_sleep it is not cut short by signals: it never
 * fails with EINTR and never writes *rem. A relative sleep is measured on
 * the monotonic clock. An absolute one (TIMER_ABSTIME) reads its clock
 * again after every wake and sleeps on until the clock has passed the
 * deadline, so it never returns early; a clock set back meanwhile is
 * only noticed at the next wake. Other clocks (the CPU-time clocks) and
 * every call off goroutines go to the kernel as in musl, a cancellation
 * point, between entersyscall and exitsyscall on goroutines.
 */
#include <errno.h>
#include <stdint.h>
#include <time.h>
#include <unistd.h>

#include <gort.h>

#include "shim.h"

static bool parks(clockid_t clk)
{
	if (!shim_curg() || mainalone())
		return false;
	switch (clk) {
	case CLOCK_REALTIME:
	case CLOCK_MONOTONIC:
	case CLOCK_BOOTTIME:
	case CLOCK_TAI:
		return true;
	}
	return false;
}

static int64_t tsns(const struct timespec *ts)
{
	if (ts->tv_sec >= INT64_MAX / 1000000000)
		return INT64_MAX;
	return (int64_t)ts->tv_sec * 1000000000 + ts->tv_nsec;
}

/* gort_sleep for ns, or longer, however the timers fire. */
static void sleepns(int64_t ns)
{
	int64_t now = gort_nanotime();
	int64_t end = ns > INT64_MAX - now ? INT64_MAX : now + ns;
	while (now < end) {
		gort_sleep(end - now);
		now = gort_nanotime();
	}
}

hidden int __clock_nanosleep(clockid_t clk, int flags, const struct timespec *req,
                             struct timespec *rem)
{
	if (clk == CLOCK_THREAD_CPUTIME_ID)
		return EINVAL;
	if (!parks(clk) || !req) {
		if (clk == CLOCK_REALTIME && !flags)
			return (int)-__syscall_cp(SYS_nanosleep, (long)req, (long)rem, 0, 0, 0, 0);
		return (int)-__syscall_cp(SYS_clock_nanosleep, clk, flags, (long)req, (long)rem, 0, 0);
	}
	if (req->tv_sec < 0 || req->tv_nsec < 0 || req->tv_nsec >= 1000000000)
		return EINVAL;
	if (!(flags & TIMER_ABSTIME)) {
		sleepns(tsns(req));
		return 0;
	}
	int64_t end = tsns(req);
	for (;;) {
		struct timespec now;
		if (clock_gettime(clk, &now) < 0)
			return EINVAL;
		int64_t n = tsns(&now);
		if (n >= end)
			return 0;
		sleepns(end - n);
	}
}

int clock_nanosleep(clockid_t, int, const struct timespec *, struct timespec *)
	__attribute__((alias("__clock_nanosleep")));

int nanosleep(const struct timespec *req, struct timespec *rem)
{
	return (int)sc_ret(-__clock_nanosleep(CLOCK_REALTIME, 0, req, rem));
}

unsigned sleep(unsigned seconds)
{
	struct timespec tv = { .tv_sec = seconds, .tv_nsec = 0 };
	if (nanosleep(&tv, &tv))
		return (unsigned)tv.tv_sec;
	return 0;
}

int usleep(unsigned useconds)
{
	struct timespec tv = {
		.tv_sec = useconds / 1000000,
		.tv_nsec = (useconds % 1000000) * 1000,
	};
	return nanosleep(&tv, &tv);
}
