/* Programs of Go 1.19's test/chan directory, ported with their checks, one
   per argv[1] (all of them, in order, when none is given):
     doubleselect  one sender selects over 4 channels, 4 muxes forward to one,
                   the receiver sees every value once (no duplicate delivery)
     nonblock      non-blocking sends and receives retried until a partner
                   that starts later arrives (unbuffered and buffered)
     select2       100,000 more selects do not grow the memory footprint
     select3       what blocks for ever and what never blocks: nil channels,
                   closed channels, empty selects, default
     select6       a select that lost on c1 leaves c1's queue intact (Go
                   issue 2075)
     select7       send and select-send to receive, one-case select and
                   two-case select receivers
     select8       break out of select cases; the default of a select on a
                   channel whose sender is blocked is not taken
     select        a case whose channel became NULL is never ready; each
                   case's value is computed once per select
     fifo          buffered FIFO order; unbuffered senders served in order
     goroutines    10,000 goroutines in a chain pass one value along
     sieve1        the first 100 primes from a chain of filter goroutines
   Each prints "<name> ok"; a failure prints FAIL and exits 1. Goroutines
   left blocked for ever (as in the originals) do not keep main from
   returning. */
#include <gort.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gotest.h"

/* ---- doubleselect.go ---- */

enum { DS_N = 100000 };

struct ds {
	gort_chan *c[4], *cmux, *done;
	int idx;
};

static void ds_sender(void *arg)
{
	struct ds *d = arg;
	for (int i = 0; i < DS_N; i++) {
		gort_case cs[4];
		for (int k = 0; k < 4; k++)
			cs[k] = (gort_case){ .chan = d->c[k], .dir = GORT_SEND, .elem = &i };
		gort_select(cs, 4, -1);
	}
	for (int k = 3; k >= 0; k--)
		gort_chan_close(d->c[k]);
}

struct dsmux {
	struct ds *d;
	gort_chan *in;
};

static void ds_mux(void *arg)
{
	struct dsmux *m = arg;
	int v;
	while (gort_chan_recv(m->in, &v))
		gort_chan_send(m->d->cmux, &v);
	bool t = true;
	gort_chan_send(m->d->done, &t);
}

static void ds_closer(void *arg)
{
	struct ds *d = arg;
	for (int i = 0; i < 4; i++)
		gort_chan_recv(d->done, NULL);
	gort_chan_close(d->cmux);
}

static void doubleselect(void)
{
	int prev = gort_gomaxprocs(2);
	static struct ds d;
	static struct dsmux mux[4];
	for (int k = 0; k < 4; k++)
		d.c[k] = mkchan(sizeof(int), 0);
	d.done = mkchan(sizeof(bool), 0);
	d.cmux = mkchan(sizeof(int), 0);
	start(ds_sender, &d);
	for (int k = 0; k < 4; k++) {
		mux[k] = (struct dsmux){ &d, d.c[k] };
		start(ds_mux, &mux[k]);
	}
	start(ds_closer, &d);
	char *seen = calloc(DS_N, 1);
	if (!seen)
		fail("out of memory");
	int v, n = 0;
	while (gort_chan_recv(d.cmux, &v)) {
		if (v < 0 || v >= DS_N)
			fail("doubleselect: got value %d out of range", v);
		if (seen[v])
			fail("doubleselect: got duplicate value: %d", v);
		seen[v] = 1;
		n++;
	}
	if (n != DS_N)
		fail("doubleselect: got %d values, want %d", n, DS_N);
	free(seen);
	gort_gomaxprocs(prev);
	printf("doubleselect ok\n");
}

/* ---- nonblock.go ---- */

struct nb {
	gort_chan *c, *strobe;
	long want, give;
};

static void nb_receiver(void *arg)
{
	struct nb *n = arg;
	long v = 0;
	gort_chan_recv(n->c, &v);
	if (v != n->want)
		fail("nonblock: receiver got %ld, want %ld", v, n->want);
	bool t = true;
	gort_chan_send(n->strobe, &t);
}

