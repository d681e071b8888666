/* The channel API piece by piece: make's errors, len and cap, FIFO order
   through the buffer and through direct hand-off, zero-size elements,
   receive into NULL, close, and the NULL channel in a select. */
#include <errno.h>
#include <gort.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define check(cond, ...)                                              \
	do {                                                          \
		if (!(cond)) {                                        \
			printf("FAIL line %d: %s: ", __LINE__, #cond); \
			printf(__VA_ARGS__);                          \
			printf("\n");                                 \
			exit(1);                                      \
		}                                                     \
	} while (0)

struct big {
	char bytes[1000];
	long tag;
};

static void sender(void *arg)
{
	gort_chan *c = arg;
	for (long i = 0; i < 1000; i++)
		gort_chan_send(c, &i);
}

static void bigsender(void *arg)
{
	gort_chan *c = arg;
	struct big b;
	for (int i = 0; i < 50; i++) {
		memset(b.bytes, 'a' + i % 26, sizeof b.bytes);
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

int main(void)
{
	/* make's errors */
	errno = 0;
	check(gort_chan_make(SIZE_MAX / 2, 3) == NULL && errno == EINVAL, "errno %d", errno);
	errno = 0;
	check(gort_chan_make(2, SIZE_MAX) == NULL && errno == EINVAL, "errno %d", errno);
	errno = 0;
	check(gort_chan_make((size_t)1 << 40, (size_t)1 << 20) == NULL && errno == ENOMEM, "errno %d", errno);
	errno = 0;
	check(gort_chan_make(1, SIZE_MAX / 2) == NULL && errno == ENOMEM, "errno %d", errno);
	printf("make errors ok\n");

	/* A channel of zero-size elements may have any capacity. */
	gort_chan *z = gort_chan_make(0, SIZE_MAX);
	check(z && gort_chan_cap(z) == SIZE_MAX && gort_chan_len(z) == 0, "zero-size huge cap");
	for (int i = 0; i < 10; i++)
		gort_chan_send(z, NULL);
	check(gort_chan_len(z) == 10, "len %zu", gort_chan_len(z));
	check(gort_chan_recv(z, NULL), "recv");
	gort_chan_free(z);

	/* NULL channel */
	check(gort_chan_len(NULL) == 0 && gort_chan_cap(NULL) == 0, "nil len/cap");

	/* Buffered: FIFO, len, cap, then drained after close with zero fill. */
	gort_chan *c = gort_chan_make(sizeof(int), 5);
	check(c && gort_chan_cap(c) == 5 && gort_chan_len(c) == 0, "buffered make");
	for (int i = 0; i < 5; i++) {
		gort_chan_send(c, &i);
		check(gort_chan_len(c) == (size_t)i + 1, "len %zu", gort_chan_len(c));
	}
	int v = -1;
	gort_case full = { .chan = c, .dir = GORT_SEND, .elem = &v };
	check(gort_select(&full, 1, 0) == -1, "send to full buffer did not block");
	gort_chan_close(c);
	for (int i = 0; i < 5; i++) {
		v = -1;
		check(gort_chan_recv(c, &v) && v == i, "got %d want %d", v, i);
	}
	v = 77;
	check(!gort_chan_recv(c, &v) && v == 0, "closed drained: v=%d", v);
	check(!gort_chan_recv(c, NULL), "closed drained into NULL");
	gort_case rc = { .chan = c, .dir = GORT_RECV, .elem = &v, .ok = true };
	v = 5;
	check(gort_select(&rc, 1, 0) == 0 && !rc.ok && v == 0, "select on closed: ok=%d v=%d", rc.ok, v);
	gort_chan_free(c);
	printf("buffered ok\n");

	/* Wrap-around of the ring with a blocked sender refilling it. */
	for (size_t cap = 0; cap < 4; cap++) {
		gort_chan *w = gort_chan_make(sizeof(long), cap);
		go(sender, w);
		for (long i = 0; i < 1000; i++) {
			long got = -1;
			if (i % 3 == 0) {
				check(gort_chan_recv(w, &got) && got == i, "cap %zu got %ld want %ld", cap, got, i);
			} else {
				gort_case cs[2] = { { .chan = NULL, .dir = GORT_RECV }, { .chan = w, .dir = GORT_RECV, .elem = &got } };
				int k = gort_select(cs, 2, -1);
				check(k == 1 && cs[1].ok && got == i, "cap %zu select %d got %ld want %ld", cap, k, got, i);
				check(!cs[0].ok, "nil case written");
			}
		}
		check(gort_chan_len(w) == 0, "len");
		gort_chan_free(w);
	}
	printf("ring ok\n");

	/* Large elements by direct hand-off, then close. */
	gort_chan *b = gort_chan_make(sizeof(struct big), 0);
	go(bigsender, b);
	struct big got;
	for (int i = 0; i < 50; i++) {
		check(gort_chan_recv(b, &got) && got.tag == i, "big tag %ld", got.tag);
		for (size_t k = 0; k < sizeof got.bytes; k++)
			check(got.bytes[k] == 'a' + i % 26, "big byte %zu", k);
	}
	memset(&got, 1, sizeof got);
	check(!gort_chan_recv(b, &got) && got.tag == 0 && got.bytes[0] == 0 && got.bytes[999] == 0, "big zero");
	gort_chan_free(b);
	printf("big ok\n");

	/* Zero-size elements, unbuffered, elem NULL on both sides. */
	gort_chan *zs = gort_chan_make(0, 0);
	go(zsender, zs);
	int n = 0;
	while (gort_chan_recv(zs, NULL))
		n++;
	check(n == 100, "zero-size received %d", n);
	gort_chan_free(zs);
	printf("zero-size ok\n");

	/* Sending NULL on a channel of non-zero size sends the zero value. */
	gort_chan *nz = gort_chan_make(sizeof(long), 1);
	gort_chan_send(nz, NULL);
	long lv = 99;
	check(gort_chan_recv(nz, &lv) && lv == 0, "NULL send gave %ld", lv);
	gort_chan_free(nz);

	/* A select of only NULL channels with a timeout of 0 returns -1. */
	gort_case nils[2] = { { .chan = NULL, .dir = GORT_RECV }, { .chan = NULL, .dir = GORT_SEND } };
	check(gort_select(nils, 2, 0) == -1, "nil select");
	check(gort_select(NULL, 0, 0) == -1, "empty select");
	gort_chan_free(NULL);
	printf("all ok\n");
	return 0;
}
