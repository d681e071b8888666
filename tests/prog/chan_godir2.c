/* More of Go 1.19's test programs, ported with their checks: from
   test/chan powser1, powser2, sieve2, zerosize, select4, select5 and
   sendstmt; from test/ closedchan, chancap, chanlinear, 235, range.go's
   testchan and nil.go's chantest; test/fixedbugs/bug147.go; two tests of
   runtime/chanbarrier_test.go. One runs per argv[1] (all, in order, when
   none is given):
     powser1      power series (McIlroy's "Squinting at Power Series"): a
                  demand-driven network of goroutines, rationals flowing on
                  16-byte elements; Add, Diff, Integ, Cmul, Sub, Mul, Exp and
                  arctan's coefficients checked term by term
     powser2      the same network with pointers to rationals on 8-byte
                  elements (Go's version sends interfaces)
     sieve2       a prime sieve that merges channels of multiples through a
                  heap, with a proxy goroutine whose select sends on NULL
                  while its buffer is empty; the first 25 primes
     zerosize     channels of zero-size elements, unbuffered and buffered
     select4      a select proceeds when a value is ready; the case not
                  chosen is not written
     select5      Go's generated test, enumerated here instead of generated:
                  every combination of a real receive or send with default
                  before or after it, dummy, NULL and unwritable-destination
                  cases (recv 241, send 49, nonblock 512 combinations)
     closedchan   receive from closed channels through direct calls,
                  one-case selects and two-case selects, blocking and not,
                  unbuffered and with a value left in the buffer
     chancap      len and cap; make's size errors (Go's "makechan: size out
                  of range" panics) are NULL and errno here
     chanlinear   a select woken through one of its channels leaves the
                  other channel's queue in constant time (time for 2n
                  goroutines less than 3 times that for n)
     235          the 2,3,5 (Hamming) problem on buffered channels
     range        range over a channel until the sender closes it
     nilchan      send and receive on a NULL channel block for ever; len and
                  cap of NULL are 0 (nil.go's chantest)
     sendstmt     a channel sent through a channel, then sent on
     bug147       an unbuffered send waits for its receiver
     chanbarrier  TestChanSendBarrier and TestChanSendSelectBarrier: 10
                  goroutines each make 1000 requests answered by a new
                  goroutine over a new channel, with and without select
   Each prints "<name> ok"; a failure prints FAIL and exits 1. Goroutines
   left blocked for ever (as in the originals) do not keep main from
   returning.
   closedchan's sends on a closed channel and its closes of a NULL and of a
   closed channel are Go panics the test recovers from; here they are fatal
   errors, so each runs alone, chosen by argv[1] (closedchan_nbsend_x,
   closedchan_send_x, ..._s, ..._ss, closedchan_close_nil,
   closedchan_close_closed), and must die with Go's message. */
#include <errno.h>
#include <gort.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "gotest.h"

static void *xmalloc(size_t n)
{
	void *p = malloc(n);
	if (!p)
		fail("out of memory");
	return p;
}

/* ---- powser1.go and powser2.go ----
   Only what the checks use is ported (not the print mode, eval, Mon, Xmul,
   Shift, Binom, Recip, Subst). Go's closures are a struct of their
   captured variables, freed by the goroutine that took it. Channel names
   (chnames) are not ported: nothing reads them. */

typedef struct {
	int64_t num, den; /* a denominator of zero marks the end */
} rat;

/* What flows on a dat channel: the rational itself (powser1) or a pointer
   to it (powser2, where Go sends interfaces holding *rat). Forwarding
   goroutines (split, copy, repeat) pass items on unchanged, so in powser2
   the same pointer reaches several consumers, as in Go. Which of the two
   a channel carries is recorded in its dch when it is made, so that the
   goroutines powser1 leaves behind never depend on powser2's setting. */
typedef union {
	rat r;
	rat *p;
} item;

static bool byptr; /* for the dchs made from now on */

static item mkitem(bool ptr, rat r)
{
	item it;
	memset(&it, 0, sizeof it);
	if (ptr) {
		it.p = xmalloc(sizeof(rat)); /* never freed: Go's garbage */
		*it.p = r;
	} else {
		it.r = r;
	}
	return it;
}

static rat itemrat(bool ptr, item it)
{
	return ptr ? *it.p : it.r;
}

typedef struct {
	gort_chan *req, *dat;
	bool byptr;
} dch;

typedef struct {
	dch *d[2];
} dch2;

/* Go increments seqno from every goroutine without a lock (the values are
   never checked); here it is atomic. */
static _Atomic int seqno;

static dch *mkdch(void)
{
	dch *d = xmalloc(sizeof *d);
	d->byptr = byptr;
	d->req = mkchan(sizeof(int), 0);
	d->dat = mkchan(byptr ? sizeof(rat *) : sizeof(rat), 0);
	return d;
}

static dch2 *mkdch2(void)
{
	dch2 *d2 = xmalloc(sizeof *d2);
	d2->d[0] = mkdch();
	d2->d[1] = mkdch();
	return d2;
}

/* split reads a single demand channel and replicates its output onto two,
   which may be read at different rates. A process is created at first
   demand for a rat and dies after the rat has been sent to both outputs.
   When multiple generations of split exist, the newest will service
   requests on one channel, which is always renamed to be out[0]; the
   oldest will service requests on the other channel, out[1]. All
   generations but the newest hold queued data that has already been sent
   to out[0]. When data has finally been sent to out[1], a signal on the
   release-wait channel tells the next newer generation to begin servicing
   out[1]. (Go's comment.) */
struct splitarg {
	dch *in;
	dch2 *out;
	gort_chan *wait;
};

static void dosplit(void *arg);

static void gosplit(dch *in, dch2 *out, gort_chan *wait)
{
	struct splitarg *a = xmalloc(sizeof *a);
	*a = (struct splitarg){ in, out, wait };
	start(dosplit, a);
}

static void dosplit(void *arg)
{
	struct splitarg a = *(struct splitarg *)arg;
	free(arg);
	dch *in = a.in;
	dch2 *out = a.out;
	bool both = false; /* do not service both channels */

	gort_case cs[2] = { { .chan = out->d[0]->req, .dir = GORT_RECV }, { .chan = a.wait, .dir = GORT_RECV } };
	if (gort_select(cs, 2, -1) == 1) {
		both = true;
		gort_case cs2[2] = { { .chan = out->d[0]->req, .dir = GORT_RECV },
			             { .chan = out->d[1]->req, .dir = GORT_RECV } };
		if (gort_select(cs2, 2, -1) == 1) {
			dch *t = out->d[0];
			out->d[0] = out->d[1];
			out->d[1] = t;
		}
	}

	sendint(in->req, ++seqno);
	gort_chan *release = mkchan(sizeof(int), 0);
	gosplit(in, out, release);
	item dat;
	gort_chan_recv(in->dat, &dat);
	gort_chan_send(out->d[0]->dat, &dat);
	if (!both)
		gort_chan_recv(a.wait, NULL);
	/* wait has had its one send and its one receive: the API lets the
	   receiver free it now, although the sender may still be returning. */
	gort_chan_free(a.wait);
	gort_chan_recv(out->d[1]->req, NULL);
	gort_chan_send(out->d[1]->dat, &dat);
	sendint(release, 0);
}

static void split(dch *in, dch2 *out)
{
	gort_chan *release = mkchan(sizeof(int), 0);
	gosplit(in, out, release);
	sendint(release, 0);
}

static void put(item dat, dch *out)
{
	gort_chan_recv(out->req, NULL);
	gort_chan_send(out->dat, &dat);
}