static void nb_sender(void *arg)
{
	struct nb *n = arg;
	gort_chan_send(n->c, &n->give);
	bool t = true;
	gort_chan_send(n->strobe, &t);
}

/* Go's sleep(): two 10 us ticks, then three yields. */
static void nb_sleep(void)
{
	gort_sleep(10000);
	gort_sleep(10000);
	gort_yield();
	gort_yield();
	gort_yield();
}

enum { NB_MAXTRIES = 10000 };

static void nonblock(void)
{
	gort_chan *sync = mkchan(sizeof(bool), 0);
	/* long stands for each of Go's element types: the checks are the same */
	for (int buffer = 0; buffer < 2; buffer++) {
		for (int kind = 0; kind < 4; kind++) {
			static const long want[4] = { 123, 123456, 1, 0x68656c6c6f };
			static const long give[4] = { 234, 234567, 1, 0x616761696e };
			struct nb n = { mkchan(sizeof(long), (size_t)buffer), sync, want[kind], give[kind] };
			long v = 0;
			gort_case rc = { .chan = n.c, .dir = GORT_RECV, .elem = &v };
			if (gort_select(&rc, 1, 0) != -1)
				fail("nonblock: blocked sender %d", kind);

			start(nb_receiver, &n);
			int try = 0;
			long x = want[kind];
			for (;;) {
				gort_case sc = { .chan = n.c, .dir = GORT_SEND, .elem = &x };
				if (gort_select(&sc, 1, 0) == 0)
					break;
				if (++try > NB_MAXTRIES)
					fail("nonblock: receiver %d buffer=%d", kind, buffer);
				nb_sleep();
			}
			gort_chan_recv(sync, NULL);

			start(nb_sender, &n);
			if (buffer > 0)
				gort_chan_recv(sync, NULL);
			try = 0;
			for (;;) {
				gort_case c = { .chan = n.c, .dir = GORT_RECV, .elem = &v };
				if (gort_select(&c, 1, 0) == 0)
					break;
				if (++try > NB_MAXTRIES)
					fail("nonblock: sender %d buffer=%d", kind, buffer);
				nb_sleep();
			}
			if (v != give[kind])
				fail("nonblock: sender %d value %ld", kind, v);
			if (buffer == 0)
				gort_chan_recv(sync, NULL);
			gort_chan_free(n.c);
		}
	}
	printf("nonblock ok\n");
}

/* ---- select3.go (the blocking checks; the panicking ones are fatal
   errors here, checked by chan_fatal) ---- */

struct tb {
	void (*f)(void);
	gort_chan *c;
};

static void tb_run(void *arg)
{
	struct tb *t = arg;
	t->f();
	int never = 0;
	gort_chan_send(t->c, &never);
}

static int64_t tb_wait;

static void tb_timer(void *arg)
{
	struct tb *t = arg;
	gort_sleep(tb_wait);
	int always = 1;
	gort_chan_send(t->c, &always);
}

/* Go's testBlock: does f block (for 10 ms at least) or return? The two
   goroutines stay behind, as in Go; the loser blocks for ever on t->c. */
static void testblock(bool always, void (*f)(void), const char *what)
{
	struct tb *t = malloc(sizeof *t);
	if (!t)
		fail("out of memory");
	t->f = f;
	t->c = mkchan(sizeof(int), 0);
	tb_wait = always ? 10000000 : 10000000000;
	start(tb_run, t);
	start(tb_timer, t);
	if (recvint(t->c) != always)
		fail("select3: %s %s", what, always ? "did not block" : "blocked");
}

static gort_chan *nilch, *closedch;

static void unreachable(void)
{
	fail("select3: control flow shouldn't reach here");
}

static void s3_send_nil(void)
{
	sendint(nilch, 7);
}

static void s3_recv_nil(void)
{
	gort_chan_recv(nilch, NULL);
}

static void s3_send_buffered(void)
{
	gort_chan *ch = mkchan(sizeof(int), 1);
	sendint(ch, 7);
}

static void s3_recv_closed(void)
{
	for (int i = 0; i < 10; i++) {
		int x = 5;
		if (gort_chan_recv(closedch, &x) || x != 0)
			fail("select3: expected 0, false from closed channel, got %d", x);
	}
}

