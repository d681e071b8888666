/* pingpong: a value goes back and forth between two goroutines over two
   unbuffered channels, 1,000,000 round trips. Twin of bench/go/pingpong.go. */
#include <gort.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

static gort_chan *ping, *pong;

static void ponger(void *arg)
{
	long v;
	(void)arg;
	while (gort_chan_recv(ping, &v)) {
		v++;
		gort_chan_send(pong, &v);
	}
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 1000000;
	ping = gort_chan_make(sizeof(long), 0);
	pong = gort_chan_make(sizeof(long), 0);
	if (!ping || !pong) {
		perror("gort_chan_make");
		return 1;
	}
	go(ponger, NULL);
	int64_t start = gort_nanotime();
	long v = 0;
	for (int i = 0; i < n; i++) {
		gort_chan_send(ping, &v);
		gort_chan_recv(pong, &v);
	}
	int64_t el = gort_nanotime() - start;
	gort_chan_close(ping);
	printf("pingpong: gomaxprocs=%d check=%ld time_ns=%" PRId64 "\n",
	       gort_gomaxprocs(0), v, el);
	return 0;
}