static item get(dch *in)
{
	sendint(in->req, ++seqno);
	item it;
	gort_chan_recv(in->dat, &it);
	return it;
}

static rat getrat(dch *in)
{
	return itemrat(in->byptr, get(in));
}

/* Get one item from each of 2 demand channels: requests and receives
   interleave in one 4-case select whose finished cases become NULL. */
static void get2(dch *in0, dch *in1, item out[2])
{
	gort_chan *req[2] = { in0->req, in1->req }, *dat[2] = { NULL, NULL };
	dch *in[2] = { in0, in1 };
	for (int n = 4; n > 0; n--) {
		int s = ++seqno; /* Go evaluates the send values on entry */
		item it;
		gort_case cs[4] = {
			{ .chan = req[0], .dir = GORT_SEND, .elem = &s },
			{ .chan = req[1], .dir = GORT_SEND, .elem = &s },
			{ .chan = dat[0], .dir = GORT_RECV, .elem = &it },
			{ .chan = dat[1], .dir = GORT_RECV, .elem = &it },
		};
		int k = gort_select(cs, 4, -1);
		if (k < 2) {
			dat[k] = in[k]->dat;
			req[k] = NULL;
		} else {
			out[k - 2] = it;
			dat[k - 2] = NULL;
		}
	}
}

static _Noreturn void copyps(dch *in, dch *out)
{
	for (;;) {
		gort_chan_recv(out->req, NULL);
		item it = get(in);
		gort_chan_send(out->dat, &it);
	}
}

struct reparg {
	item dat;
	dch *out;
};

static void repeat(void *arg)
{
	struct reparg *a = arg;
	for (;;)
		put(a->dat, a->out);
}

static dch *Ones, *Twos;

static int64_t gcd(int64_t u, int64_t v)
{
	if (u < 0)
		return gcd(-u, v);
	if (u == 0)
		return v;
	return gcd(v % u, u);
}

static rat i2tor(int64_t u, int64_t v)
{
	int64_t g = gcd(u, v);
	if (v > 0)
		return (rat){ u / g, v / g };
	return (rat){ -u / g, -v / g };
}

static rat itor(int64_t u)
{
	return i2tor(u, 1);
}

static rat zero, one, finis;

static int64_t end(rat u)
{
	return u.den == 0;
}

static rat add(rat u, rat v)
{
	int64_t g = gcd(u.den, v.den);
	return i2tor(u.num * (v.den / g) + v.num * (u.den / g), u.den * (v.den / g));
}

static rat mul(rat u, rat v)
{
	int64_t g1 = gcd(u.num, v.den), g2 = gcd(u.den, v.num);
	return (rat){ (u.num / g1) * (v.num / g2), (u.den / g2) * (v.den / g1) };
}

static rat neg(rat u)
{
	return i2tor(-u.num, u.den);
}

static void senddat(dch *z, rat r)
{
	item it = mkitem(z->byptr, r);
	gort_chan_send(z->dat, &it);
}

/* One struct for every constructor's closure. */
struct psarg {
	dch *U, *V, *Z;
	rat c;
	int n;
};

static dch *gops(void (*fn)(void *), dch *U, dch *V, rat c, int n)
{
	struct psarg *a = xmalloc(sizeof *a);
	*a = (struct psarg){ U, V, mkdch(), c, n };
	dch *Z = a->Z;
	start(fn, a);
	return Z;
}

static struct psarg takearg(void *arg)
{
	struct psarg a = *(struct psarg *)arg;
	free(arg);
	return a;
}

struct splitgo {
	dch *U;
	dch2 *UU;
};

static void splitfn(void *arg)
{
	struct splitgo a = *(struct splitgo *)arg;
	free(arg);
	split(a.U, a.UU);
}

/* Make a pair of power series identical to a given power series */
static dch2 *Split(dch *U)
{
	struct splitgo *a = xmalloc(sizeof *a);
	a->U = U;
	a->UU = mkdch2();
	dch2 *UU = a->UU;
	start(splitfn, a);
	return UU;
}

static void addfn(void *arg)
{
	struct psarg a = takearg(arg);
	for (;;) {
		gort_chan_recv(a.Z->req, NULL);
		item uv[2];
		get2(a.U, a.V, uv);
		rat u = itemrat(a.U->byptr, uv[0]), v = itemrat(a.V->byptr, uv[1]);
		switch (end(u) + 2 * end(v)) {
		case 0:
			senddat(a.Z, add(u, v));
			break;
		case 1:
			gort_chan_send(a.Z->dat, &uv[1]);
			copyps(a.V, a.Z);
		case 2:
			gort_chan_send(a.Z->dat, &uv[0]);
			copyps(a.U, a.Z);
		case 3:
			senddat(a.Z, finis);
		}
	}
}

/* Add two power series */
static dch *Add(dch *U, dch *V)
{
	return gops(addfn, U, V, zero, 0);
}

static void cmulfn(void *arg)
{
	struct psarg a = takearg(arg);
	bool done = false;
	while (!done) {
		gort_chan_recv(a.Z->req, NULL);
		rat u = getrat(a.U);
		if (end(u))
			done = true;
		else
			senddat(a.Z, mul(a.c, u));
	}
	senddat(a.Z, finis);
}

/* Multiply a power series by a constant */
static dch *Cmul(rat c, dch *U)
{
	return gops(cmulfn, U, NULL, c, 0);
}

static dch *Sub(dch *U, dch *V)
{
	return Add(U, Cmul(neg(one), V));
}

static dch *Rep(rat c)
{
	struct reparg *a = xmalloc(sizeof *a);
	a->out = mkdch();
	a->dat = mkitem(a->out->byptr, c);
	dch *Z = a->out;
	start(repeat, a);
	return Z;
}

static dch *Mul(dch *U, dch *V);

/* UV = u*v + x*(u*VV+v*UU) + x*x*UU*VV */
static void mulfn(void *arg)
{
	struct psarg a = takearg(arg);
	gort_chan_recv(a.Z->req, NULL);
	item uv[2];
	get2(a.U, a.V, uv);
	rat u = itemrat(a.U->byptr, uv[0]), v = itemrat(a.V->byptr, uv[1]);
	if (end(u) || end(v)) {
		senddat(a.Z, finis);
	} else {
		senddat(a.Z, mul(u, v));
		dch2 *UU = Split(a.U);
		dch2 *VV = Split(a.V);
		dch *W = Add(Cmul(u, VV->d[0]), Cmul(v, UU->d[0]));
		gort_chan_recv(a.Z->req, NULL);
		item w = get(W);
		gort_chan_send(a.Z->dat, &w);
		copyps(Add(W, Mul(UU->d[1], VV->d[1])), a.Z);
	}
}

static dch *Mul(dch *U, dch *V)
{
	return gops(mulfn, U, V, zero, 0);
}

static void difffn(void *arg)
{
	struct psarg a = takearg(arg);
	gort_chan_recv(a.Z->req, NULL);
	rat u = getrat(a.U);
	if (!end(u)) {
		bool done = false;
		for (int64_t i = 1; !done; i++) {
			u = getrat(a.U);
			if (end(u)) {
				done = true;
			} else {
				senddat(a.Z, mul(itor(i), u));
				gort_chan_recv(a.Z->req, NULL);
			}
		}
	}
	senddat(a.Z, finis);
}

/* Differentiate */
static dch *Diff(dch *U)
{
	return gops(difffn, U, NULL, zero, 0);
}

static void integfn(void *arg)
{
	struct psarg a = takearg(arg);
	put(mkitem(a.Z->byptr, a.c), a.Z);
	bool done = false;
	for (int64_t i = 1; !done; i++) {
		gort_chan_recv(a.Z->req, NULL);
		rat u = getrat(a.U);
		if (end(u))
			done = true;
		senddat(a.Z, mul(i2tor(1, i), u));
	}
	senddat(a.Z, finis);
}

