/* Lifetimes (gort.h): gort never touches a channel after the call
   that lets another goroutine see the operation complete, so the goroutine
   that sees it may free the channel at once. Each scenario frees the
   channel as soon as the API allows, takes the freed memory back with
   malloc (usually the same block), fills it with a pattern, and checks the
   pattern once the partner's operation has returned: a runtime that wrote
   the channel (its lock, its queues) late would have changed it. */
#include <gort.h>
#include <malloc.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static gort_chan *side;
static int reused, checked;

struct poison {
	unsigned char *p;
	size_t n;
};

/* Free c and put a pattern where it was. */
static struct poison free_and_poison(gort_chan *c)
{
	size_t n = malloc_usable_size(c);
	void *old = c, *tries[64];
	gort_chan_free(c);
	/* musl's malloc hands a freed slot out again only once the other
	   free slots of its group are gone: allocate until it comes back. */
	struct poison ps = { 0, n };
	int k;
	for (k = 0; k < 64; k++) {
		tries[k] = malloc(n);
		if (tries[k] == old) {
			ps.p = tries[k];
			reused++;
			break;
		}
	}
	if (!ps.p)
		ps.p = tries[--k];
	for (int i = 0; i < k; i++)
		free(tries[i]);
	memset(ps.p, 0xa5, n);
	return ps;
}

static void check_poison(struct poison ps, const char *what)
{
	for (size_t i = 0; i < ps.n; i++) {
		if (ps.p[i] != 0xa5) {
			printf("FAIL: %s: freed channel written at byte %zu\n", what, i);
			exit(1);
		}
	}
	free(ps.p);
	checked++;
}

static gort_chan *c, *d;
static struct poison ps;

/* (a) a receiver woken by a sender frees */
static void recv_and_free(void *arg)
{
	(void)arg;
	long v;
	gort_chan_recv(c, &v);
	ps = free_and_poison(c);
	gort_chan_send(side, NULL);
}

/* (b) a sender woken by a receiver frees */
static void send_and_free(void *arg)
{
	(void)arg;
	long v = 1;
	gort_chan_send(c, &v);
	ps = free_and_poison(c);
	gort_chan_send(side, NULL);
}

/* (c) a select woken through c frees both its channels */
static void select_and_free(void *arg)
{
	(void)arg;
	long v;
	gort_case cs[3] = { { .chan = d, .dir = GORT_RECV, .elem = &v },
	                    { .chan = c, .dir = GORT_RECV, .elem = &v },
	                    { .chan = c, .dir = GORT_RECV, .elem = &v } };
	gort_select(cs, 3, (long)arg ? 60LL * 1000000000 : -1);
	gort_chan_free(d);
	ps = free_and_poison(c);
	gort_chan_send(side, NULL);
}

/* (d) a select's partner frees the channel while the select cleans up */
static void select_only(void *arg)
{
	(void)arg;
	long v = 5;
	gort_case cs[3] = { { .chan = c, .dir = GORT_SEND, .elem = &v },
	                    { .chan = d, .dir = GORT_SEND, .elem = &v },
	                    { .chan = c, .dir = GORT_SEND, .elem = &v } };
	gort_select(cs, 3, -1);
	gort_chan_send(side, NULL);
}

/* (e) receivers woken by close; the last one to return frees */
static _Atomic int left;
static void recv_closed(void *arg)
{
	(void)arg;
	long v;
	gort_chan_recv(c, &v);
	if (atomic_fetch_sub(&left, 1) == 1) {
		ps = free_and_poison(c);
		gort_chan_send(side, NULL);
	}
}

static void settle(void)
{
	for (int i = 0; i < 3; i++)
		gort_yield();
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 2000;
	side = gort_chan_make(0, 0);
	long v = 7;
	for (int i = 0; i < n; i++) {
		c = gort_chan_make(sizeof(long), 0);
		go(recv_and_free, 0);
		if (i & 1)
			settle();
		gort_chan_send(c, &v);
		gort_chan_recv(side, NULL);
		check_poison(ps, "receiver frees");

		c = gort_chan_make(sizeof(long), 0);
		go(send_and_free, 0);
		if (i & 1)
			settle();
		gort_chan_recv(c, &v);
		gort_chan_recv(side, NULL);
		check_poison(ps, "sender frees");

		c = gort_chan_make(sizeof(long), 0);
		d = gort_chan_make(sizeof(long), 0);
		go(select_and_free, (void *)(long)(i & 2));
		if (i & 1)
			settle();
		gort_chan_send(c, &v);
		gort_chan_recv(side, NULL);
		check_poison(ps, "select frees");

		c = gort_chan_make(sizeof(long), 0);
		d = gort_chan_make(sizeof(long), 0);
		go(select_only, 0);
		if (i & 1)
			settle();
		gort_chan_recv(c, &v);
		ps = free_and_poison(c);
		gort_chan_recv(side, NULL);
		gort_chan_free(d);
		check_poison(ps, "select's partner frees");

		c = gort_chan_make(sizeof(long), 0);
		left = 3;
		for (int k = 0; k < 3; k++)
			go(recv_closed, 0);
		if (i & 1)
			settle();
		gort_chan_close(c);
		gort_chan_recv(side, NULL);
		check_poison(ps, "receivers of close free");
	}
	printf("lifetimes ok: %d checks\n", checked);
	if (getenv("VERBOSE"))
		printf("freed block reused %d times\n", reused);
	return 0;
}
