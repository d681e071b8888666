/* Channels through <gort.h> alone: a buffered channel's FIFO order, len
   and cap; unbuffered hand-off between goroutines; close (what is
   buffered, then zeroes and false; every blocked receiver woken); element
   sizes 0 and large; many producers and consumers. Runs in both modes
   (bare.h). */
#include "bare.h"

struct big {
	char bytes[1000];
	long tag;
};

static void buffered(void)
{
	gort_chan *c = mkchan(sizeof(int), 4);
	check(gort_chan_cap(c) == 4 && gort_chan_len(c) == 0);
	for (int i = 1; i <= 4; i++)
		gort_chan_send(c, &i);
	check(gort_chan_len(c) == 4);
	int sum = 0, order = 1;
	for (int i = 1; i <= 4; i++) {
		int v;
		check(gort_chan_recv(c, &v));
		order &= v == i;
		sum += v;
	}
	gort_printf("buffered: sum=%d fifo=%d len=%zu\n", sum, order, gort_chan_len(c));
	gort_chan_free(c);
}

static void counter(void *arg)
{
	gort_chan *c = arg;
	for (long i = 0; i < 1000; i++)
		gort_chan_send(c, &i);
	gort_chan_close(c);
}

static void unbuffered(void)
{
	gort_chan *c = mkchan(sizeof(long), 0);
	check(gort_chan_cap(c) == 0);
	start(counter, c);
	long v, want = 0;
	int inorder = 1;
	while (gort_chan_recv(c, &v))
		inorder &= v == want++;
	gort_printf("unbuffered: got=%ld inorder=%d after-close v=%ld\n", want, inorder, v);
	gort_chan_free(c);
}

static gort_waitgroup woken;

static void waiter(void *arg)
{
	gort_chan *c = arg;
	int v = 99;
	check(!gort_chan_recv(c, &v) && v == 0);
	gort_wg_done(&woken);
}

static void closing(void)
{
	gort_chan *c = mkchan(sizeof(int), 3);
	int one = 1, two = 2, v = 7;
	gort_chan_send(c, &one);
	gort_chan_send(c, &two);
	gort_chan_close(c);
	bool a = gort_chan_recv(c, &v);
	bool b = gort_chan_recv(c, &v);
	bool z = gort_chan_recv(c, &v);
	gort_printf("close: drained %d %d then ok=%d v=%d\n", a, b, z, v);
	gort_chan_free(c);

	/* Receivers blocked before the close all wake (those the yields did
	   not let block yet find it closed: the same result). */
	gort_chan *u = mkchan(sizeof(int), 0);
	gort_wg_add(&woken, 10);
	for (int i = 0; i < 10; i++)
		start(waiter, u);
	for (int i = 0; i < 100; i++)
		gort_yield();
	gort_chan_close(u);
	gort_wg_wait(&woken);
	gort_printf("close: 10 receivers woken\n");
	gort_chan_free(u);
}

static void bigsender(void *arg)
{
	gort_chan *c = arg;
	struct big b;
	for (int i = 0; i < 50; i++) {
		for (int k = 0; k < (int)sizeof b.bytes; k++)
			b.bytes[k] = (char)('a' + i % 26);
		b.tag = i;
		gort_chan_send(c, &b);
	}
	gort_chan_close(c);
}

static void zsender(void *arg)
{
	gort_chan *c = arg;
	for (int i = 0; i < 100; i++)
		gort_chan_send(c, NULL);
	gort_chan_close(c);
}

static void sizes(void)
{
	gort_chan *c = mkchan(sizeof(struct big), 2);
	start(bigsender, c);
	static struct big b;
	int n = 0, good = 1;
	while (gort_chan_recv(c, &b)) {
		good &= b.tag == n && b.bytes[0] == 'a' + n % 26 && b.bytes[999] == 'a' + n % 26;
		n++;
	}
	gort_chan_free(c);
	gort_chan *z = mkchan(0, 0);
	start(zsender, z);
	int nz = 0;
	while (gort_chan_recv(z, NULL))
		nz++;
	gort_chan_free(z);
	gort_printf("sizes: big=%d good=%d zero=%d\n", n, good, nz);
}

enum { PRODUCERS = 8, CONSUMERS = 8, EACH = 5000 };

static gort_chan *work, *sums;
static gort_waitgroup producing;

static void producer(void *arg)
{
	long base = (long)(intptr_t)arg * EACH;
	for (long i = 1; i <= EACH; i++) {
		long v = base + i;
		gort_chan_send(work, &v);
	}
	gort_wg_done(&producing);
}

static void consumer(void *arg)
{
	(void)arg;
	long v, sum = 0;
	while (gort_chan_recv(work, &v))
		sum += v;
	gort_chan_send(sums, &sum);
}

static void many(void)
{
	work = mkchan(sizeof(long), 16);
	sums = mkchan(sizeof(long), CONSUMERS);
	gort_wg_add(&producing, PRODUCERS);
	for (int i = 0; i < PRODUCERS; i++)
		start(producer, (void *)(intptr_t)i);
	for (int i = 0; i < CONSUMERS; i++)
		start(consumer, 0);
	gort_wg_wait(&producing);
	gort_chan_close(work);
	long total = 0, s;
	for (int i = 0; i < CONSUMERS; i++) {
		gort_chan_recv(sums, &s);
		total += s;
	}
	long n = (long)PRODUCERS * EACH;
	gort_printf("many: total=%ld want=%ld\n", total, n * (n + 1) / 2);
	gort_chan_free(work);
	gort_chan_free(sums);
}

int main(int argc, char **argv)
{
	if (mode(argc, argv, "buffered"))
		buffered();
	if (mode(argc, argv, "unbuffered"))
		unbuffered();
	if (mode(argc, argv, "close"))
		closing();
	if (mode(argc, argv, "sizes"))
		sizes();
	if (mode(argc, argv, "many"))
		many();
	return 0;
}
