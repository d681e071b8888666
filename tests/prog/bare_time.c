/* Timers through <gort.h> alone: sleepers wake in the order of their
   deadlines and never early, gort_nanotime never goes back, and a sleep
   parks only its goroutine. Runs in both modes (bare.h). */
#include "bare.h"

static gort_chan *woke;
static _Atomic int early;
static int64_t t0;

/* Sleeper id sleeps until id * 20 ms after t0: one start time for all,
   so that a sleeper that starts late still wakes in its place. */
static void sleeper(void *arg)
{
	int id = (int)(intptr_t)arg;
	int64_t deadline = t0 + (int64_t)id * 20000000;
	gort_sleep(deadline - gort_nanotime());
	if (gort_nanotime() < deadline)
		early++;
	gort_chan_send(woke, &id);
}

static void order(void)
{
	woke = mkchan(sizeof(int), 8);
	t0 = gort_nanotime();
	/* Started in reverse, so that the order comes from the timers. */
	for (int i = 8; i >= 1; i--)
		start(sleeper, (void *)(intptr_t)i);
	gort_printf("order:");
	for (int i = 0; i < 8; i++) {
		int id;
		gort_chan_recv(woke, &id);
		gort_printf(" %d", id);
	}
	gort_printf("\nearly=%d\n", early);
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
	if (mode(argc, argv, "order"))
		order();
	if (mode(argc, argv, "monotonic"))
		monotonic();
	if (mode(argc, argv, "parks"))
		parks();
	return 0;
}