/* Integrate, with const of integration */
static dch *Integ(rat c, dch *U)
{
	return gops(integfn, U, NULL, c, 0);
}

/* Exponential of a power series with constant term 0: Z = exp(U),
   DZ = Z*DU, integrate to get Z. */
static dch *Exp(dch *U)
{
	dch2 *ZZ = mkdch2();
	split(Integ(one, Mul(ZZ->d[0], Diff(U))), ZZ);
	return ZZ->d[1];
}

static void monsubstfn(void *arg)
{
	struct psarg a = takearg(arg);
	rat c = one, c0 = a.c;
	for (;;) {
		gort_chan_recv(a.Z->req, NULL);
		rat u = getrat(a.U);
		senddat(a.Z, mul(u, c));
		c = mul(c, c0);
		if (end(u)) {
			senddat(a.Z, finis);
			break;
		}
		for (int i = 1; i < a.n; i++) {
			gort_chan_recv(a.Z->req, NULL);
			senddat(a.Z, zero);
		}
	}
}

/* Monomial substitution U(c x^n): each Ui is multiplied by c^i and followed
   by n-1 zeros */
static dch *MonSubst(dch *U, rat c0, int n)
{
	return gops(monsubstfn, U, NULL, c0, n);
}

static void check(dch *U, rat c, int count, const char *str)
{
	for (int i = 0; i < count; i++) {
		rat r = getrat(U);
		if (r.num != c.num || r.den != c.den)
			fail("%s: %s: got %lld/%lld should get %lld/%lld", byptr ? "powser2" : "powser1", str,
			     (long long)r.num, (long long)r.den, (long long)c.num, (long long)c.den);
	}
}

enum { PS_N = 10 };

static void checka(dch *U, const rat *a, const char *str)
{
	for (int i = 0; i < PS_N; i++)
		check(U, a[i], 1, str);
}

static void powser(bool ptrs)
{
	byptr = ptrs;
	seqno = 0;
	zero = itor(0);
	one = itor(1);
	finis = i2tor(1, 0);
	Ones = Rep(one);
	Twos = Rep(itor(2));

	check(Ones, one, 5, "Ones");
	check(Add(Ones, Ones), itor(2), 0, "Add Ones Ones"); /* 1 1 1 1 1 */
	check(Add(Ones, Twos), itor(3), 0, "Add Ones Twos"); /* 3 3 3 3 3 */
	rat a[PS_N];
	dch *d = Diff(Ones);
	for (int i = 0; i < PS_N; i++)
		a[i] = itor(i + 1);
	checka(d, a, "Diff"); /* 1 2 3 4 5 */
	dch *in = Integ(zero, Ones);
	a[0] = zero; /* integration constant */
	for (int i = 1; i < PS_N; i++)
		a[i] = i2tor(1, i);
	checka(in, a, "Integ");                               /* 0 1 1/2 1/3 1/4 1/5 */
	check(Cmul(neg(one), Twos), itor(-2), 10, "CMul");    /* -1 -1 -1 -1 -1 */
	check(Sub(Ones, Twos), itor(-1), 0, "Sub Ones Twos"); /* -1 -1 -1 -1 -1 */
	dch *m = Mul(Ones, Ones);
	for (int i = 0; i < PS_N; i++)
		a[i] = itor(i + 1);
	checka(m, a, "Mul"); /* 1 2 3 4 5 */
	dch *e = Exp(Ones);
	a[0] = itor(1);
	a[1] = itor(1);
	a[2] = i2tor(3, 2);
	a[3] = i2tor(13, 6);
	a[4] = i2tor(73, 24);
	a[5] = i2tor(167, 40);
	a[6] = i2tor(4051, 720);
	a[7] = i2tor(37633, 5040);
	a[8] = i2tor(43817, 4480);
	a[9] = i2tor(4596553, 362880);
	checka(e, a, "Exp"); /* 1 1 3/2 13/6 73/24 */
	dch *at = Integ(zero, MonSubst(Ones, neg(one), 2));
	for (int c = 1, i = 0; i < PS_N; i++) {
		if (i % 2 == 0) {
			a[i] = zero;
		} else {
			a[i] = i2tor(c, i);
			c *= -1;
		}
	}
	checka(at, a, "ATan"); /* 0 -1 0 -1/3 0 -1/5 */
}

static void powser1(void)
{
	powser(false);
	printf("powser1 ok\n");
}

static void powser2(void)
{
	powser(true);
	printf("powser2 ok\n");
}

/* ---- sieve2.go ----
   Primes up to 100 from odd candidates, sieving out the composites that a
   merge goroutine produces in increasing order from one channel of odd
   multiples per prime (container/heap keeps them ordered by head). */

struct genarg {
	gort_chan *out;
	int p;
};

/* Odd numbers from 5 (p == 0), or odd multiples of p from p*p. */
static void oddsfn(void *arg)
{
	struct genarg *g = arg;
	int n = g->p ? g->p * g->p : 5, step = g->p ? 2 * g->p : 2;
	for (;;) {
		sendint(g->out, n);
		n += step;
	}
}

static gort_chan *odds(void)
{
	struct genarg *g = xmalloc(sizeof *g);
	*g = (struct genarg){ mkchan(sizeof(int), 50), 0 };
	start(oddsfn, g);
	return g->out;
}

static gort_chan *multiples(int p)
{
	struct genarg *g = xmalloc(sizeof *g);
	*g = (struct genarg){ mkchan(sizeof(int), 10), p };
	start(oddsfn, g);
	return g->out;
}

typedef struct {
	int head;
	gort_chan *ch;
} PeekCh;

/* container/heap's algorithm on a growing array of PeekCh pointers. */
typedef struct {
	PeekCh **a;
	int len, cap;
} PeekChHeap;

static bool hless(PeekChHeap *h, int i, int j)
{
	return h->a[i]->head < h->a[j]->head;
}

static void hswap(PeekChHeap *h, int i, int j)
{
	PeekCh *t = h->a[i];
	h->a[i] = h->a[j];
	h->a[j] = t;
}

static void hup(PeekChHeap *h, int j)
{
	for (;;) {
		int i = (j - 1) / 2; /* parent */
		if (i == j || !hless(h, j, i))
			break;
		hswap(h, i, j);
		j = i;
	}
}

static void hdown(PeekChHeap *h, int i, int n)
{
	for (;;) {
		int j1 = 2 * i + 1;
		if (j1 >= n || j1 < 0)
			break;
		int j = j1; /* left child */
		if (j1 + 1 < n && hless(h, j1 + 1, j1))
			j = j1 + 1; /* right child */
		if (!hless(h, j, i))
			break;
		hswap(h, i, j);
		i = j;
	}
}

static void hpush(PeekChHeap *h, PeekCh *x)
{
	if (h->len == h->cap) {
		h->cap = h->cap ? 2 * h->cap : 8;
		h->a = realloc(h->a, (size_t)h->cap * sizeof *h->a);
		if (!h->a)
			fail("out of memory");
	}
	h->a[h->len++] = x;
	hup(h, h->len - 1);
}

static PeekCh *hpop(PeekChHeap *h)
{
	if (h->len == 0)
		fail("sieve2: pop from an empty heap");
	int n = h->len - 1;
	hswap(h, 0, n);
	hdown(h, 0, n);
	return h->a[--h->len];
}

/* container/ring's nodes: sendproxy's expanding circular buffer. */
struct ring {
	int value;
	struct ring *next;
};

