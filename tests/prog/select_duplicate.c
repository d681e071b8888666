/* Go 1.19's TestSelectDuplicateChannel: a goroutine queued twice on one
   channel by a select, woken through another channel, must leave that
   channel's queue intact for the next receiver. Then Go's
   TestSelectStackAdjust: receive slots that point into the selecting
   goroutine's stack, with and without duplicate cases, woken by close. */
#include <gort.h>
#include <stdio.h>
#include <stdlib.h>

static gort_chan *c, *d, *e;

static void goroutine_a(void *arg)
{
	(void)arg;
	gort_case cs[3] = { { .chan = c, .dir = GORT_RECV },
	                    { .chan = c, .dir = GORT_RECV },
	                    { .chan = d, .dir = GORT_RECV } };
	gort_select(cs, 3, -1);
	int nine = 9;
	gort_chan_send(e, &nine);
}

static void goroutine_b(void *arg)
{
	(void)arg;
	int v;
	gort_chan_recv(c, &v);
	gort_chan_send(e, &v);
}

static gort_chan *sc, *sd;
static _Atomic int failures;

static __attribute__((noinline)) long grow(int n)
{
	volatile char pad[128 * 8];
	pad[0] = (char)n;
	return n == 0 ? pad[0] : grow(n - 1) + pad[0];
}

struct sa {
	gort_chan *ready;
	bool dup;
};

static void select_stack_adjust(void *arg)
{
	struct sa *a = arg;
	grow((10 << 10) / (128 * 8));
	gort_chan_send(a->ready, NULL);
	int val = 42;
	int *cx = &val;
	gort_chan *c2 = a->dup ? sc : NULL, *d2 = a->dup ? sd : NULL;
	/* Receive from d (closed): cx is not written. */
	gort_case cs[4] = { { .chan = sc, .dir = GORT_RECV, .elem = &cx },
	                    { .chan = c2, .dir = GORT_RECV },
	                    { .chan = sd, .dir = GORT_RECV },
	                    { .chan = d2, .dir = GORT_RECV } };
	int k = gort_select(cs, 4, -1);
	if (k != 2 && k != 3)
		failures++;
	if (cx != &val)
		failures++;
	else if (val != 42)
		failures++;
	else {
		*cx = 43;
		if (val != 43)
			failures++;
	}
	gort_chan_send(a->ready, NULL);
}

int main(void)
{
	c = gort_chan_make(sizeof(int), 0);
	d = gort_chan_make(sizeof(int), 0);
	e = gort_chan_make(sizeof(int), 0);
	go(goroutine_a, 0);
	gort_sleep(1000000); /* make sure goroutine A gets queued first on c */
	go(goroutine_b, 0);
	gort_sleep(1000000); /* make sure goroutine B gets queued on c */
	int seven = 7, eight = 8, v;
	gort_chan_send(d, &seven); /* wake A; it dequeues itself from c */
	gort_chan_recv(e, &v);     /* A is done */
	if (v != 9)
		return printf("FAIL: A sent %d\n", v), 1;
	gort_chan_send(c, &eight); /* wake B; fails if c's queue was corrupted */
	gort_chan_recv(e, &v);
	if (v != 8)
		return printf("FAIL: B got %d\n", v), 1;
	printf("SelectDuplicateChannel ok\n");

	sc = gort_chan_make(sizeof(int *), 0);
	sd = gort_chan_make(sizeof(int *), 0);
	struct sa a1 = { gort_chan_make(0, 0), false }, a2 = { gort_chan_make(0, 0), true };
	go(select_stack_adjust, &a1);
	go(select_stack_adjust, &a2);
	gort_chan_recv(a1.ready, NULL);
	gort_chan_recv(a2.ready, NULL);
	gort_sleep(10000000);
	gort_chan_close(sd);
	gort_chan_recv(a1.ready, NULL);
	gort_chan_recv(a2.ready, NULL);
	if (failures)
		return printf("FAIL: SelectStackAdjust: %d failures\n", failures), 1;
	printf("SelectStackAdjust ok\n");
	return 0;
}
