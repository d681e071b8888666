/* Go 1.19's test/ken/chan.go and test/ken/chan1.go, ported with their
   checks.
   chan: senders, receivers and 8-case selects on channels of capacity 0,
   1, 10 and 100, each channel carrying 76 numbered values; a finished
   channel becomes NULL in its Chan (never ready in a select); every value
   must arrive once and in order, and the totals must match.
   chan1: 10 receivers select on one buffered channel that one sender
   fills; each value is received once, after it was sent.
   Prints "ken/chan ok" and "ken/chan1 ok"; a failure prints FAIL and
   exits 1. */
#include <gort.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

#include "gotest.h"

/* Go's version reads and writes randx from every goroutine without a
   lock; here the same sequence is shared through an atomic. */
static _Atomic int randx;

static int nrand(int n)
{
	int old = atomic_load_explicit(&randx, memory_order_relaxed), x;
	do {
		x = old + 10007;
		if (x >= 1000000)
			x -= 1000000;
	} while (!atomic_compare_exchange_weak(&randx, &old, x));
	return x % n;
}

struct Chan {
	gort_chan *sc, *rc; /* send and receive channel */
	int sv, rv;         /* send and receive sequence */
};

static int nproc;
static gort_mutex nproclock;
static int cval;
static const int end = 10000;
static int totr, tots;
static gort_mutex totlock;
static struct Chan nc; /* both channels NULL */

static int changenproc(int adjust)
{
	gort_mutex_lock(&nproclock);
	nproc += adjust;
	int ret = nproc;
	gort_mutex_unlock(&nproclock);
	return ret;
}

static struct Chan **mkchans(int c, int n)
{
	struct Chan **ca = malloc((size_t)n * sizeof *ca);
	if (!ca)
		fail("out of memory");
	for (int i = 0; i < n; i++) {
		cval += 100;
		struct Chan *ch = calloc(1, sizeof *ch);
		if (!ch)
			fail("out of memory");
		ch->sc = gort_chan_make(sizeof(int), (size_t)c);
		if (!ch->sc)
			fail("gort_chan_make: out of memory");
		ch->rc = ch->sc;
		ch->sv = cval;
		ch->rv = cval;
		ca[i] = ch;
	}
	return ca;
}

static int expect(int v, int v0)
{
	if (v == v0)
		return v % 100 == 75 ? end : v + 1;
	fail("got %d expected %d", v, v0 + 1);
}

static bool chan_send(struct Chan *c)
{
	gort_mutex_lock(&totlock);
	tots++;
	gort_mutex_unlock(&totlock);
	c->sv = expect(c->sv, c->sv);
	if (c->sv == end) {
		c->sc = NULL;
		return true;
	}
	return false;
}

static bool chan_recv(struct Chan *c, int v)
{
	gort_mutex_lock(&totlock);
	totr++;
	gort_mutex_unlock(&totlock);
	c->rv = expect(c->rv, v);
	if (c->rv == end) {
		c->rc = NULL;
		return true;
	}
	return false;
}

static void sender(void *arg)
{
	struct Chan *c = arg;
	for (;;) {
		for (int r = nrand(10); r >= 0; r--)
			gort_yield();
		gort_chan_send(c->sc, &c->sv);
		if (chan_send(c))
			break;
	}
	changenproc(-1);
}

static void receiver(void *arg)
{
	struct Chan *c = arg;
	int v;
	for (;;) {
		for (int r = nrand(10); r >= 0; r--)
			gort_yield();
		gort_chan_recv(c->rc, &v);
		if (chan_recv(c, v))
			break;
	}
	changenproc(-1);
}

struct selargs {
	struct Chan *r[4], *s[4];
};

static void sel(void *arg)
{
	struct selargs *a = arg;
	int v, running = 0;
	for (int i = 0; i < 4; i++)
		running += (a->r[i]->rc != NULL) + (a->s[i]->sc != NULL);
	for (;;) {
		for (int r = nrand(5); r >= 0; r--)
			gort_yield();
		/* Go evaluates the channels and the values to send on entry. */
		gort_case cs[8];
		int sv[4];
		for (int i = 0; i < 4; i++) {
			cs[i] = (gort_case){ .chan = a->r[i]->rc, .dir = GORT_RECV, .elem = &v };
			sv[i] = a->s[i]->sv;
			cs[4 + i] = (gort_case){ .chan = a->s[i]->sc, .dir = GORT_SEND, .elem = &sv[i] };
		}
		int k = gort_select(cs, 8, -1);
		if (k < 4) {
			if (chan_recv(a->r[k], v))
				running--;
		} else {
			if (chan_send(a->s[k - 4]))
				running--;
		}
		if (running == 0)
			break;
	}
	free(a);
	changenproc(-1);
}

