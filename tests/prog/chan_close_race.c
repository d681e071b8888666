/* close racing with everything that may legally run beside it: receivers
   blocked and arriving, selects (with the closed channel in two cases,
   beside a channel that is never ready, with and without a timeout),
   non-blocking receives, and senders that finish just before the close.
   Every value sent is received exactly once, every receiver sees the close
   (zero value, ok false) exactly once it drained the channel. */
#include <gort.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

enum { SENDERS = 4, PER = 200, RECEIVERS = 6 };

/* Nobody sends on never or receives from nevers. */
static gort_chan *c, *never, *nevers, *sdone, *rdone;
static _Atomic long sum, count;

static void sender(void *arg)
{
	long base = (long)arg * PER;
	for (long i = 1; i <= PER; i++) {
		long v = base + i;
		gort_chan_send(c, &v);
	}
	gort_chan_send(sdone, NULL);
}

static void bad(const char *what, long v, bool ok)
{
	printf("FAIL: %s: v=%ld ok=%d\n", what, v, ok);
	exit(1);
}

static void receiver(void *arg)
{
	int kind = (int)(long)arg;
	for (;;) {
		long v = -1, w = -1;
		bool ok;
		int k;
		switch (kind) {
		case 0: /* plain receive */
			ok = gort_chan_recv(c, &v);
			break;
		case 1: { /* select, the channel twice, beside a never-ready one */
			gort_case cs[3] = { { .chan = never, .dir = GORT_RECV, .elem = &w },
			                    { .chan = c, .dir = GORT_RECV, .elem = &v },
			                    { .chan = c, .dir = GORT_RECV, .elem = &v } };
			k = gort_select(cs, 3, -1);
			if (k < 1 || w != -1 || cs[0].ok)
				bad("select case", k, false);
			ok = cs[k].ok;
			if (cs[3 - k].ok)
				bad("unchosen case written", k, true);
			break;
		}
		case 2: { /* select with a short timeout */
			gort_case cs[2] = { { .chan = c, .dir = GORT_RECV, .elem = &v },
			                    { .chan = nevers, .dir = GORT_SEND, .elem = &w } };
			k = gort_select(cs, 2, 20000);
			if (k == -1) {
				if (v != -1 || cs[0].ok)
					bad("timed out but written", v, cs[0].ok);
				continue;
			}
			if (k != 0)
				bad("select case", k, false);
			ok = cs[0].ok;
			break;
		}
		default: { /* non-blocking polling */
			gort_case cs = { .chan = c, .dir = GORT_RECV, .elem = &v };
			k = gort_select(&cs, 1, 0);
			if (k == -1) {
				gort_yield();
				continue;
			}
			ok = cs.ok;
			break;
		}
		}
		if (!ok) {
			if (v != 0)
				bad("closed but not zeroed", v, ok);
			break;
		}
		if (v <= 0 || v > SENDERS * PER)
			bad("value", v, ok);
		atomic_fetch_add(&sum, v);
		atomic_fetch_add(&count, 1);
	}
	gort_chan_send(rdone, NULL);
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 300;
	never = gort_chan_make(sizeof(long), 0);
	nevers = gort_chan_make(sizeof(long), 0);
	sdone = gort_chan_make(0, SENDERS);
	rdone = gort_chan_make(0, RECEIVERS);
	long n = SENDERS * PER;
	for (int r = 0; r < rounds; r++) {
		c = gort_chan_make(sizeof(long), (size_t)(r % 4) * 2);
		sum = count = 0;
		for (long i = 0; i < RECEIVERS; i++)
			go(receiver, (void *)(i % 4));
		for (long i = 0; i < SENDERS; i++)
			go(sender, (void *)i);
		for (int i = 0; i < SENDERS; i++)
			gort_chan_recv(sdone, NULL);
		gort_chan_close(c);
		for (int i = 0; i < RECEIVERS; i++)
			gort_chan_recv(rdone, NULL);
		if (count != n || sum != n * (n + 1) / 2) {
			printf("FAIL: round %d: received %ld values summing to %ld\n", r, (long)count, (long)sum);
			return 1;
		}
		gort_chan_free(c);
	}
	printf("close race ok: %d rounds\n", rounds);

	/* A close arriving while selects wait on it and time out. */
	for (int r = 0; r < rounds * 10; r++) {
		c = gort_chan_make(sizeof(long), 0);
		for (long i = 1; i < 4; i++)
			go(receiver, (void *)i);
		if (r % 2)
			gort_yield();
		gort_chan_close(c);
		for (int i = 1; i < 4; i++)
			gort_chan_recv(rdone, NULL);
		gort_chan_free(c);
	}
	printf("close vs timeout ok\n");
	return 0;
}
