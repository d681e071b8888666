/* Timeouts of gort_select.
   1. A select that nothing completes returns -1, not before its timeout.
   2. Zero cases with a timeout sleep; a timeout of 0 returns at once.
   3. Timeouts racing partners on both sides: every value a sender's select
      reports sent is received exactly once, and no other.
   4. A select woken by a partner before its timeout, then blocked for ever
      in another select, is not woken by the first one's timer.
   5. A partner arriving before the timeout wins. */
#include <gort.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

#define MS 1000000LL

static gort_chan *c, *done, *x;
static _Atomic long sent, sentsum;
static long rounds = 20000;

static void timed_sender(void *arg)
{
	(void)arg;
	for (long i = 1; i <= rounds; i++) {
		gort_case cs = { .chan = c, .dir = GORT_SEND, .elem = &i };
		if (gort_select(&cs, 1, 1000 + (i % 7) * 3000) == 0) {
			sent++;
			sentsum += i;
		}
	}
	gort_chan_send(done, NULL);
}

static _Atomic int spurious;
static _Atomic int stage;

static void stale_timer(void *arg)
{
	(void)arg;
	for (int i = 0; i < 20; i++) {
		long v;
		gort_case cs[2] = { { .chan = c, .dir = GORT_RECV, .elem = &v },
		                    { .chan = x, .dir = GORT_SEND, .elem = &v } };
		/* Woken at once by main's send, long before the timer. */
		if (gort_select(cs, 2, 2 * MS) != 0)
			spurious++;
		atomic_store(&stage, 1);
		gort_case forever[2] = { { .chan = x, .dir = GORT_RECV, .elem = &v },
		                         { .chan = NULL, .dir = GORT_RECV } };
		if (gort_select(forever, 2, -1) != 0 || v != 77)
			spurious++;
	}
	gort_chan_send(done, NULL);
}

static void late_sender(void *arg)
{
	(void)arg;
	long v = 42;
	gort_sleep(5 * MS);
	gort_chan_send(c, &v);
}

int main(int argc, char **argv)
{
	if (argc > 1)
		rounds = atol(argv[1]);
	c = gort_chan_make(sizeof(long), 0);
	x = gort_chan_make(sizeof(long), 0);
	done = gort_chan_make(0, 0);

	/* 1 */
	int64_t t0 = gort_nanotime();
	long v = -1;
	gort_case cs[2] = { { .chan = c, .dir = GORT_RECV, .elem = &v },
	                    { .chan = c, .dir = GORT_SEND, .elem = &v } };
	int k = gort_select(cs, 2, 20 * MS);
	int64_t el = gort_nanotime() - t0;
	if (k != -1 || el < 20 * MS || el > 20000 * MS || v != -1 || cs[0].ok) {
		printf("FAIL: timeout: k=%d after %lld ns\n", k, (long long)el);
		return 1;
	}
	printf("timeout ok\n");

	/* 2 */
	t0 = gort_nanotime();
	k = gort_select(NULL, 0, 20 * MS);
	el = gort_nanotime() - t0;
	if (k != -1 || el < 20 * MS) {
		printf("FAIL: no cases: k=%d after %lld ns\n", k, (long long)el);
		return 1;
	}
	gort_case nil = { .chan = NULL, .dir = GORT_SEND };
	t0 = gort_nanotime();
	if (gort_select(&nil, 1, 5 * MS) != -1 || gort_nanotime() - t0 < 5 * MS) {
		printf("FAIL: nil case with timeout\n");
		return 1;
	}
	if (gort_select(NULL, 0, 0) != -1) {
		printf("FAIL: no cases, timeout 0\n");
		return 1;
	}
	printf("no cases ok\n");

	/* 3 */
	go(timed_sender, 0);
	long got = 0, gotsum = 0;
	for (;;) {
		gort_case rc[2] = { { .chan = c, .dir = GORT_RECV, .elem = &v },
		                    { .chan = done, .dir = GORT_RECV } };
		k = gort_select(rc, 2, 2000 + (got % 5) * 1000);
		if (k == 1)
			break;
		if (k == 0) {
			got++;
			gotsum += v;
		}
		/* Be late now and then, so that both sides time out often. */
		int64_t until = gort_nanotime() + (got % 4) * 20000;
		while (gort_nanotime() < until)
			;
	}
	if (got != sent || gotsum != sentsum) {
		printf("FAIL: sent %ld (sum %ld), received %ld (sum %ld)\n", (long)sent, (long)sentsum, got, gotsum);
		return 1;
	}
	printf("timeouts racing partners ok (%s)\n", got > 0 && got < rounds ? "some timed out" : "none timed out");

	/* 4 */
	go(stale_timer, 0);
	for (int i = 0; i < 20; i++) {
		long one = 1, seventyseven = 77;
		stage = 0;
		gort_chan_send(c, &one);
		while (!atomic_load(&stage))
			gort_yield();
		gort_sleep(3 * MS);
		gort_chan_send(x, &seventyseven);
	}
	gort_chan_recv(done, NULL);
	if (spurious) {
		printf("FAIL: %d spurious wake-ups\n", (int)spurious);
		return 1;
	}
	printf("stale timer ok\n");

	/* 5 */
	go(late_sender, 0);
	t0 = gort_nanotime();
	v = 0;
	gort_case rc = { .chan = c, .dir = GORT_RECV, .elem = &v };
	k = gort_select(&rc, 1, 10000 * MS);
	if (k != 0 || !rc.ok || v != 42) {
		printf("FAIL: partner before timeout: k=%d v=%ld\n", k, v);
		return 1;
	}
	printf("partner before timeout ok\n");
	printf("done\n");
	return 0;
}
