/* Channel operations whose sudog and element live on a goroutine's stack,
   while that goroutine uses much of its stack between operations (after
   Go 1.19's TestShrinkStackDuringBlockedSend and
   TestNoShrinkStackWhileParking; gort's stacks do not move, so what is
   checked is that a partner writes the right words of the right stack):
   values arrive intact and in order, and the stack garbage the sender
   leaves below its parked frame does not leak into them. */
#include <gort.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Uses about n * 1 KiB of stack and fills it with garbage. */
static __attribute__((noinline)) long stack_growth_recursive(int n)
{
	volatile char pad[1024];
	memset((char *)pad, 0x5a ^ n, sizeof pad);
	if (n == 0)
		return pad[7];
	return stack_growth_recursive(n - 1) + pad[n % 1024];
}

struct pair {
	gort_chan *c, *done;
	int n;
};

static void send_grow(void *arg)
{
	struct pair *p = arg;
	for (int i = 0; i < p->n; i++) {
		long v[4] = { i, -i, i * 3, 0x1234 };
		gort_chan_send(p->c, v);
		stack_growth_recursive(20);
	}
	gort_chan_send(p->done, NULL);
}

static void recv_sleep(void *arg)
{
	struct pair *p = arg;
	for (int i = 0; i < p->n; i++) {
		gort_sleep(10000);
		long v[4];
		gort_chan_recv(p->c, v);
		if (v[0] != i || v[1] != -i || v[2] != i * 3 || v[3] != 0x1234) {
			printf("FAIL: bad channel read: want %d, got %ld %ld %ld %lx\n", i, v[0], v[1], v[2], v[3]);
			exit(1);
		}
	}
	gort_chan_send(p->done, NULL);
}

int main(void)
{
	/* TestShrinkStackDuringBlockedSend */
	enum { n = 10 };
	struct pair p = { gort_chan_make(4 * sizeof(long), 0), gort_chan_make(0, 0), n };
	go(send_grow, &p);
	for (int i = 0; i < n; i++) {
		long x[4];
		gort_chan_recv(p.c, x);
		if (x[0] != i) {
			printf("FAIL: bad channel read: want %d, got %ld\n", i, x[0]);
			return 1;
		}
		gort_sleep(1000000);
	}
	gort_chan_recv(p.done, NULL);
	gort_chan_free(p.c);
	gort_chan_free(p.done);
	printf("ShrinkStackDuringBlockedSend ok\n");

	/* TestNoShrinkStackWhileParking */
	for (int i = 0; i < n * 20; i++) {
		struct pair q = { gort_chan_make(4 * sizeof(long), 0), gort_chan_make(0, 0), n };
		go(recv_sleep, &q);
		go(send_grow, &q);
		gort_sleep(50000);
		gort_chan_recv(q.done, NULL);
		gort_chan_recv(q.done, NULL);
		gort_chan_free(q.c);
		gort_chan_free(q.done);
	}
	printf("NoShrinkStackWhileParking ok\n");
	return 0;
}
