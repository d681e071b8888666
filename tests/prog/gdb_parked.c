/*
 * gdb_parked.c: goroutines parked in a channel receive, a sleep, a
 * gort_mutex, a pipe read and a select, for gdb's `info goroutines` and
 * `goroutine N bt` (tests/progs_gdb.c). main keeps calling checkpoint(),
 * where the test's gdb stops it to look at the others; the program runs
 * until it is killed.
 */
#include <gort.h>
#include <stdio.h>
#include <unistd.h>

static gort_chan *never, *never2;
static gort_mutex mu = GORT_MUTEX_INIT;
static int p[2];

/* Each goroutine blocks in a function of its own, called from the
   goroutine's entry, so that a backtrace has a caller to show; the empty
   asm after each call keeps it a call, not a jump (no tail calls). */
#define NOTAIL() __asm__ volatile("")
static __attribute__((noinline)) void receiver(void)
{
	int v;
	gort_chan_recv(never, &v);
	NOTAIL();
}

static __attribute__((noinline)) void sleeper(void)
{
	gort_sleep(3600 * 1000000000LL);
	NOTAIL();
}

static __attribute__((noinline)) void locker(void)
{
	gort_mutex_lock(&mu);
	NOTAIL();
}

static __attribute__((noinline)) void piperead(void)
{
	char c;
	if (read(p[0], &c, 1) < 0)
		perror("read");
	NOTAIL();
}

static __attribute__((noinline)) void selector(void)
{
	int a, b;
	gort_case cs[2] = { { .chan = never, .dir = GORT_RECV, .elem = &a },
	                    { .chan = never2, .dir = GORT_RECV, .elem = &b } };
	gort_select(cs, 2, -1);
	NOTAIL();
}

static void run_receiver(void *arg)
{
	(void)arg;
	receiver();
	NOTAIL();
}

static void run_sleeper(void *arg)
{
	(void)arg;
	sleeper();
	NOTAIL();
}

static void run_locker(void *arg)
{
	(void)arg;
	locker();
	NOTAIL();
}

static void run_piperead(void *arg)
{
	(void)arg;
	piperead();
	NOTAIL();
}

static void run_selector(void *arg)
{
	(void)arg;
	selector();
	NOTAIL();
}


/* gdb's breakpoint: not inlined, and with a side effect it cannot drop. */
__attribute__((noinline)) void checkpoint(void)
{
	__asm__ volatile("" ::: "memory");
}

int main(void)
{
	if (pipe(p) < 0)
		return 1;
	never = gort_chan_make(sizeof(int), 0);
	never2 = gort_chan_make(sizeof(int), 0);
	gort_mutex_lock(&mu);
	go(run_receiver, 0);
	go(run_sleeper, 0);
	go(run_locker, 0);
	go(run_piperead, 0);
	go(run_selector, 0);
	printf("started\n");
	fflush(stdout);
	for (;;) {
		checkpoint();
		gort_sleep(1000000);
	}
}
