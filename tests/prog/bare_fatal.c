/* Bare mode (gortcc -nolibc): Go's fatal errors and asynchronous
   preemption with no C library. argv[1] says which:
   deadlock   every goroutine blocked: "all goroutines are asleep"
   overflow   unbounded recursion in a goroutine: the overflow message
   closed     closing a closed channel: Go's panic
   spin       a goroutine that never yields, at GOMAXPROCS=1, must be
              preempted (SIGURG) for main to finish */
#include <gort.h>

#include "bare_out.h"

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
	outint(recurse(0));
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
		return 2;
	out("before\n");
	switch (argv[1][0]) {
	case 'd': {
		gort_chan *c = gort_chan_make(0, 0);
		gort_chan_recv(c, 0);
		break;
	}
	case 'o':
		go(deep, 0);
		for (;;)
			gort_yield();
	case 'c': {
		gort_chan *c = gort_chan_make(0, 0);
		gort_chan_close(c);
		gort_chan_close(c);
		break;
	}
	case 's':
		go(spin, 0);
		while (spins == 0)
			gort_yield();
		/* The spinner now holds the only P until preempted. */
		gort_sleep(20000000);
		out("main returns\n");
		return 0;
	}
	return 1;
}
