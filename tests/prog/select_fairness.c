/* Randomness of select.
   - Go 1.19's TestSelectFairness: among ready cases the choice is uniform
     (two always-ready buffered channels behind two never-ready ones, with
     Go's bound: a false alarm once in a million runs).
   - Go 1.19's TestPseudoRandomSend: two send cases on one channel, for a
     receiver that is and is not already waiting.
   - Which case a later partner completes is uniform too: a goroutine waits
     in a select with the same channel in three receive cases (and another
     channel in a fourth); a sender on that channel completes one of the
     three, each a third of the time (chi-square, 2 degrees of freedom,
     false alarm once in a million runs).
   - Waiters on one channel are woken in FIFO order. */
#include <gort.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

enum { TRIALS = 10000 };

static gort_chan *c1, *c2, *c3, *c4, *out, *done;

static void fairness_loop(void *arg)
{
	(void)arg;
	for (;;) {
		unsigned char b = 0;
		gort_case cs[4] = {
			{ .chan = c3, .dir = GORT_RECV, .elem = &b },
			{ .chan = c4, .dir = GORT_RECV, .elem = &b },
			{ .chan = c1, .dir = GORT_RECV, .elem = &b },
			{ .chan = c2, .dir = GORT_RECV, .elem = &b },
		};
		gort_select(cs, 4, -1);
		gort_case cs2[2] = { { .chan = out, .dir = GORT_SEND, .elem = &b },
		                     { .chan = done, .dir = GORT_RECV } };
		if (gort_select(cs2, 2, -1) == 1)
			break;
	}
	gort_chan_send(c3, NULL); /* tell main we are gone */
}

static int select_fairness(void)
{
	c1 = gort_chan_make(1, TRIALS + 1);
	c2 = gort_chan_make(1, TRIALS + 1);
	for (int i = 0; i < TRIALS + 1; i++) {
		unsigned char one = 1, two = 2;
		gort_chan_send(c1, &one);
		gort_chan_send(c2, &two);
	}
	c3 = gort_chan_make(1, 0);
	c4 = gort_chan_make(1, 0);
	out = gort_chan_make(1, 0);
	done = gort_chan_make(0, 0);
	go(fairness_loop, 0);
	int cnt1 = 0, cnt2 = 0;
	for (int i = 0; i < TRIALS; i++) {
		unsigned char b;
		gort_chan_recv(out, &b);
		if (b == 1)
			cnt1++;
		else if (b == 2)
			cnt2++;
		else {
			printf("FAIL: unexpected value %d on channel\n", b);
			return 1;
		}
	}
	double r = (double)cnt1 / TRIALS, e = fabs(r - 0.5);
	if (e > 4.891676 / (2 * sqrt(TRIALS))) {
		printf("FAIL: unfair select: in %d trials, results were %d, %d\n", TRIALS, cnt1, cnt2);
		return 1;
	}
	gort_chan_close(done);
	gort_chan_recv(c3, NULL);
	gort_chan_free(c1);
	gort_chan_free(c2);
	gort_chan_free(c3);
	gort_chan_free(c4);
	gort_chan_free(out);
	gort_chan_free(done);
	printf("SelectFairness ok\n");
	return 0;
}

enum { PN = 100 };
static int l[PN];
static gort_chan *pc, *pdone;

static void pseudo_recv(void *arg)
{
	(void)arg;
	for (int i = 0; i < PN; i++) {
		gort_yield();
		gort_chan_recv(pc, &l[i]);
	}
	gort_chan_send(pdone, NULL);
}

static int pseudo_random_send(void)
{
	size_t caps[2] = { 0, PN };
	pdone = gort_chan_make(0, 0);
	for (int t = 0; t < 2; t++) {
		pc = gort_chan_make(sizeof(int), caps[t]);
		go(pseudo_recv, 0);
		int one = 1, zero = 0;
		for (int i = 0; i < PN; i++) {
			gort_case cs[2] = { { .chan = pc, .dir = GORT_SEND, .elem = &one },
			                    { .chan = pc, .dir = GORT_SEND, .elem = &zero } };
			gort_select(cs, 2, -1);
		}
		gort_chan_recv(pdone, NULL);
		int n0 = 0, n1 = 0;
		for (int i = 0; i < PN; i++) {
			n0 += (l[i] + 1) % 2;
			n1 += l[i];
		}
		if (n0 <= PN / 10 || n1 <= PN / 10) {
			printf("FAIL: want pseudorandom, got %d zeros and %d ones (chan cap %zu)\n", n0, n1, caps[t]);
			return 1;
		}
		gort_chan_free(pc);
	}
	gort_chan_free(pdone);
	printf("PseudoRandomSend ok\n");
	return 0;
}