/* A ring of n nodes; *lastp is the one before r. */
static struct ring *ringnew(int n, struct ring **lastp)
{
	struct ring *r = xmalloc(sizeof *r), *p = r;
	for (int i = 1; i < n; i++) {
		p->next = xmalloc(sizeof *p);
		p = p->next;
	}
	p->next = r;
	*lastp = p;
	return r;
}

struct proxyarg {
	gort_chan *proxy, *out;
};

static void proxyfn(void *arg)
{
	struct proxyarg *a = arg;
	int n = 16; /* the allocated size of the circular queue */
	struct ring *sl, *first = ringnew(n, &sl), *last = first;
	int e = 0;
	for (;;) {
		gort_chan *c = a->out;
		if (first == last)
			c = NULL; /* buffer empty: disable output */
		else
			e = first->value;
		int in = 0;
		gort_case cs[2] = { { .chan = a->proxy, .dir = GORT_RECV, .elem = &in },
			            { .chan = c, .dir = GORT_SEND, .elem = &e } };
		if (gort_select(cs, 2, -1) == 0) {
			last->value = e = in;
			if (last->next == first) {
				/* buffer full: expand it (ring.Link) */
				struct ring *slast, *s = ringnew(n, &slast);
				slast->next = last->next;
				last->next = s;
				n *= 2;
			}
			last = last->next;
		} else {
			first = first->next;
		}
	}
}

/* A channel that serves as a sending proxy to out: a goroutine receives
   from it and stores the values in an expanding buffer, so that sending to
   out never blocks. */
static gort_chan *sendproxy(gort_chan *out)
{
	struct proxyarg *a = xmalloc(sizeof *a);
	*a = (struct proxyarg){ mkchan(sizeof(int), 10), out };
	start(proxyfn, a);
	return a->proxy;
}

static gort_chan *s2out, *s2composites, *s2primes;

/* Merge channels of multiples of primes into composites. */
static void s2merge(void *arg)
{
	(void)arg;
	PeekChHeap h = { 0 };
	int min = 15;
	for (;;) {
		gort_chan *m = multiples(recvint(s2primes));
		int head = recvint(m);
		while (min < head) {
			sendint(s2composites, min);
			PeekCh *minchan = hpop(&h);
			min = minchan->head;
			minchan->head = recvint(minchan->ch);
			hpush(&h, minchan);
		}
		while (min == head) {
			PeekCh *minchan = hpop(&h);
			min = minchan->head;
			minchan->head = recvint(minchan->ch);
			hpush(&h, minchan);
		}
		sendint(s2composites, head);
		PeekCh *pc = xmalloc(sizeof *pc);
		*pc = (PeekCh){ recvint(m), m };
		hpush(&h, pc);
	}
}

/* Sieve out composites from candidates. */
static void s2sieve(void *arg)
{
	(void)arg;
	/* The merging goroutine receives from primes much more slowly than
	   this goroutine sends to it, so a proxy buffers without bound (Go's
	   comment explains the deadlock it avoids). */
	gort_chan *primes = sendproxy(s2primes);
	gort_chan *candidates = odds();
	int p = recvint(candidates);
	for (;;) {
		int c = recvint(s2composites);
		while (p < c) {
			sendint(primes, p);
			sendint(s2out, p);
			p = recvint(candidates);
		}
		if (p == c)
			p = recvint(candidates);
	}
}

static void sieve2(void)
{
	s2out = mkchan(sizeof(int), 10);
	sendint(s2out, 2);
	sendint(s2out, 3);
	s2composites = mkchan(sizeof(int), 50);
	s2primes = mkchan(sizeof(int), 10);
	sendint(s2primes, 3);
	start(s2merge, NULL);
	start(s2sieve, NULL);
	static const int a[] = { 2,  3,  5,  7,  11, 13, 17, 19, 23, 29, 31, 37, 41,
		                 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97 };
	for (size_t i = 0; i < sizeof a / sizeof a[0]; i++) {
		int x = recvint(s2out);
		if (x != a[i])
			fail("sieve2: %d != %d", x, a[i]);
	}
	printf("sieve2 ok\n");
}

/* ---- zerosize.go ----
   Go makes channels of [0]byte and of struct{}; both are elements of size
   0 in C, so each make is done twice. Go only makes them; a value also
   goes through each here, since nothing else would show they work. */

static void zsend(void *arg)
{
	gort_chan_send(arg, NULL);
}

static void zerosize(void)
{
	for (int k = 0; k < 2; k++) {
		gort_chan *c0 = gort_chan_make(0, 0), *c1 = gort_chan_make(0, 1);
		if (!c0 || !c1)
			fail("zerosize: gort_chan_make of size 0: %s", strerror(errno));
		start(zsend, c0);
		if (!gort_chan_recv(c0, NULL))
			fail("zerosize: unbuffered receive failed");
		gort_chan_send(c1, NULL);
		if (gort_chan_len(c1) != 1 || gort_chan_cap(c1) != 1)
			fail("zerosize: len/cap %zu/%zu, want 1/1", gort_chan_len(c1), gort_chan_cap(c1));
		if (!gort_chan_recv(c1, NULL))
			fail("zerosize: buffered receive failed");
		gort_chan_free(c0);
		gort_chan_free(c1);
	}
	printf("zerosize ok\n");
}

/* ---- select4.go ----
   Go's case `*f() = <-c1` must not call f (its destination is evaluated
   only when the case is chosen); here the destination of the case not
   chosen, and its ok, must not be written. */

static void select4(void)
{
	struct {
		long a;
	} x = { 0 };
	gort_chan *c = mkchan(sizeof(long), 1), *c1 = mkchan(sizeof(long), 0);
	long v = 42, fdest = -7;
	gort_chan_send(c, &v);
	gort_case cs[2] = { { .chan = c1, .dir = GORT_RECV, .elem = &fdest, .ok = true },
		            { .chan = c, .dir = GORT_RECV, .elem = &x.a } };
	int k = gort_select(cs, 2, -1);
	if (k != 1)
		fail("select4: select chose case %d", k);
	if (x.a != 42)
		fail("select4: BUG: %ld", x.a);
	if (fdest != -7 || !cs[0].ok)
		fail("select4: BUG: wrote the case not chosen (%ld, ok %d)", fdest, cs[0].ok);
	gort_chan_free(c);
	gort_chan_free(c1);
	printf("select4 ok\n");
}

/* ---- select5.go ----
   Go's program generates one function per path through three templates
   (recv, send, nonblock) and runs them; here the same enumeration (Go's
   choose, maybe and next) builds each select at run time. The receive
   forms Go distinguishes for its compiler (direct, indirect, :=,
   interface, map element) become distinct destinations. Go's recvOrder
   and sendOrder templates check the order in which Go evaluates the
   channel and value expressions of cases; a C program evaluates them
   itself before it calls gort_select, so they have no counterpart.
   Go's `**(**int)(nil) = <-ch` (a destination that must not even be
   computed) is a destination on a page that cannot be read or written. */

static struct {
	int i, n;
} choices[64];
static int nchoices, cp = -1;

static int choose(int n)
{
	if (cp >= nchoices) {
		/* never asked this before: start with 0 */
		if (nchoices == 64)
			fail("select5: too many choices");
		choices[nchoices].i = 0;
		choices[nchoices].n = n;
		cp = ++nchoices;
		return 0;
	}
	/* otherwise give recorded answer */
	if (n != choices[cp].n)
		fail("select5: inconsistent choices");
	return choices[cp++].i;
}

static bool maybe(void)
{
	return choose(2) == 0;
}

