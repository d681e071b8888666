/* The floating-point rounding mode (the x87 control word and MXCSR) belongs
   to the goroutine: it survives yields, blocking on channels and moves
   between Ms, and a new goroutine starts with the default. */
#include <fenv.h>
#include <gort.h>
#include <stdatomic.h>
#include <stdio.h>

enum { N = 8, ROUNDS = 2000 };
static const int modes[] = { FE_TONEAREST, FE_UPWARD, FE_DOWNWARD, FE_TOWARDZERO };
static _Atomic int bad, done, childbad;
static gort_chan *relay;

/* 1/3 rounded by the current mode, in SSE (double) and x87 (long double):
   the two differ between upward and downward rounding. */
static int direction(void)
{
	volatile double one = 1.0, three = 3.0;
	volatile long double lone = 1.0L, lthree = 3.0L;
	double d = one / three;
	long double ld = lone / lthree;
	volatile double dneg = -one / three;
	return (d > 0.33333333333333331 ? 1 : 0) + (ld > 0.333333333333333333342L ? 2 : 0) +
	       (dneg < -0.33333333333333331 ? 4 : 0);
}

static void child(void *arg)
{
	(void)arg;
	if (fegetround() != FE_TONEAREST)
		atomic_fetch_add(&childbad, 1);
}

static void worker(void *arg)
{
	int mode = modes[(long)arg % 4];
	fesetround(mode);
	int want = direction();
	for (int r = 0; r < ROUNDS; r++) {
		if (r % 2)
			gort_yield();
		else {
			long v = r;
			gort_chan_send(relay, &v);   /* parks until the drain takes it */
		}
		if (fegetround() != mode || direction() != want)
			atomic_fetch_add(&bad, 1);
		if (r == ROUNDS / 2)
			go(child, 0);
	}
	atomic_fetch_add(&done, 1);
}

static void drain(void *arg)
{
	(void)arg;
	long v;
	fesetround(FE_UPWARD);   /* the drain's own mode must not leak */
	while (gort_chan_recv(relay, &v))
		;
}

int main(void)
{
	relay = gort_chan_make(sizeof(long), 0);
	go(drain, 0);
	for (long i = 0; i < N; i++)
		go(worker, (void *)i);
	while (atomic_load(&done) < N)
		gort_yield();
	gort_chan_close(relay);
	printf("bad=%d childbad=%d main mode kept=%d\n", atomic_load(&bad), atomic_load(&childbad),
	       fegetround() == FE_TONEAREST);
	return atomic_load(&bad) != 0 || atomic_load(&childbad) != 0;
}
