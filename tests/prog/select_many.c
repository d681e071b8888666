/* 10,000 goroutines blocked in one select each:
   1. on two shared channels (one of them in two cases): 10,000 sends wake
      each exactly once, and each leaves the other channel's queue;
   2. on a shared channel and a quit channel: one close wakes them all;
   3. with a timeout: they all time out, none is lost. */
#include <gort.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

enum { N = 10000 };

static gort_chan *a, *b, *quit, *results;
static _Atomic int started;

static void sel2(void *arg)
{
	(void)arg;
	long va = -1, vb = -1;
	gort_case cs[3] = { { .chan = a, .dir = GORT_RECV, .elem = &va },
	                    { .chan = b, .dir = GORT_RECV, .elem = &vb },
	                    { .chan = a, .dir = GORT_RECV, .elem = &va } };
	atomic_fetch_add(&started, 1);
	int k = gort_select(cs, 3, -1);
	long r = k == 1 ? vb : va;
	if (k < 0 || !cs[k].ok || (k == 1 ? va : vb) != -1)
		r = -1;
	gort_chan_send(results, &r);
}

static void selquit(void *arg)
{
	(void)arg;
	long v = -1;
	gort_case cs[2] = { { .chan = quit, .dir = GORT_RECV, .elem = &v },
	                    { .chan = a, .dir = GORT_RECV, .elem = &v } };
	atomic_fetch_add(&started, 1);
	int k = gort_select(cs, 2, -1);
	long r = k == 0 && !cs[0].ok && v == 0 ? 1 : -1;
	gort_chan_send(results, &r);
}

static void seltimeout(void *arg)
{
	(void)arg;
	long v = -1;
	gort_case cs[2] = { { .chan = a, .dir = GORT_RECV, .elem = &v },
	                    { .chan = b, .dir = GORT_SEND, .elem = &v } };
	atomic_fetch_add(&started, 1);
	int64_t t0 = gort_nanotime();
	int k = gort_select(cs, 2, 50 * 1000000);
	long r = k == -1 && v == -1 && gort_nanotime() - t0 >= 50 * 1000000 ? 1 : -1;
	gort_chan_send(results, &r);
}

static void spawn(void (*fn)(void *))
{
	started = 0;
	for (int i = 0; i < N; i++) {
		if (go(fn, 0) < 0) {
			printf("FAIL: go\n");
			exit(1);
		}
	}
	while (atomic_load(&started) < N)
		gort_yield();
	gort_sleep(10 * 1000000);
}

int main(void)
{
	a = gort_chan_make(sizeof(long), 0);
	b = gort_chan_make(sizeof(long), 0);
	quit = gort_chan_make(sizeof(long), 0);
	results = gort_chan_make(sizeof(long), N);

	spawn(sel2);
	for (long i = 1; i <= N; i++)
		gort_chan_send(i % 3 ? a : b, &i);
	long sum = 0, r;
	for (int i = 0; i < N; i++) {
		gort_chan_recv(results, &r);
		if (r <= 0) {
			printf("FAIL: bad select result\n");
			return 1;
		}
		sum += r;
	}
	if (sum != (long)N * (N + 1) / 2) {
		printf("FAIL: sum %ld\n", sum);
		return 1;
	}
	printf("%d selects woken by sends ok\n", N);

	spawn(selquit);
	gort_chan_close(quit);
	for (int i = 0; i < N; i++) {
		gort_chan_recv(results, &r);
		if (r != 1) {
			printf("FAIL: bad select result after close\n");
			return 1;
		}
	}
	printf("%d selects woken by close ok\n", N);

	started = 0;
	for (int i = 0; i < N; i++)
		go(seltimeout, 0);
	for (int i = 0; i < N; i++) {
		gort_chan_recv(results, &r);
		if (r != 1) {
			printf("FAIL: bad select result after timeout\n");
			return 1;
		}
	}
	printf("%d selects timed out ok\n", N);

	gort_chan_free(a);
	gort_chan_free(b);
	gort_chan_free(quit);
	gort_chan_free(results);
	return 0;
}
