/* Go 1.19's TestSelfSelect: two goroutines each select between sending
   and receiving on the same channel. Nothing crashes or deadlocks, and on
   an unbuffered channel no goroutine ever receives its own value (a select
   cannot pair with itself). */
#include <gort.h>
#include <stdatomic.h>
#include <stdio.h>

static gort_chan *c, *wg;
static int chanCap;
static _Atomic int selfrecv;

static void worker(void *arg)
{
	int p = (int)(long)arg;
	for (int i = 0; i < 1000; i++) {
		int v = -1;
		gort_case send = { .chan = c, .dir = GORT_SEND, .elem = &p };
		gort_case recv = { .chan = c, .dir = GORT_RECV, .elem = &v };
		gort_case cs[2];
		/* The same two cases in both orders, as in Go's test. */
		if (p == 0 || i % 2 == 0) {
			cs[0] = send;
			cs[1] = recv;
		} else {
			cs[0] = recv;
			cs[1] = send;
		}
		int k = gort_select(cs, 2, -1);
		if (cs[k].dir == GORT_RECV && chanCap == 0 && v == p) {
			atomic_store(&selfrecv, 1);
			break;
		}
	}
	gort_chan_send(wg, NULL);
}

int main(void)
{
	int caps[] = { 0, 10 };
	wg = gort_chan_make(0, 2);
	for (int t = 0; t < 2; t++) {
		chanCap = caps[t];
		c = gort_chan_make(sizeof(int), (size_t)chanCap);
		for (long p = 0; p < 2; p++)
			go(worker, (void *)p);
		gort_chan_recv(wg, NULL);
		gort_chan_recv(wg, NULL);
		if (atomic_load(&selfrecv)) {
			printf("FAIL: self receive (cap %d)\n", chanCap);
			return 1;
		}
		gort_chan_free(c);
		printf("SelfSelect cap %d ok\n", chanCap);
	}
	return 0;
}