static void s3_recv_new(void)
{
	gort_chan *ch = mkchan(sizeof(int), 0);
	gort_chan_recv(ch, NULL);
}

static void s3_select_empty(void)
{
	gort_select(NULL, 0, -1);
}

static void s3_select_recv_nil(void)
{
	gort_case c = { .chan = nilch, .dir = GORT_RECV };
	gort_select(&c, 1, -1);
	unreachable();
}

static void s3_select_send_nil(void)
{
	int v = 7;
	gort_case c = { .chan = nilch, .dir = GORT_SEND, .elem = &v };
	gort_select(&c, 1, -1);
	unreachable();
}

static void s3_select_both_nil(void)
{
	int v = 7;
	gort_case c[2] = { { .chan = nilch, .dir = GORT_RECV }, { .chan = nilch, .dir = GORT_SEND, .elem = &v } };
	gort_select(c, 2, -1);
	unreachable();
}

static void s3_select_recv_new(void)
{
	gort_case c = { .chan = mkchan(sizeof(int), 0), .dir = GORT_RECV };
	gort_select(&c, 1, -1);
	unreachable();
}

static void s3_select_default(void)
{
	if (gort_select(NULL, 0, 0) != -1)
		unreachable();
}

static void s3_select_nil_default(void)
{
	int v = 7;
	gort_case r = { .chan = nilch, .dir = GORT_RECV };
	gort_case s = { .chan = nilch, .dir = GORT_SEND, .elem = &v };
	if (gort_select(&r, 1, 0) != -1 || gort_select(&s, 1, 0) != -1)
		unreachable();
}

static void s3_select_buffered_send(void)
{
	int v = 7;
	gort_case c = { .chan = mkchan(sizeof(int), 1), .dir = GORT_SEND, .elem = &v };
	if (gort_select(&c, 1, 0) != 0)
		unreachable();
}

static void s3_select_buffered_recv(void)
{
	gort_chan *ch = mkchan(sizeof(int), 1);
	sendint(ch, 7);
	int v = 0;
	gort_case c = { .chan = ch, .dir = GORT_RECV, .elem = &v };
	if (gort_select(&c, 1, 0) != 0 || v != 7 || !c.ok)
		unreachable();
}

static void s3_select_closed(void)
{
	int v = 9;
	gort_case c = { .chan = closedch, .dir = GORT_RECV, .elem = &v, .ok = true };
	if (gort_select(&c, 1, -1) != 0 || v != 0 || c.ok)
		fail("select3: select on a closed channel gave %d, ok %d", v, c.ok);
}

static void s3_select_self(void)
{
	gort_chan *c = mkchan(sizeof(int), 0);
	int one = 1, x;
	gort_case cs[2] = { { .chan = c, .dir = GORT_SEND, .elem = &one }, { .chan = c, .dir = GORT_RECV, .elem = &x } };
	gort_select(cs, 2, -1);
	unreachable();
}

static void select3(void)
{
	closedch = mkchan(sizeof(int), 0);
	gort_chan_close(closedch);
	testblock(true, s3_send_nil, "send on a nil channel");
	testblock(true, s3_recv_nil, "receive from a nil channel");
	testblock(false, s3_send_buffered, "send on a buffered channel");
	testblock(false, s3_recv_closed, "receive from a closed channel");
	testblock(true, s3_recv_new, "receive from an empty channel");
	testblock(true, s3_select_empty, "empty select");
	testblock(true, s3_select_recv_nil, "select receive from nil");
	testblock(true, s3_select_send_nil, "select send to nil");
	testblock(true, s3_select_both_nil, "select on two nil cases");
	testblock(true, s3_select_recv_new, "select receive from an empty channel");
	testblock(false, s3_select_default, "select with only default");
	testblock(false, s3_select_nil_default, "select on nil with default");
	testblock(false, s3_select_buffered_send, "select send on a buffered channel");
	testblock(false, s3_select_buffered_recv, "select receive from a full buffered channel");
	testblock(false, s3_select_closed, "select receive from a closed channel");
	testblock(true, s3_select_self, "select sending to and receiving from one channel");
	printf("select3 ok\n");
}

