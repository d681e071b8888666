/* pingpong: two players hit a ball back and forth over two unbuffered
 * channels. Each hit is a hand-off from one goroutine to the other, so the
 * hits alternate strictly and the output is the same on every run. When
 * the last hit is made, main closes both channels, which wakes the players
 * out of their receives and ends them.
 *
 * usage: pingpong [HITS]   (default 10) */
#include <gort.h>
#include <stdio.h>
#include <stdlib.h>

struct player {
	const char *name;
	gort_chan *in, *out;
};

static long hits;
static gort_chan *done;
static gort_waitgroup players = GORT_WAITGROUP_INIT;

static void play(void *arg)
{
	struct player *p = arg;
	long n;
	while (gort_chan_recv(p->in, &n)) {
		n++;
		printf("%s %ld\n", p->name, n);
		gort_chan_send(n == hits ? done : p->out, &n);
	}
	gort_wg_done(&players);
}

int main(int argc, char **argv)
{
	hits = argc > 1 ? atol(argv[1]) : 10;
	gort_chan *a = gort_chan_make(sizeof(long), 0);
	gort_chan *b = gort_chan_make(sizeof(long), 0);
	done = gort_chan_make(sizeof(long), 0);
	if (!a || !b || !done) {
		perror("gort_chan_make");
		return 1;
	}
	struct player ping = {"ping", a, b}, pong = {"pong", b, a};
	gort_wg_add(&players, 2);
	go(play, &ping);
	go(play, &pong);

	long n = 0;
	if (hits > 0) {
		gort_chan_send(a, &n);
		gort_chan_recv(done, &n);
	}
	gort_chan_close(a);
	gort_chan_close(b);
	gort_wg_wait(&players);
	gort_chan_free(a);
	gort_chan_free(b);
	gort_chan_free(done);
	printf("game over after %ld hits\n", n);
	return 0;
}