static bool next(void)
{
	if (cp < 0) {
		/* start a new round */
		cp = 0;
		return true;
	}
	/* increment last choice sequence */
	cp = nchoices - 1;
	while (cp >= 0 && choices[cp].i == choices[cp].n - 1)
		cp--;
	if (cp < 0) {
		nchoices = 0;
		return false;
	}
	choices[cp].i++;
	nchoices = cp + 1;
	cp = 0;
	return true;
}

static bool s5def;
static int s5nreset;

static bool maybedefault(void)
{
	if (s5def)
		return false;
	s5def = maybe();
	return s5def;
}

static void s5reset(void)
{
	s5def = false;
	s5nreset++;
}

static gort_chan *s5c, *s5dummy;
static int s5n = 1, s5x;
static int *s5nowhere; /* a PROT_NONE page */

static const char *s5what[8];

static int s5add(gort_case *cs, int *nc, gort_chan *c, int dir, void *elem, const char *what)
{
	s5what[*nc] = what;
	cs[*nc] = (gort_case){ .chan = c, .dir = dir, .elem = elem, .ok = true };
	return (*nc)++;
}

/* After the real case, each template may add the dummy and NULL cases. */
static void s5extras(gort_case *cs, int *nc, int *one)
{
	if (maybe())
		s5add(cs, nc, s5dummy, GORT_SEND, one, "dummy send");
	if (maybe())
		s5add(cs, nc, s5dummy, GORT_RECV, NULL, "dummy receive");
	if (maybe())
		s5add(cs, nc, NULL, GORT_SEND, one, "nilch send");
	if (maybe())
		s5add(cs, nc, NULL, GORT_RECV, NULL, "nilch recv");
}

static void s5check(const char *tmpl, int k, int want, gort_case *cs)
{
	if (k != want)
		fail("select5 %s case %d: chose %s", tmpl, s5nreset, k < 0 ? "default (nonblock)" : s5what[k]);
	for (int i = 0; i < 8 && cs[i].dir; i++)
		if (i != k && !cs[i].ok)
			fail("select5 %s case %d: wrote the ok of %s", tmpl, s5nreset, s5what[i]);
	if (s5x != s5n)
		fail("select5 %s case %d: have %d want %d", tmpl, s5nreset, s5x, s5n);
	s5n++;
}

/* Send n, receive it one way or another into x, check that they match. */
static void s5recv(void)
{
	int one = 1;
	sendint(s5c, s5n);
	if (maybe()) {
		gort_chan_recv(s5c, &s5x);
		s5check("recv", 0, 0, (gort_case[8]){ 0 });
		return;
	}
	gort_case cs[8] = { 0 };
	int nc = 0, y = 0, m[14] = { 0 };
	int iface = 0;
	/* blocking or non-blocking, before the receive */
	maybedefault();
	/* Go's forms of the receive case: direct, indirect, :=, interface and
	   map element */
	int form = 4;
	void *dest = &m[13];
	if (maybe())
		form = 0, dest = &s5x;
	else if (maybe())
		form = 1, dest = (int *)&s5x;
	else if (maybe())
		form = 2, dest = &y;
	else if (maybe())
		form = 3, dest = &iface;
	s5add(cs, &nc, s5c, GORT_RECV, dest, "receive from c");
	/* blocking or non-blocking again, after the receive */
	maybedefault();
	s5extras(cs, &nc, &one);
	int k = gort_select(cs, nc, s5def ? 0 : -1);
	if (k == 0 && !cs[0].ok)
		fail("select5 recv case %d: ok false", s5nreset);
	if (form == 2)
		s5x = y;
	else if (form == 3)
		s5x = iface;
	else if (form == 4)
		s5x = m[13];
	s5check("recv", k, 0, cs);
}

/* Send n one way or another, receive it into x, check that they match. */
static void s5send(void)
{
	int one = 1, n = s5n;
	gort_case cs[8] = { 0 };
	int nc = 0, k = 0;
	if (maybe()) {
		gort_chan_send(s5c, &n);
	} else {
		maybedefault();
		s5add(cs, &nc, s5c, GORT_SEND, &n, "send to c");
		maybedefault();
		s5extras(cs, &nc, &one);
		k = gort_select(cs, nc, s5def ? 0 : -1);
	}
	s5x = recvint(s5c);
	s5check("send", k, 0, cs);
}

/* Combinations of non-blocking operations that cannot proceed: default
   must be taken, and no destination written (nor its address computed, in
   Go: here, an unwritable one is not touched). */
static void s5nonblock(void)
{
	int one = 1;
	gort_case cs[8] = { 0 };
	int nc = 0;
	s5x = s5n;
	maybedefault();
	if (maybe())
		s5add(cs, &nc, s5dummy, GORT_SEND, &one, "dummy <- 1");
	if (maybe())
		s5add(cs, &nc, NULL, GORT_SEND, &one, "nilch <- 1");
	if (maybe())
		s5add(cs, &nc, s5dummy, GORT_RECV, NULL, "<-dummy");
	if (maybe())
		s5add(cs, &nc, s5dummy, GORT_RECV, &s5x, "<-dummy x");
	if (maybe())
		s5add(cs, &nc, s5dummy, GORT_RECV, s5nowhere, "<-dummy (and didn't crash saving result!)");
	if (maybe())
		s5add(cs, &nc, NULL, GORT_RECV, NULL, "<-nilch");
	if (maybe())
		s5add(cs, &nc, NULL, GORT_RECV, &s5x, "<-nilch x");
	if (maybe())
		s5add(cs, &nc, NULL, GORT_RECV, s5nowhere, "<-nilch (and didn't crash saving result!)");
	/* Go's MustDefault: a default after the cases when none came before;
	   in C it is the same timeout of 0. */
	s5check("nonblock", gort_select(nc ? cs : NULL, nc, 0), -1, cs);
}

static int s5run(void (*tmpl)(void))
{
	int before = s5nreset;
	for (; next(); s5reset())
		tmpl();
	return s5nreset - before;
}

static void select5(void)
{
	s5c = mkchan(sizeof(int), 1); /* buffered, so the test is single-goroutine */
	s5dummy = mkchan(sizeof(int), 0);
	s5nowhere = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (s5nowhere == MAP_FAILED)
		fail("select5: mmap: %s", strerror(errno));
	int nrecv = s5run(s5recv), nsend = s5run(s5send), nnb = s5run(s5nonblock);
	/* Go's generator prints 1045 cases, 194 + 49 of them recvOrder and
	   sendOrder's */
	if (nrecv != 241 || nsend != 49 || nnb != 512)
		fail("select5: %d recv, %d send, %d nonblock cases, want 241, 49, 512", nrecv, nsend, nnb);
	munmap(s5nowhere, 4096);
	printf("select5 ok\n");
}

/* ---- closedchan.go ----
   Go's three implementations of its Chan interface: direct operations
   (non-blocking ones are one-case selects with default), one-case selects,
   and two-case selects with a dummy channel that never becomes ready. */

enum { XCHAN, SCHAN, SSCHAN };
static const char *const impls[] = { "(<- operator)", "(select)", "(select with dummy)" };
static gort_chan *ccdummy;

struct Chan {
	gort_chan *c;
	int impl;
};

/* A select on c's case alone, or with a receive from dummy too (SSChan:
   listed after c's case in Send, before it in the others, as in Go).
   Returns 0 when c's case was chosen, -1 for default. */
