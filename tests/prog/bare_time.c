/* Timers through <gort.h> alone: sleepers of different lengths all wake,
   none early (in which order is the scheduler's on a loaded machine:
   tests/prog/time_sleep.c checks it), gort_nanotime never goes back, and
   a sleep parks only its goroutine. Runs in both modes (bare.h). */
#include "bare.h"

static gort_chan *woke;
static _Atomic int early;
static int64_t t0;

/* Sleeper id sleeps until id * 10 ms after t0. */
static void sleeper(void *arg)
{
	int id = (int)(intptr_t)arg;
	int64_t deadline = t0 + (int64_t)id * 10000000;
	gort_sleep(deadline - gort_nanotime());
	if (gort_nanotime() < deadline)
		early++;
	gort_chan_send(woke, &id);
}

static void sleepers(void)
{
	woke = mkchan(sizeof(int), 8);
	t0 = gort_nanotime();
	for (int i = 8; i >= 1; i--)
		start(sleeper, (void *)(intptr_t)i);
	int seen = 0;
	for (int i = 0; i < 8; i++) {
		int id;
		gort_chan_recv(woke, &id);
		seen |= 1 << id;
	}
	gort_printf("sleepers: all woke=%d early=%d\n", seen == 0x1fe, early);
}

static void monotonic(void)
{
	int back = 0;
	int64_t last = gort_nanotime();
	for (int i = 0; i < 100000; i++) {
		int64_t now = gort_nanotime();
		back += now < last;
		last = now;
	}
	gort_sleep(0);
	gort_sleep(-1);
	gort_printf("monotonic: back=%d\n", back);
}

static _Atomic int spins;
static _Atomic bool stop;

static void spinner(void *arg)
{
	(void)arg;
	while (!stop) {
		spins++;
		gort_yield();
	}
}

/* With one P, the goroutine that sleeps gives it to the other. */
static void parks(void)
{
	start(spinner, 0);
	gort_sleep(50000000);
	stop = true;
	gort_printf("parks: others ran during the sleep: %d\n", spins > 0);
}

int main(int argc, char **argv)
{
	if (mode(argc, argv, "sleepers"))
		sleepers();
	if (mode(argc, argv, "monotonic"))
		monotonic();
	if (mode(argc, argv, "parks"))
		parks();
	return 0;
}
