/* Go 1.19's TestMultiConsumer: 23 workers range over a work queue, some
   yielding to upset its FIFO-ish order, and forward to a results channel;
   the feeder closes the queue, waits for the workers, closes the results.
   Every value arrives exactly once. Also Go's TestChanSendInterface: sends
   of pointers through select with a default, on a full channel. */
#include <gort.h>
#include <stdio.h>
#include <stdlib.h>

enum { NWORK = 23, NITER = 271828 };
static const int pn[] = { 2, 3, 7, 11, 13, 17, 19, 23, 27, 31 };
#define NPN (int)(sizeof pn / sizeof *pn)

static gort_chan *q, *r, *wg;
static long expect;

static void worker(void *arg)
{
	int w = (int)(long)arg, v;
	while (gort_chan_recv(q, &v)) {
		if (pn[w % NPN] == v)
			gort_yield();
		gort_chan_send(r, &v);
	}
	gort_chan_send(wg, NULL);
}

static void feeder(void *arg)
{
	(void)arg;
	for (int i = 0; i < NITER; i++) {
		int v = pn[i % NPN];
		expect += v;
		gort_chan_send(q, &v);
	}
	gort_chan_close(q);
	for (int i = 0; i < NWORK; i++)
		gort_chan_recv(wg, NULL);
	gort_chan_close(r);
}

struct mt {
	int x;
};

int main(void)
{
	q = gort_chan_make(sizeof(int), NWORK * 3);
	r = gort_chan_make(sizeof(int), NWORK * 3);
	wg = gort_chan_make(0, 0);
	for (long i = 0; i < NWORK; i++)
		go(worker, (void *)i);
	go(feeder, 0);
	long n = 0, s = 0;
	int v;
	while (gort_chan_recv(r, &v)) {
		n++;
		s += v;
	}
	if (n != NITER || s != expect) {
		printf("FAIL: expected sum %ld (got %ld) from %d iter (saw %ld)\n", expect, s, NITER, n);
		return 1;
	}
	gort_chan_free(q);
	gort_chan_free(r);
	gort_chan_free(wg);
	printf("MultiConsumer ok\n");

	/* TestChanSendInterface */
	struct mt m0 = { 1 }, m1 = { 2 }, *m = &m0, *other = &m1;
	gort_chan *c = gort_chan_make(sizeof(struct mt *), 1);
	gort_chan_send(c, &m);
	gort_case one = { .chan = c, .dir = GORT_SEND, .elem = &m };
	if (gort_select(&one, 1, 0) != -1)
		return printf("FAIL: send to full channel\n"), 1;
	gort_case two[2] = { { .chan = c, .dir = GORT_SEND, .elem = &m },
	                     { .chan = c, .dir = GORT_SEND, .elem = &other } };
	if (gort_select(two, 2, 0) != -1)
		return printf("FAIL: send to full channel\n"), 1;
	struct mt *got = NULL;
	if (!gort_chan_recv(c, &got) || got != &m0)
		return printf("FAIL: pointer changed\n"), 1;
	gort_chan_free(c);
	printf("ChanSendInterface ok\n");
	return 0;
}