/* ---- select6.go ---- */

static gort_chan *s6c1, *s6c2, *s6c3;

static void s6_a(void *arg)
{
	(void)arg;
	gort_chan_recv(s6c1, NULL);
}

static void s6_b(void *arg)
{
	(void)arg;
	bool v;
	gort_case cs[2] = { { .chan = s6c1, .dir = GORT_RECV, .elem = &v },
		            { .chan = s6c2, .dir = GORT_RECV, .elem = &v } };
	if (gort_select(cs, 2, -1) == 0)
		fail("select6: dummy");
	bool t = true;
	gort_chan_send(s6c3, &t);
	gort_chan_recv(s6c1, NULL);
}

static void s6_c(void *arg)
{
	(void)arg;
	bool t = true;
	gort_chan_send(s6c2, &t);
}

static void select6(void)
{
	s6c1 = mkchan(sizeof(bool), 0);
	s6c2 = mkchan(sizeof(bool), 0);
	s6c3 = mkchan(sizeof(bool), 0);
	start(s6_a, 0);
	start(s6_b, 0);
	start(s6_c, 0);
	gort_chan_recv(s6c3, NULL);
	bool t = true;
	gort_chan_send(s6c1, &t);
	gort_chan_send(s6c1, &t);
	printf("select6 ok\n");
}

/* ---- select7.go ---- */

static void recv1(void *arg)
{
	gort_chan_recv(arg, NULL);
}

static void recv2(void *arg)
{
	gort_case c = { .chan = arg, .dir = GORT_RECV };
	gort_select(&c, 1, -1);
}

static void recv3(void *arg)
{
	gort_case c[2] = { { .chan = arg, .dir = GORT_RECV }, { .chan = mkchan(sizeof(int), 0), .dir = GORT_RECV } };
	if (gort_select(c, 2, -1) != 0)
		fail("select7: received from a channel nobody sends on");
	gort_chan_free(c[1].chan);
}

static void send(int how, void (*recv)(void *))
{
	gort_chan *c = mkchan(sizeof(int), 0);
	start(recv, c);
	gort_yield();
	int one = 1;
	if (how == 1) {
		gort_chan_send(c, &one);
	} else if (how == 2) {
		gort_case sc = { .chan = c, .dir = GORT_SEND, .elem = &one };
		gort_select(&sc, 1, -1);
	} else {
		gort_chan *c2 = mkchan(sizeof(int), 0);
		gort_case sc[2] = { { .chan = c, .dir = GORT_SEND, .elem = &one },
			            { .chan = c2, .dir = GORT_SEND, .elem = &one } };
		if (gort_select(sc, 2, -1) != 0)
			fail("select7: sent to a channel nobody receives from");
	}
}

static void select7(void)
{
	void (*recvs[3])(void *) = { recv1, recv2, recv3 };
	for (int r = 0; r < 3; r++)
		for (int how = 1; how <= 3; how++)
			send(how, recvs[r]);
	printf("select7 ok\n");
}

/* ---- select8.go ---- */

static gort_chan *s8ch;

static void s8_sender(void *arg)
{
	(void)arg;
	for (;;)
		sendint(s8ch, 5);
}

static void select8(void)
{
	s8ch = mkchan(sizeof(int), 0);
	start(s8_sender, 0);
	int v = 0;
	gort_case r = { .chan = s8ch, .dir = GORT_RECV, .elem = &v };
	if (gort_select(&r, 1, -1) != 0 || v != 5)
		fail("select8: got %d", v);
	if (gort_select(NULL, 0, 0) != -1)
		fail("select8: empty select with default");
	/* The sender is blocked (or about to be) on s8ch: wait until it is,
	   as Go's goroutine has run by the time its select looks. */
	int got = -1;
	for (int i = 0; i < 1000 && got != 0; i++) {
		v = 0;
		got = gort_select(&r, 1, 0);
		if (got != 0)
			gort_sleep(1000000);
	}
	if (got != 0 || v != 5)
		fail("select8: receive with default took default");
	int ten = 10;
	gort_case cs[2] = { { .chan = s8ch, .dir = GORT_RECV, .elem = &v },
		            { .chan = s8ch, .dir = GORT_SEND, .elem = &ten } };
	for (int i = 0; i < 1000 && (got = gort_select(cs, 2, 0)) != 0; i++) {
		if (got == 1)
			fail("select8: sent to a channel only a sender uses");
		gort_sleep(1000000);
	}
	if (got != 0)
		fail("select8: never received");
	printf("select8 ok\n");
}