static int ccselect(struct Chan ch, int dir, int *x, bool *ok, int64_t timeout)
{
	gort_case cs[2];
	int n = 0, ci;
	bool ss = ch.impl == SSCHAN, dummyfirst = !(dir == GORT_SEND && timeout != 0);
	if (ss && dummyfirst)
		cs[n++] = (gort_case){ .chan = ccdummy, .dir = GORT_RECV };
	ci = n;
	cs[n++] = (gort_case){ .chan = ch.c, .dir = dir, .elem = x };
	if (ss && !dummyfirst)
		cs[n++] = (gort_case){ .chan = ccdummy, .dir = GORT_RECV };
	int k = gort_select(cs, n, timeout);
	if (k >= 0 && k != ci)
		fail("closedchan: selected the dummy channel %s", impls[ch.impl]);
	if (ok && k == ci)
		*ok = cs[ci].ok;
	return k < 0 ? -1 : 0;
}

static void ccSend(struct Chan ch, int x)
{
	if (ch.impl == XCHAN)
		gort_chan_send(ch.c, &x);
	else
		ccselect(ch, GORT_SEND, &x, NULL, -1);
}

static bool ccNbsend(struct Chan ch, int x)
{
	return ccselect(ch, GORT_SEND, &x, NULL, 0) == 0;
}

static int ccRecv(struct Chan ch)
{
	int x = -1;
	if (ch.impl == XCHAN)
		gort_chan_recv(ch.c, &x);
	else
		ccselect(ch, GORT_RECV, &x, NULL, -1);
	return x;
}

static int ccNbrecv(struct Chan ch, bool *selected)
{
	int x = -1;
	*selected = ccselect(ch, GORT_RECV, &x, NULL, 0) == 0;
	return *selected ? x : 0;
}

static int ccRecv2(struct Chan ch, bool *ok)
{
	int x = -1;
	if (ch.impl == XCHAN)
		*ok = gort_chan_recv(ch.c, &x);
	else
		ccselect(ch, GORT_RECV, &x, ok, -1);
	return x;
}

static int ccNbrecv2(struct Chan ch, bool *ok, bool *selected)
{
	int x = -1;
	*ok = false;
	*selected = ccselect(ch, GORT_RECV, &x, ok, 0) == 0;
	return *selected ? x : 0;
}

static void test1(struct Chan c)
{
	const char *impl = impls[c.impl];
	for (int i = 0; i < 3; i++) {
		/* recv a close signal (a zero value) */
		int x = ccRecv(c);
		if (x != 0)
			fail("closedchan: test1: recv on closed: %d %s", x, impl);
		bool ok, selected;
		x = ccRecv2(c, &ok);
		if (x != 0 || ok)
			fail("closedchan: test1: recv2 on closed: %d %d %s", x, ok, impl);
		/* should work with select: received a value without blocking,
		   so selected == true */
		x = ccNbrecv(c, &selected);
		if (x != 0 || !selected)
			fail("closedchan: test1: recv on closed nb: %d %d %s", x, selected, impl);
		x = ccNbrecv2(c, &ok, &selected);
		if (x != 0 || ok || !selected)
			fail("closedchan: test1: recv2 on closed nb: %d %d %d %s", x, ok, selected, impl);
	}
	/* Go checks here that Nbsend(1) and Send(2) panic and that the value
	   was discarded: the panics are fatal errors here (the
	   closedchan_nbsend_* and closedchan_send_* modes). The receives that
	   follow each of them in Go stay. */
	for (int i = 0; i < 2; i++) {
		int x = ccRecv(c);
		if (x != 0)
			fail("closedchan: test1: recv on closed got non-zero after send on closed: %d %s", x, impl);
	}
}

static void testasync1(struct Chan c)
{
	/* should be able to get the last value via Recv */
	int x = ccRecv(c);
	if (x != 1)
		fail("closedchan: testasync1: Recv did not get 1: %d %s", x, impls[c.impl]);
	test1(c);
}

static void testasync2(struct Chan c)
{
	/* should be able to get the last value via Recv2 */
	bool ok;
	int x = ccRecv2(c, &ok);
	if (x != 1 || !ok)
		fail("closedchan: testasync2: Recv2 did not get 1, true: %d %d %s", x, ok, impls[c.impl]);
	test1(c);
}

static void testasync3(struct Chan c)
{
	/* should be able to get the last value via Nbrecv */
	bool selected;
	int x = ccNbrecv(c, &selected);
	if (x != 1 || !selected)
		fail("closedchan: testasync3: Nbrecv did not get 1, true: %d %d %s", x, selected, impls[c.impl]);
	test1(c);
}

static void testasync4(struct Chan c)
{
	/* should be able to get the last value via Nbrecv2 */
	bool ok, selected;
	int x = ccNbrecv2(c, &ok, &selected);
	if (x != 1 || !ok || !selected)
		fail("closedchan: testasync4: Nbrecv2 did not get 1, true, true: %d %d %d %s", x, ok, selected,
		     impls[c.impl]);
	test1(c);
}

static gort_chan *closedsync(void)
{
	gort_chan *c = mkchan(sizeof(int), 0);
	gort_chan_close(c);
	return c;
}

static gort_chan *closedasync(void)
{
	gort_chan *c = mkchan(sizeof(int), 2);
	sendint(c, 1);
	gort_chan_close(c);
	return c;
}

static void closedchan(void)
{
	ccdummy = mkchan(sizeof(bool), 0);
	for (int impl = 0; impl < 3; impl++) {
		struct Chan c = { closedsync(), impl };
		test1(c);
		gort_chan_free(c.c);
	}
	void (*testcloseds[])(struct Chan) = { testasync1, testasync2, testasync3, testasync4 };
	for (int t = 0; t < 4; t++) {
		for (int impl = 0; impl < 3; impl++) {
			struct Chan c = { closedasync(), impl };
			testcloseds[t](c);
			gort_chan_free(c.c);
		}
	}
	/* Go's last checks, close of a nil and of a closed channel, are the
	   closedchan_close_* modes. */
	printf("closedchan ok\n");
}

/* closedchan's panicking operations, one per process: mode is
   closedchan_<op>_<impl>. Prints "not reached" if the operation returns. */
static bool closedchan_fatal(const char *mode)
{
	static const char *const suffix[] = { "x", "s", "ss" };
	char name[64];
	ccdummy = mkchan(sizeof(bool), 0);
	for (int impl = 0; impl < 3; impl++) {
		struct Chan c = { closedsync(), impl };
		snprintf(name, sizeof name, "closedchan_nbsend_%s", suffix[impl]);
		if (strcmp(mode, name) == 0) {
			printf("Nbsend %s\n", impls[impl]);
			fflush(stdout);
			bool sent = ccNbsend(c, 1);
			printf("not reached: Nbsend returned %d\n", sent);
			return true;
		}
		snprintf(name, sizeof name, "closedchan_send_%s", suffix[impl]);
		if (strcmp(mode, name) == 0) {
			printf("Send %s\n", impls[impl]);
			fflush(stdout);
			ccSend(c, 2);
			printf("not reached: Send returned\n");
			return true;
		}
	}
	if (strcmp(mode, "closedchan_close_nil") == 0) {
		gort_chan_close(NULL);
		printf("not reached: close(nil) returned\n");
		return true;
	}
	if (strcmp(mode, "closedchan_close_closed") == 0) {
		gort_chan *ch = mkchan(sizeof(int), 0);
		gort_chan_close(ch);
		gort_chan_close(ch);
		printf("not reached: close(closed) returned\n");
		return true;
	}
	return false;
}

/* ---- chancap.go ----
   Go's T is chan int: 8-byte elements. Its make panics "makechan: size
   out of range" are, in the API, NULL with errno: EINVAL when
   elem_size * cap overflows, ENOMEM when the buffer is too big to
   allocate (Go's mem > maxAlloc). */

