/* ring: 10,000 goroutines in a ring, each connected to the next by an
   unbuffered channel; a token is passed around for 1,000,000 hops. Twin of
   bench/go/ring.go. */
#include <gort.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

struct link {
	gort_chan *in, *out;
};

static gort_chan *done;

/* The token counts down the hops still to make; whoever receives 0 ends it. */
static void node(void *arg)
{
	struct link *l = arg;
	long t;
	while (gort_chan_recv(l->in, &t)) {
		if (t == 0) {
			gort_chan_send(done, &t);
			continue;
		}
		t--;
		gort_chan_send(l->out, &t);
	}
}

int main(int argc, char **argv)
{
	int size = 10000;
	long hops = 1000000;
	if (argc > 2) {
		size = atoi(argv[1]);
		hops = atol(argv[2]);
	}
	gort_chan **chans = malloc(size * sizeof *chans);
	struct link *links = malloc(size * sizeof *links);
	done = gort_chan_make(sizeof(long), 0);
	if (!chans || !links || !done) {
		perror("ring");
		return 1;
	}
	for (int i = 0; i < size; i++) {
		chans[i] = gort_chan_make(sizeof(long), 0);
		if (!chans[i]) {
			perror("gort_chan_make");
			return 1;
		}
	}
	int64_t start = gort_nanotime();
	for (int i = 0; i < size; i++) {
		links[i].in = chans[i];
		links[i].out = chans[(i + 1) % size];
		if (go(node, &links[i]) < 0) {
			perror("go");
			return 1;
		}
	}
	gort_chan_send(chans[0], &hops);
	long t;
	gort_chan_recv(done, &t);
	int64_t el = gort_nanotime() - start;
	printf("ring: goroutines=%d check=%ld time_ns=%" PRId64 "\n", size, hops, el);
	return 0;
}
