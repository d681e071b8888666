/* Go's fatal errors through <gort.h> alone, one per argument: deadlock,
   a panic, a stack overflow, an unlock of an unlocked mutex, main's
   Goexit, and main's return status; and "spin": a goroutine that never
   yields, at GOMAXPROCS=1, must be preempted (SIGURG) for main to
   finish. Runs in both modes (bare.h). */
#include "bare.h"

static void blocked(void *arg)
{
	gort_chan_recv(arg, NULL);
}

static volatile int forever = 1;

static int recurse(int n)
{
	volatile char pad[512];
	pad[0] = (char)n;
	return forever ? recurse(n + 1) + pad[0] : 0;
}

static void deep(void *arg)
{
	(void)arg;
	gort_printf("result %d\n", recurse(0));
}

static volatile long spins;

static void spin(void *arg)
{
	(void)arg;
	for (;;)
		spins++;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return 1;
	gort_printf("before\n");
	if (streq(argv[1], "deadlock")) {
		gort_chan *c = mkchan(0, 0);
		start(blocked, c);
		gort_chan_recv(c, NULL);
	} else if (streq(argv[1], "panic")) {
		gort_chan *c = mkchan(0, 0);
		gort_chan_close(c);
		gort_chan_close(c);
	} else if (streq(argv[1], "overflow")) {
		start(deep, 0);
		for (;;)
			gort_yield();
	} else if (streq(argv[1], "unlock")) {
		static gort_mutex mu;
		gort_mutex_unlock(&mu);
	} else if (streq(argv[1], "goexit")) {
		gort_goexit();
	} else if (streq(argv[1], "spin")) {
		start(spin, 0);
		while (spins == 0)
			gort_yield();
		/* The spinner now holds the only P until preempted. */
		gort_sleep(20000000);
		gort_printf("main returns\n");
		return 0;
	} else if (streq(argv[1], "status")) {
		return 3;
	}
	gort_printf("not reached\n");
	return 0;
}