static void badmake(size_t cap, int want, const char *what)
{
	errno = 0;
	gort_chan *c = gort_chan_make(sizeof(int64_t), cap);
	if (c || errno != want)
		fail("chancap: make(T, %s) gave %p, errno %d, want NULL, errno %d", what, (void *)c, errno, want);
}

static void chancap(void)
{
	gort_chan *c = mkchan(sizeof(int64_t), 10);
	if (gort_chan_len(c) != 0 || gort_chan_cap(c) != 10)
		fail("chancap: chan len/cap %zu %zu want 0 10", gort_chan_len(c), gort_chan_cap(c));
	for (int64_t i = 0; i < 3; i++)
		gort_chan_send(c, &i);
	if (gort_chan_len(c) != 3 || gort_chan_cap(c) != 10)
		fail("chancap: chan len/cap %zu %zu want 3 10", gort_chan_len(c), gort_chan_cap(c));
	gort_chan_free(c);
	c = mkchan(sizeof(int64_t), 0);
	if (gort_chan_len(c) != 0 || gort_chan_cap(c) != 0)
		fail("chancap: chan len/cap %zu %zu want 0 0", gort_chan_len(c), gort_chan_cap(c));
	gort_chan_free(c);
	int n = -1;
	badmake((size_t)n, EINVAL, "-1");
	badmake((size_t)(int64_t)n, EINVAL, "int64(-1)");
	/* mem > maxAlloc */
	badmake((size_t)1 << 59, ENOMEM, "1<<59");
	/* elem.size*cap overflow */
	badmake(((size_t)1 << 63) - 1, EINVAL, "1<<63-1");
	printf("chancap ok\n");
}

/* ---- chanlinear.go ----
   Go's checkLinear: the time of f(2n) must be under 3 times that of f(n).
   While f(n) takes under a second Go doubles n and tries again; here
   under 100 ms, to stay fast (f(1000) takes 5 to 10 ms). As in Go, once
   f(n) takes longer, five failures in a row are a failure. f(n): n
   goroutines each wait 10 times in a select on one shared channel and
   their own; main wakes them one by one through their own, so each wake
   takes one waiter out of the shared channel's queue of n. */

enum { CL_MESSAGES = 10 };

struct clarg {
	gort_chan *c, *d;
	gort_waitgroup *wg;
};

static void clwaiter(void *arg)
{
	struct clarg *a = arg;
	for (int j = 0; j < CL_MESSAGES; j++) {
		/* queue ourselves on the global channel */
		gort_case cs[2] = { { .chan = a->c, .dir = GORT_RECV }, { .chan = a->d, .dir = GORT_RECV } };
		gort_select(cs, 2, -1);
	}
	gort_wg_done(a->wg);
}

static void clf(int n)
{
	gort_chan *c = mkchan(sizeof(bool), 0); /* global channel */
	struct clarg *a = xmalloc((size_t)n * sizeof *a);
	gort_waitgroup wg = GORT_WAITGROUP_INIT;
	gort_wg_add(&wg, n);
	for (int i = 0; i < n; i++) {
		a[i] = (struct clarg){ c, mkchan(sizeof(bool), 0), &wg };
		start(clwaiter, &a[i]);
	}
	bool t = true;
	for (int i = 0; i < CL_MESSAGES; i++) {
		/* wake each goroutine up, forcing it to dequeue and then
		   enqueue on the global channel */
		for (int k = 0; k < n; k++)
			gort_chan_send(a[k].d, &t);
	}
	/* Go does not wait for the goroutines' last return; C frees. */
	gort_wg_wait(&wg);
	for (int i = 0; i < n; i++)
		gort_chan_free(a[i].d);
	free(a);
	gort_chan_free(c);
}

static int64_t timef(int n)
{
	int64_t t1 = gort_nanotime();
	clf(n);
	return gort_nanotime() - t1;
}

static void chanlinear(void)
{
	int n = 1000, fails = 0;
	for (;;) {
		/* Go collects garbage before each timing; here an untimed f(2n)
		   makes the goroutines both timings need, so that neither pays
		   for fresh stacks: their first touch is a page fault per
		   goroutine (runtime/stack.c), several times the cost of a wake,
		   and f(2n) alone would pay it for the goroutines f(n) did not
		   leave behind. */
		clf(2 * n);
		int64_t t1 = timef(n), t2 = timef(2 * n);
		/* should be 2x (linear); allow up to 3x */
		if (t2 < 3 * t1)
			break;
		if (t1 < 100000000) {
			n *= 2;
			continue;
		}
		if (++fails >= 5)
			fail("chanlinear: chanSelect: too slow: %d channels: %lld ns; %d channels: %lld ns", n,
			     (long long)t1, 2 * n, (long long)t2);
	}
	printf("chanlinear ok\n");
}

/* ---- 235.go ----
   The 2,3,5 problem (all numbers with only 2, 3 and 5 as factors) with one
   multiplier goroutine per factor between two buffered channels. */

struct marg {
	gort_chan *in, *out;
	uint64_t f;
};

static void mfn(void *arg)
{
	struct marg *m = arg;
	for (;;) {
		uint64_t v;
		gort_chan_recv(m->in, &v);
		v *= m->f;
		gort_chan_send(m->out, &v);
	}
}

static void p235(void)
{
	static const uint64_t F[] = { 2, 3, 5 };
	static const uint64_t OUT[] = {
		2,    3,    4,    5,    6,    8,    9,    10,   12,   15,   16,   18,   20,   24,   25,   27,   30,
		32,   36,   40,   45,   48,   50,   54,   60,   64,   72,   75,   80,   81,   90,   96,   100,  108,
		120,  125,  128,  135,  144,  150,  160,  162,  180,  192,  200,  216,  225,  240,  243,  250,  256,
		270,  288,  300,  320,  324,  360,  375,  384,  400,  405,  432,  450,  480,  486,  500,  512,  540,
		576,  600,  625,  640,  648,  675,  720,  729,  750,  768,  800,  810,  864,  900,  960,  972,  1000,
		1024, 1080, 1125, 1152, 1200, 1215, 1250, 1280, 1296, 1350, 1440, 1458, 1500, 1536, 1600,
	};
	enum { n = 3 };
	static struct marg ms[n];
	uint64_t x = 1, xs[n];
	for (int i = 0; i < n; i++) {
		ms[i] = (struct marg){ mkchan(sizeof(uint64_t), 100), mkchan(sizeof(uint64_t), 100), F[i] };
		start(mfn, &ms[i]);
		xs[i] = x;
	}
	for (size_t i = 0; i < sizeof OUT / sizeof OUT[0]; i++) {
		for (int k = 0; k < n; k++)
			gort_chan_send(ms[k].in, &x);
		for (int k = 0; k < n; k++)
			if (xs[k] == x)
				gort_chan_recv(ms[k].out, &xs[k]);
		x = xs[0];
		for (int k = 1; k < n; k++)
			if (xs[k] < x)
				x = xs[k];
		if (x != OUT[i])
			fail("235: bad: %llu should be %llu", (unsigned long long)x, (unsigned long long)OUT[i]);
	}
	printf("235 ok\n");
}

/* ---- range.go's testchan ---- */

struct genrange {
	gort_chan *c;
	int lo, hi;
};

static void gen(void *arg)
{
	struct genrange *g = arg;
	for (int i = g->lo; i <= g->hi; i++)
		sendint(g->c, i);
	gort_chan_close(g->c);
	free(g);
}

static gort_chan *seq(int lo, int hi)
{
	struct genrange *g = xmalloc(sizeof *g);
	*g = (struct genrange){ mkchan(sizeof(int), 0), lo, hi };
	gort_chan *c = g->c;
	start(gen, g);
	return c;
}

