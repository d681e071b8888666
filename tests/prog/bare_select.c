/* Select through <gort.h> alone: default (timeout 0) with nothing ready,
   a timeout that never fires early, a random choice among ready cases,
   send cases, closed and NULL channels. Runs in both modes (bare.h). */
#include "bare.h"

static void nothing_ready(void)
{
	gort_chan *c = mkchan(sizeof(int), 0);
	int v;
	gort_case cs[] = { { .chan = c, .dir = GORT_RECV, .elem = &v }, { .chan = NULL, .dir = GORT_SEND, .elem = &v } };
	int r = gort_select(cs, 2, 0);
	int r0 = gort_select(NULL, 0, 0);
	gort_printf("default: %d %d\n", r, r0);
	gort_chan_free(c);
}

static void timeout(void)
{
	gort_chan *c = mkchan(sizeof(int), 0);
	int v, early = 0;
	gort_case cs[] = { { .chan = c, .dir = GORT_RECV, .elem = &v } };
	for (int i = 0; i < 20; i++) {
		int64_t t0 = gort_nanotime();
		int r = gort_select(cs, 1, 2000000);
		early += r != -1 || gort_nanotime() - t0 < 2000000;
	}
	gort_printf("timeout: 20 timed out, early=%d\n", early);
	gort_chan_free(c);
}

static void ready(void)
{
	gort_chan *a = mkchan(sizeof(int), 1), *b = mkchan(sizeof(int), 1);
	int counts[2] = { 0, 0 }, one = 1, v;
	for (int i = 0; i < 2000; i++) {
		gort_chan_send(a, &one);
		gort_chan_send(b, &one);
		gort_case cs[] = { { .chan = a, .dir = GORT_RECV, .elem = &v }, { .chan = b, .dir = GORT_RECV, .elem = &v } };
		int r = gort_select(cs, 2, -1);
		check(r == 0 || r == 1);
		counts[r == 1]++;
		/* Empty the other. */
		gort_chan_recv(r == 0 ? b : a, &v);
	}
	/* Uniform: each about 1000; below 800 is a 1e-18 event. */
	gort_printf("random: both chosen often: %d\n", counts[0] > 800 && counts[1] > 800);
	gort_chan_free(a);
	gort_chan_free(b);
}

static void echo(void *arg)
{
	gort_chan *c = arg;
	int v;
	while (gort_chan_recv(c, &v))
		;
}

static void sends_closed_nil(void)
{
	gort_chan *c = mkchan(sizeof(int), 0);
	start(echo, c);
	int v = 5, sent = 0;
	for (int i = 0; i < 100; i++) {
		gort_case cs[] = { { .chan = NULL, .dir = GORT_RECV, .elem = &v }, { .chan = c, .dir = GORT_SEND, .elem = &v } };
		sent += gort_select(cs, 2, -1) == 1;
	}
	gort_chan_close(c);
	gort_case rc[] = { { .chan = NULL, .dir = GORT_SEND, .elem = &v }, { .chan = c, .dir = GORT_RECV, .elem = &v, .ok = true } };
	int r = gort_select(rc, 2, -1);
	gort_printf("send: %d sent; closed: case %d ok=%d v=%d\n", sent, r, rc[1].ok, v);
}

/* Two goroutines wait in a select each, for the other. */
static gort_chan *ping, *pong;

static void ponger(void *arg)
{
	(void)arg;
	int v;
	for (;;) {
		gort_case cs[] = { { .chan = ping, .dir = GORT_RECV, .elem = &v } };
		gort_select(cs, 1, -1);
		if (!cs[0].ok)
			return;
		v++;
		gort_case out[] = { { .chan = pong, .dir = GORT_SEND, .elem = &v } };
		gort_select(out, 1, -1);
	}
}

static void pingpong(void)
{
	ping = mkchan(sizeof(int), 0);
	pong = mkchan(sizeof(int), 0);
	start(ponger, 0);
	int v = 0;
	for (int i = 0; i < 10000; i++) {
		gort_chan_send(ping, &v);
		gort_chan_recv(pong, &v);
	}
	gort_chan_close(ping);
	gort_printf("pingpong: %d\n", v);
}

int main(int argc, char **argv)
{
	if (mode(argc, argv, "default"))
		nothing_ready();
	if (mode(argc, argv, "timeout"))
		timeout();
	if (mode(argc, argv, "random"))
		ready();
	if (mode(argc, argv, "send"))
		sends_closed_nil();
	if (mode(argc, argv, "pingpong"))
		pingpong();
	return 0;
}
