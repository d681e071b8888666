/* Unit tests of runtime/lock_futex.c: runtime mutexes and notes. */
#include <criterion/criterion.h>
#include <pthread.h>

#include "runtime.h"

static mutex mu;
static long counter;

static void *locker(void *arg)
{
	(void)arg;
	for (int i = 0; i < 200000; i++) {
		lock(&mu);
		counter++;
		unlock(&mu);
	}
	return 0;
}

Test(lock, mutual_exclusion, .timeout = 60)
{
	ncpu = 2;
	pthread_t t[4];
	for (int i = 0; i < 4; i++)
		pthread_create(&t[i], 0, locker, 0);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], 0);
	cr_assert_eq(counter, 800000);
	cr_assert_eq(atomic_load(&mu.key), 0);
}

static note n1;
static _Atomic int woke;

static void *sleeper(void *arg)
{
	(void)arg;
	notesleep(&n1);
	atomic_store(&woke, 1);
	return 0;
}

Test(note, sleep_then_wakeup)
{
	pthread_t t;
	pthread_create(&t, 0, sleeper, 0);
	usleep_(20000);
	cr_assert_eq(atomic_load(&woke), 0, "notesleep returned before notewakeup");
	notewakeup(&n1);
	pthread_join(t, 0);
	cr_assert_eq(atomic_load(&woke), 1);
	noteclear(&n1);
	cr_assert_eq(atomic_load(&n1.key), 0);
}

Test(note, wakeup_before_sleep_does_not_block)
{
	note n = { 0 };
	notewakeup(&n);
	notesleep(&n);
	cr_assert(notetsleep(&n, 0));
}

Test(note, timed_sleep_times_out)
{
	note n = { 0 };
	int64_t t0 = nanotime();
	cr_assert(!notetsleep(&n, 5000000));
	cr_assert_geq(nanotime() - t0, 5000000, "notetsleep returned early");
}