static void gosel(struct Chan *r0, struct Chan *r1, struct Chan *r2, struct Chan *r3, struct Chan *s0,
                  struct Chan *s1, struct Chan *s2, struct Chan *s3)
{
	struct selargs *a = malloc(sizeof *a);
	if (!a)
		fail("out of memory");
	*a = (struct selargs){ { r0, r1, r2, r3 }, { s0, s1, s2, s3 } };
	start(sel, a);
}

static void test1(struct Chan *c)
{
	changenproc(2);
	start(sender, c);
	start(receiver, c);
}

static void test2(int c)
{
	struct Chan **ca = mkchans(c, 4);
	changenproc(4);
	for (int i = 0; i < 4; i++)
		start(sender, ca[i]);
	changenproc(1);
	gosel(ca[0], ca[1], ca[2], ca[3], &nc, &nc, &nc, &nc);
}

static void test3(int c)
{
	struct Chan **ca = mkchans(c, 4);
	changenproc(4);
	for (int i = 0; i < 4; i++)
		start(receiver, ca[i]);
	changenproc(1);
	gosel(&nc, &nc, &nc, &nc, ca[0], ca[1], ca[2], ca[3]);
}

static void test4(int c)
{
	struct Chan **ca = mkchans(c, 4);
	changenproc(2);
	gosel(&nc, &nc, &nc, &nc, ca[0], ca[1], ca[2], ca[3]);
	gosel(ca[0], ca[1], ca[2], ca[3], &nc, &nc, &nc, &nc);
}

static void test5(int c)
{
	struct Chan **ca = mkchans(c, 8);
	changenproc(2);
	gosel(ca[4], ca[5], ca[6], ca[7], ca[0], ca[1], ca[2], ca[3]);
	gosel(ca[0], ca[1], ca[2], ca[3], ca[4], ca[5], ca[6], ca[7]);
}

static void test6(int c)
{
	struct Chan **ca = mkchans(c, 12);
	changenproc(4);
	for (int i = 4; i < 8; i++)
		start(sender, ca[i]);
	changenproc(4);
	for (int i = 8; i < 12; i++)
		start(receiver, ca[i]);
	changenproc(2);
	gosel(ca[4], ca[5], ca[6], ca[7], ca[0], ca[1], ca[2], ca[3]);
	gosel(ca[0], ca[1], ca[2], ca[3], ca[8], ca[9], ca[10], ca[11]);
}

static void wait(void)
{
	gort_yield();
	while (changenproc(0) != 0)
		gort_yield();
}

static void tests(int c)
{
	struct Chan **ca = mkchans(c, 4);
	for (int i = 0; i < 4; i++)
		test1(ca[i]);
	wait();
	test2(c);
	wait();
	test3(c);
	wait();
	test4(c);
	wait();
	test5(c);
	wait();
	test6(c);
	wait();
}

static void kenchan(void)
{
	tests(0);
	tests(1);
	tests(10);
	tests(100);
	int t = 4 * (4 * 4 + 8 + 12) * 76;
	if (tots != t || totr != t)
		fail("tots=%d totr=%d sb=%d", tots, totr, t);
	printf("ken/chan ok\n");
}

/* ---- chan1.go ---- */

enum { N = 1000, M = 10, W = 2 };
static _Atomic int h[N]; /* 0 unsent, 1 sent, 2 received */
static _Atomic int received;

static void r1(void *arg)
{
	gort_chan *c = arg;
	for (;;) {
		int r;
		gort_case cs = { .chan = c, .dir = GORT_RECV, .elem = &r };
		gort_select(&cs, 1, -1);
		if (r < 0 || r >= N || atomic_load(&h[r]) != 1)
			fail("r: r=%d h=%d", r, r >= 0 && r < N ? atomic_load(&h[r]) : -1);
		atomic_store(&h[r], 2);
		atomic_fetch_add(&received, 1);
	}
}

static void kenchan1(void)
{
	gort_chan *c = gort_chan_make(sizeof(int), W);
	if (!c)
		fail("gort_chan_make: out of memory");
	for (int m = 0; m < M; m++) {
		start(r1, c);
		gort_yield();
	}
	gort_yield();
	gort_yield();
	for (int n = 0; n < N; n++) {
		if (atomic_load(&h[n]) != 0)
			fail("s");
		atomic_store(&h[n], 1);
		gort_chan_send(c, &n);
	}
	/* Go's main returns here; wait for the last values too, so that every
	   one is checked. */
	while (atomic_load(&received) < N)
		gort_sleep(100000);
	printf("ken/chan1 ok\n");
}

int main(void)
{
	kenchan();
	kenchan1();
	return 0;
}