/* ---- select.go ---- */

static unsigned counter, shift;

static unsigned getvalue(void)
{
	counter++;
	return 1u << shift;
}

static int sendboth(gort_chan *a, gort_chan *b)
{
	int i = 0;
	for (;;) {
		/* Go evaluates every case's value before choosing. */
		unsigned va = getvalue(), vb = getvalue();
		gort_case cs[2] = { { .chan = a, .dir = GORT_SEND, .elem = &va },
			            { .chan = b, .dir = GORT_SEND, .elem = &vb } };
		int k = gort_select(cs, 2, 0);
		if (k < 0)
			break;
		i++;
		if (k == 0)
			a = NULL;
		else
			b = NULL;
		shift++;
	}
	return i;
}

static void selectgo(void)
{
	gort_chan *a = mkchan(sizeof(unsigned), 1), *b = mkchan(sizeof(unsigned), 1);
	int v = sendboth(a, b);
	if (v != 2)
		fail("select: Send returned %d != 2", v);
	unsigned av, bv;
	gort_chan_recv(a, &av);
	gort_chan_recv(b, &bv);
	if ((av | bv) != 3)
		fail("select: bad values %u %u", av, bv);
	v = sendboth(a, NULL);
	if (v != 1)
		fail("select: Send returned %d != 1", v);
	if (counter != 10)
		fail("select: counter is %u != 10", counter);
	printf("select ok\n");
}

/* ---- fifo.go ---- */

enum { FIFO_N = 10 };

struct chain {
	gort_chan *ch, *in, *out;
	int val;
};

static void chainfn(void *arg)
{
	struct chain *c = arg;
	gort_chan_recv(c->in, NULL);
	int v = recvint(c->ch);
	if (v != c->val)
		fail("fifo: chain %d received %d", c->val, v);
	sendint(c->out, 1);
}

static void fifo(void)
{
	gort_chan *ch = mkchan(sizeof(int), FIFO_N);
	for (int i = 0; i < FIFO_N; i++)
		sendint(ch, i);
	for (int i = 0; i < FIFO_N; i++)
		if (recvint(ch) != i)
			fail("fifo: bad receive");

	static struct chain links[FIFO_N];
	ch = mkchan(sizeof(int), 0);
	gort_chan *in = mkchan(sizeof(int), 0), *startc = in;
	for (int i = 0; i < FIFO_N; i++) {
		gort_chan *out = mkchan(sizeof(int), 0);
		links[i] = (struct chain){ ch, in, out, i };
		start(chainfn, &links[i]);
		in = out;
	}
	sendint(startc, 0);
	for (int i = 0; i < FIFO_N; i++)
		sendint(ch, i);
	recvint(in);
	printf("fifo ok\n");
}

/* ---- goroutines.go ---- */

struct pair {
	gort_chan *left, *right;
};

static void pass(void *arg)
{
	struct pair *p = arg;
	sendint(p->left, recvint(p->right));
}

static void one(void *arg)
{
	sendint(arg, 1);
}

static void goroutines(void)
{
	enum { N = 10000 };
	struct pair *pairs = malloc(N * sizeof *pairs);
	if (!pairs)
		fail("out of memory");
	gort_chan *leftmost = mkchan(sizeof(int), 0), *left = leftmost, *right = leftmost;
	for (int i = 0; i < N; i++) {
		right = mkchan(sizeof(int), 0);
		pairs[i] = (struct pair){ left, right };
		start(pass, &pairs[i]);
		left = right;
	}
	start(one, right);
	if (recvint(leftmost) != 1)
		fail("goroutines: wrong value");
	printf("goroutines ok\n");
}