enum { WTRIALS = 3000 };
static gort_chan *wc, *wd, *wres;

static void waiting_select(void *arg)
{
	(void)arg;
	for (int t = 0; t < WTRIALS; t++) {
		int v[4] = { -1, -1, -1, -1 };
		gort_case cs[4] = {
			{ .chan = wc, .dir = GORT_RECV, .elem = &v[0] },
			{ .chan = wd, .dir = GORT_RECV, .elem = &v[1] },
			{ .chan = wc, .dir = GORT_RECV, .elem = &v[2] },
			{ .chan = wc, .dir = GORT_RECV, .elem = &v[3] },
		};
		int k = gort_select(cs, 4, -1);
		/* Only the chosen case is written, ok included. */
		for (int j = 0; j < 4; j++) {
			if (j != k && (v[j] != -1 || cs[j].ok)) {
				printf("FAIL: case %d written though %d was chosen\n", j, k);
				exit(1);
			}
		}
		if (v[k] != t || !cs[k].ok) {
			printf("FAIL: case %d got %d ok %d, want %d\n", k, v[k], cs[k].ok, t);
			exit(1);
		}
		gort_chan_send(wres, &k);
	}
}

static int waiting_fairness(void)
{
	wc = gort_chan_make(sizeof(int), 0);
	wd = gort_chan_make(sizeof(int), 0);
	wres = gort_chan_make(sizeof(int), 0);
	go(waiting_select, 0);
	int count[4] = { 0 };
	for (int t = 0; t < WTRIALS; t++) {
		/* Give the select time to park first, mostly; it makes no
		   difference to the expected counts if it has not. */
		gort_yield();
		gort_yield();
		gort_chan_send(wc, &t);
		int k;
		gort_chan_recv(wres, &k);
		count[k]++;
	}
	if (count[1] != 0) {
		printf("FAIL: the other channel's case was chosen\n");
		return 1;
	}
	double exp = WTRIALS / 3.0, chi2 = 0;
	int idx[3] = { 0, 2, 3 };
	for (int j = 0; j < 3; j++)
		chi2 += (count[idx[j]] - exp) * (count[idx[j]] - exp) / exp;
	/* P(chi2 > x) = exp(-x/2) for 2 degrees of freedom: 1e-6 at 27.63. */
	if (chi2 > 27.63) {
		printf("FAIL: partner completes the same-channel cases unevenly: %d %d %d (chi2 %.1f)\n",
		       count[0], count[2], count[3], chi2);
		return 1;
	}
	gort_chan_free(wc);
	gort_chan_free(wd);
	gort_chan_free(wres);
	printf("WaitingSelectFairness ok: %d %d %d\n", count[0], count[2], count[3]);
	return 0;
}

static gort_chan *fc, *fout;

static void fifo_recv(void *arg)
{
	long id = (long)arg, v;
	gort_chan_recv(fc, &v);
	long pair[1] = { id * 1000 + v };
	gort_chan_send(fout, pair);
}

/* With one P, a new goroutine runs as soon as main yields, and parks in
   its receive before main runs again: the queue order is known. */
static int fifo_wakeups(void)
{
	int old = gort_gomaxprocs(1);
	fc = gort_chan_make(sizeof(long), 0);
	fout = gort_chan_make(sizeof(long), 10);
	for (long id = 0; id < 5; id++) {
		go(fifo_recv, (void *)id);
		for (int i = 0; i < 10; i++)
			gort_yield();
	}
	for (long v = 0; v < 5; v++)
		gort_chan_send(fc, &v);
	for (int i = 0; i < 5; i++) {
		long x;
		gort_chan_recv(fout, &x);
		if (x / 1000 != x % 1000) {
			printf("FAIL: receiver %ld got value %ld: not FIFO\n", x / 1000, x % 1000);
			return 1;
		}
	}
	gort_chan_free(fc);
	gort_chan_free(fout);
	gort_gomaxprocs(old);
	printf("FIFO ok\n");
	return 0;
}

int main(void)
{
	if (select_fairness() || pseudo_random_send() || waiting_fairness() || fifo_wakeups())
		return 1;
	return 0;
}
