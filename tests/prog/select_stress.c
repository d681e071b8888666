/* Go 1.19's TestSelectStress: on 4 channels (2 unbuffered, buffers of 2
   and 3), 4 goroutines send N values each, 4 receive N each, one sends N
   on each in a single select and one receives N from each in a single
   select, dropping (making NULL) a channel's case once it has done N. All
   interact chaotically; the whole must not deadlock nor lose a value. */
#include <gort.h>
#include <stdio.h>
#include <stdlib.h>

static gort_chan *c[4], *wg;
static int N;

static void sender(void *arg)
{
	int k = (int)(long)arg, v = k;
	for (int i = 0; i < N; i++)
		gort_chan_send(c[k], &v);
	gort_chan_send(wg, NULL);
}

static void receiver(void *arg)
{
	int k = (int)(long)arg, v;
	for (int i = 0; i < N; i++) {
		gort_chan_recv(c[k], &v);
		if (v != k) {
			printf("FAIL: channel %d carried %d\n", k, v);
			exit(1);
		}
	}
	gort_chan_send(wg, NULL);
}

static void selsender(void *arg)
{
	(void)arg;
	int n[4] = { 0 }, vals[4] = { 0, 1, 2, 3 };
	/* Go's order of cases: 3, 2, 0, 1. */
	gort_case cs[4] = {
		{ .chan = c[3], .dir = GORT_SEND, .elem = &vals[3] },
		{ .chan = c[2], .dir = GORT_SEND, .elem = &vals[2] },
		{ .chan = c[0], .dir = GORT_SEND, .elem = &vals[0] },
		{ .chan = c[1], .dir = GORT_SEND, .elem = &vals[1] },
	};
	int which[4] = { 3, 2, 0, 1 };
	for (int i = 0; i < 4 * N; i++) {
		int k = gort_select(cs, 4, -1);
		if (k < 0 || k > 3) {
			printf("FAIL: select returned %d\n", k);
			exit(1);
		}
		if (++n[which[k]] == N)
			cs[k].chan = NULL;
	}
	gort_chan_send(wg, NULL);
}

static void selreceiver(void *arg)
{
	(void)arg;
	int n[4] = { 0 }, v[4];
	gort_case cs[4];
	for (int k = 0; k < 4; k++)
		cs[k] = (gort_case){ .chan = c[k], .dir = GORT_RECV, .elem = &v[k] };
	for (int i = 0; i < 4 * N; i++) {
		int k = gort_select(cs, 4, -1);
		if (k < 0 || k > 3 || !cs[k].ok || v[k] != k) {
			printf("FAIL: select returned %d\n", k);
			exit(1);
		}
		if (++n[k] == N)
			cs[k].chan = NULL;
	}
	gort_chan_send(wg, NULL);
}

int main(int argc, char **argv)
{
	N = argc > 1 ? atoi(argv[1]) : 20000;
	c[0] = gort_chan_make(sizeof(int), 0);
	c[1] = gort_chan_make(sizeof(int), 0);
	c[2] = gort_chan_make(sizeof(int), 2);
	c[3] = gort_chan_make(sizeof(int), 3);
	wg = gort_chan_make(0, 10);
	for (long k = 0; k < 4; k++) {
		go(sender, (void *)k);
		go(receiver, (void *)k);
	}
	go(selsender, 0);
	go(selreceiver, 0);
	for (int i = 0; i < 10; i++)
		gort_chan_recv(wg, NULL);
	for (int k = 0; k < 4; k++) {
		if (gort_chan_len(c[k]) != 0) {
			printf("FAIL: channel %d left with %zu\n", k, gort_chan_len(c[k]));
			return 1;
		}
		gort_chan_free(c[k]);
	}
	printf("SelectStress ok N=%d\n", N);
	return 0;
}