static void rangechan(void)
{
	static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz";
	char s[64];
	size_t len = 0;
	int i;
	gort_chan *c = seq('a', 'z');
	while (gort_chan_recv(c, &i))
		if (len < sizeof s - 1)
			s[len++] = (char)i;
	s[len] = 0;
	gort_chan_free(c); /* the receive that saw the close was the last operation */
	if (strcmp(s, alphabet) != 0)
		fail("range: Wanted lowercase alphabet; got %s", s);
	int n = 0;
	c = seq('a', 'z');
	while (gort_chan_recv(c, NULL))
		n++;
	gort_chan_free(c);
	if (n != 26)
		fail("range: testchan wrong count %d want 26", n);
	printf("range ok\n");
}

/* ---- nil.go's chantest ----
   Go's shouldBlock: f runs in a goroutine that fails if f returns; main
   waits 10 ms. */

static void nilsend(void *arg)
{
	(void)arg;
	sendint(NULL, 1);
	fail("nilchan: did not block: send");
}

static void nilrecv(void *arg)
{
	(void)arg;
	gort_chan_recv(NULL, NULL);
	fail("nilchan: did not block: receive");
}

static void nilrecv2(void *arg)
{
	(void)arg;
	int x = 5;
	bool ok = gort_chan_recv(NULL, &x);
	fail("nilchan: did not block: receive: %d %d", x, ok); /* unreachable */
}

static void nilchan(void)
{
	/* nil channel is never ready */
	void (*fs[])(void *) = { nilsend, nilrecv, nilrecv2 };
	for (int i = 0; i < 3; i++) {
		start(fs[i], NULL);
		gort_sleep(10000000);
	}
	if (gort_chan_len(NULL) != 0)
		fail("nilchan: len %zu", gort_chan_len(NULL));
	if (gort_chan_cap(NULL) != 0)
		fail("nilchan: cap %zu", gort_chan_cap(NULL));
	printf("nilchan ok\n");
}

/* ---- sendstmt.go ----
   Go's `case <-cc <- 2:` receives a channel from cc (when the select is
   entered) and sends 2 on it; sendprec sends the value of false || true. */

static void sendstmt(void)
{
	gort_chan *cc = mkchan(sizeof(gort_chan *), 1), *c = mkchan(sizeof(int), 1), *got = NULL;
	gort_chan_send(cc, &c);
	gort_chan_recv(cc, &got);
	int two = 2;
	gort_case cs = { .chan = got, .dir = GORT_SEND, .elem = &two };
	if (gort_select(&cs, 1, 0) != 0)
		fail("sendstmt: nonblock");
	if (recvint(c) != 2)
		fail("sendstmt: bad receive");
	gort_chan *cb = mkchan(sizeof(bool), 1);
	bool v = false || true; /* same as c <- (false || true) */
	gort_chan_send(cb, &v);
	v = false;
	gort_chan_recv(cb, &v);
	if (!v)
		fail("sendstmt: sent false");
	gort_chan_free(cc);
	gort_chan_free(c);
	gort_chan_free(cb);
	printf("sendstmt ok\n");
}

/* ---- fixedbugs/bug147.go ---- */

static int b147count;

static void b147(void *arg)
{
	gort_chan_recv(arg, NULL);
	b147count++;
	gort_sleep(1000000);
	b147count++;
	gort_chan_recv(arg, NULL);
}

static void bug147(void)
{
	gort_chan *c = mkchan(1, 0);
	start(b147, c);
	unsigned char b = 1;
	gort_chan_send(c, &b);
	b = 2;
	gort_chan_send(c, &b);
	if (b147count != 2)
		fail("bug147: synchronous send did not wait");
	printf("bug147 ok\n");
}

/* ---- runtime/chanbarrier_test.go ----
   TestChanSendSelectBarrier and TestChanSendBarrier with Go's -short
   counts (10 goroutines of 1000 requests each; Go's full run is 100 of
   100,000). Each request makes two channels and a goroutine that answers
   with a pointer; the requester checks the answer. Go's garbage is a
   1 KiB malloc kept until the next. The requester frees ch right after
   its receive and the answering goroutine frees done once its select
   returned, each as early as the API allows. */

struct async {
	void *resp;
	int err;
};

enum { MYERROR = 0x6d79 };

struct reqarg {
	gort_chan *ch, *done;
};

static void answer_select(void *arg)
{
	struct reqarg r = *(struct reqarg *)arg;
	free(arg);
	struct async *a = xmalloc(sizeof *a);
	*a = (struct async){ NULL, MYERROR };
	gort_case cs[2] = { { .chan = r.ch, .dir = GORT_SEND, .elem = &a }, { .chan = r.done, .dir = GORT_RECV } };
	if (gort_select(cs, 2, -1) != 0)
		fail("chanbarrier: received from done");
	gort_chan_free(r.done);
}

static void answer(void *arg)
{
	struct reqarg r = *(struct reqarg *)arg;
	free(arg);
	struct async *a = xmalloc(sizeof *a);
	*a = (struct async){ NULL, MYERROR };
	gort_chan_send(r.ch, &a);
}

static int doRequest(bool useSelect)
{
	struct reqarg *r = xmalloc(sizeof *r);
	r->ch = mkchan(sizeof(struct async *), 0);
	r->done = mkchan(0, 0);
	gort_chan *ch = r->ch, *done = r->done;
	start(useSelect ? answer_select : answer, r);
	struct async *a = NULL;
	gort_chan_recv(ch, &a);
	gort_chan_free(ch);
	if (!useSelect)
		gort_chan_free(done); /* never used */
	gort_yield();
	int err = a->err;
	free(a);
	return err;
}

static gort_mutex globalMu;
static void *global;
static gort_waitgroup cbwg;

static void cbworker(void *arg)
{
	bool useSelect = arg != NULL;
	void *garbage = NULL;
	for (int j = 0; j < 1000; j++) {
		if (doRequest(useSelect) != MYERROR)
			fail("chanbarrier: bad answer");
		free(garbage);
		garbage = xmalloc(1 << 10);
	}
	gort_mutex_lock(&globalMu);
	free(global);
	global = garbage;
	gort_mutex_unlock(&globalMu);
	gort_wg_done(&cbwg);
}

static void chanbarrier(void)
{
	for (int useSelect = 1; useSelect >= 0; useSelect--) {
		gort_wg_add(&cbwg, 10);
		for (int i = 0; i < 10; i++)
			start(cbworker, useSelect ? (void *)1 : NULL);
		gort_wg_wait(&cbwg);
	}
	printf("chanbarrier ok\n");
}

static const struct {
	const char *name;
	void (*fn)(void);
} tests[] = {
	{ "powser1", powser1 },
	{ "powser2", powser2 },
	{ "sieve2", sieve2 },
	{ "zerosize", zerosize },
	{ "select4", select4 },
	{ "select5", select5 },
	{ "closedchan", closedchan },
	{ "chancap", chancap },
	{ "chanlinear", chanlinear },
	{ "235", p235 },
	{ "range", rangechan },
	{ "nilchan", nilchan },
	{ "sendstmt", sendstmt },
	{ "bug147", bug147 },
	{ "chanbarrier", chanbarrier },
};

int main(int argc, char **argv)
{
	if (argc > 1 && strncmp(argv[1], "closedchan_", 11) == 0) {
		if (!closedchan_fatal(argv[1])) {
			printf("unknown mode %s\n", argv[1]);
			return 1;
		}
		return 0;
	}
	int n = (int)(sizeof tests / sizeof tests[0]);
	for (int i = 0; i < n; i++)
		if (argc < 2 || strcmp(argv[1], tests[i].name) == 0)
			tests[i].fn();
	return 0;
}