/* ---- select2.go ---- */

struct s2 {
	gort_chan *c;
	int n;
};

static void s2sender(void *arg)
{
	struct s2 *a = arg;
	int one = 1;
	for (int i = 0; i < a->n; i++)
		gort_chan_send(a->c, &one);
}

static void s2receiver(gort_chan *c, gort_chan *dummy, int n)
{
	for (int i = 0; i < n; i++) {
		gort_case cs[2] = { { .chan = c, .dir = GORT_RECV }, { .chan = dummy, .dir = GORT_RECV } };
		if (gort_select(cs, 2, -1) == 1)
			fail("select2: dummy");
	}
}

/* Resident memory, in bytes (Go reads MemStats.Alloc). */
static long rss(void)
{
	FILE *f = fopen("/proc/self/statm", "r");
	long size = 0, res = 0;
	if (!f || fscanf(f, "%ld %ld", &size, &res) != 2)
		fail("select2: cannot read /proc/self/statm");
	fclose(f);
	return res * 4096;
}

static void select2(void)
{
	static struct s2 a;
	a.c = mkchan(sizeof(int), 0);
	a.n = 100000;
	gort_chan *dummy = mkchan(sizeof(int), 0);
	start(s2sender, &a); /* warm up */
	s2receiver(a.c, dummy, a.n);
	long before = rss();
	start(s2sender, &a); /* the second time must not grow the footprint much */
	s2receiver(a.c, dummy, a.n);
	long after = rss();
	if (after > before && after - before > 110000)
		fail("select2: too much memory for 100,000 selects: %ld", after - before);
	printf("select2 ok\n");
}

/* ---- sieve1.go ---- */

static void generate(void *arg)
{
	for (int i = 2;; i++)
		sendint(arg, i);
}

struct filt {
	gort_chan *in, *out;
	int prime;
};

static void filter(void *arg)
{
	struct filt *f = arg;
	for (;;) {
		int i = recvint(f->in);
		if (i % f->prime != 0)
			sendint(f->out, i);
	}
}

static void sieve1(void)
{
	static const int want[] = { 2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83,
		                    89, 97, 101, 103, 107, 109, 113, 127, 131, 137, 139, 149, 151, 157, 163, 167, 173,
		                    179, 181, 191, 193, 197, 199, 211, 223, 227, 229, 233, 239, 241, 251, 257, 263,
		                    269, 271, 277, 281, 283, 293, 307, 311, 313, 317, 331, 337, 347, 349, 353, 359,
		                    367, 373, 379, 383, 389, 397, 401, 409, 419, 421, 431, 433, 439, 443, 449, 457,
		                    461, 463, 467, 479, 487, 491, 499, 503, 509, 521, 523, 541 };
	static struct filt filts[100];
	gort_chan *ch = mkchan(sizeof(int), 0);
	start(generate, ch);
	for (int i = 0; i < 100; i++) {
		int prime = recvint(ch);
		if (prime != want[i])
			fail("sieve1: prime %d is %d, want %d", i, prime, want[i]);
		gort_chan *ch1 = mkchan(sizeof(int), 0);
		filts[i] = (struct filt){ ch, ch1, prime };
		start(filter, &filts[i]);
		ch = ch1;
	}
	printf("sieve1 ok\n");
}

static const struct {
	const char *name;
	void (*fn)(void);
} tests[] = {
	{ "doubleselect", doubleselect }, { "nonblock", nonblock }, { "select2", select2 },
	{ "select3", select3 },           { "select6", select6 },   { "select7", select7 },
	{ "select8", select8 },           { "select", selectgo },   { "fifo", fifo },
	{ "goroutines", goroutines },     { "sieve1", sieve1 },
};

int main(int argc, char **argv)
{
	int n = (int)(sizeof tests / sizeof tests[0]);
	for (int i = 0; i < n; i++)
		if (argc < 2 || strcmp(argv[1], tests[i].name) == 0)
			tests[i].fn();
	return 0;
}
