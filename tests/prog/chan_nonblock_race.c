/* Go 1.19's TestNonblockRecvRace, TestNonblockSelectRace and
   TestNonblockSelectRace2: a non-blocking receive or select acts on the
   state of its channels at one moment, so it never takes the default
   (timeout 0) branch while some case is ready all along, even while the
   channels change under it (the lock-free fast path and close). */
#include <gort.h>
#include <stdio.h>
#include <stdlib.h>

static gort_chan *done;

static void nbrecv(void *arg)
{
	gort_chan *c = arg;
	gort_case cs = { .chan = c, .dir = GORT_RECV };
	bool ready = gort_select(&cs, 1, 0) == 0;
	gort_chan_send(done, &ready);
}

static gort_chan *c1, *c2;

static void nbselect(void *arg)
{
	(void)arg;
	gort_case cs[2] = { { .chan = c1, .dir = GORT_RECV }, { .chan = c2, .dir = GORT_RECV } };
	bool ready = gort_select(cs, 2, 0) >= 0;
	gort_chan_send(done, &ready);
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 10000;
	done = gort_chan_make(sizeof(bool), 1);
	int one = 1;
	bool ready;

	for (int i = 0; i < n; i++) {
		gort_chan *c = gort_chan_make(sizeof(int), 1);
		gort_chan_send(c, &one);
		go(nbrecv, c);
		gort_chan_close(c);
		gort_chan_recv(c, NULL);
		gort_chan_recv(done, &ready);
		if (!ready) {
			printf("FAIL NonblockRecvRace: chan is not ready (iteration %d)\n", i);
			return 1;
		}
		gort_chan_free(c);
	}
	printf("NonblockRecvRace ok\n");

	for (int i = 0; i < n; i++) {
		c1 = gort_chan_make(sizeof(int), 1);
		c2 = gort_chan_make(sizeof(int), 1);
		gort_chan_send(c1, &one);
		go(nbselect, 0);
		gort_chan_send(c2, &one);
		gort_case cs = { .chan = c1, .dir = GORT_RECV };
		gort_select(&cs, 1, 0);
		gort_chan_recv(done, &ready);
		if (!ready) {
			printf("FAIL NonblockSelectRace: no chan is ready (iteration %d)\n", i);
			return 1;
		}
		gort_chan_free(c1);
		gort_chan_free(c2);
	}
	printf("NonblockSelectRace ok\n");

	for (int i = 0; i < n; i++) {
		c1 = gort_chan_make(sizeof(int), 1);
		c2 = gort_chan_make(sizeof(int), 0);
		gort_chan_send(c1, &one);
		go(nbselect, 0);
		gort_chan_close(c2);
		gort_case cs = { .chan = c1, .dir = GORT_RECV };
		gort_select(&cs, 1, 0);
		gort_chan_recv(done, &ready);
		if (!ready) {
			printf("FAIL NonblockSelectRace2: no chan is ready (iteration %d)\n", i);
			return 1;
		}
		gort_chan_free(c1);
		gort_chan_free(c2);
	}
	printf("NonblockSelectRace2 ok\n");
	return 0;
}
