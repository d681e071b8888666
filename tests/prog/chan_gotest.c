/* Go 1.19's TestChan (runtime/chan_test.go) for capacities 0..N-1:
   blocking on an empty and a full channel, non-blocking select, zero from
   a closed channel, close unblocking a receiver, FIFO order, 4 senders and
   4 receivers losing nothing, len and cap. */
#include <gort.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define fatalf(...)                        \
	do {                               \
		printf("FAIL: " __VA_ARGS__); \
		printf("\n");              \
		exit(1);                   \
	} while (0)

enum { P = 4, L = 1000 };

struct recvflag {
	gort_chan *c;
	_Atomic int done;
};

static void recv_then_flag(void *arg)
{
	struct recvflag *r = arg;
	int v;
	gort_chan_recv(r->c, &v);
	atomic_store(&r->done, 1);
}

static void send_then_flag(void *arg)
{
	struct recvflag *r = arg;
	int v = 0;
	gort_chan_send(r->c, &v);
	atomic_store(&r->done, 1);
}

struct closerecv {
	gort_chan *c, *done;
};

static void recv_closed(void *arg)
{
	struct closerecv *cr = arg;
	int v = 1;
	bool ok = gort_chan_recv(cr->c, &v);
	bool good = v == 0 && !ok;
	gort_chan_send(cr->done, &good);
}

static void send100(void *arg)
{
	for (int i = 0; i < 100; i++)
		gort_chan_send(arg, &i);
}

static void sendL(void *arg)
{
	for (int i = 0; i < L; i++)
		gort_chan_send(arg, &i);
}

struct counter {
	gort_chan *c, *done;
	int recv[L];
};

static void countL(void *arg)
{
	struct counter *ct = arg;
	for (int i = 0; i < L; i++) {
		int v = -1;
		gort_chan_recv(ct->c, &v);
		if (v < 0 || v >= L)
			fatalf("received %d", v);
		ct->recv[v]++;
	}
	gort_chan_send(ct->done, &ct);
}

int main(int argc, char **argv)
{
	int N = argc > 1 ? atoi(argv[1]) : 60;
	for (int chanCap = 0; chanCap < N; chanCap++) {
		{
			/* Ensure that receive from empty chan blocks. */
			gort_chan *c = gort_chan_make(sizeof(int), (size_t)chanCap);
			struct recvflag r1 = { c, 0 }, r2 = { c, 0 };
			go(recv_then_flag, &r1);
			go(recv_then_flag, &r2);
			gort_sleep(1000000);
			if (atomic_load(&r1.done) || atomic_load(&r2.done))
				fatalf("chan[%d]: receive from empty chan", chanCap);
			/* Ensure that non-blocking receive does not block. */
			int v;
			gort_case rc = { .chan = c, .dir = GORT_RECV, .elem = &v };
			if (gort_select(&rc, 1, 0) != -1)
				fatalf("chan[%d]: receive from empty chan", chanCap);
			gort_case rc2 = { .chan = c, .dir = GORT_RECV, .elem = NULL };
			if (gort_select(&rc2, 1, 0) != -1)
				fatalf("chan[%d]: receive from empty chan", chanCap);
			int zero = 0;
			gort_chan_send(c, &zero);
			gort_chan_send(c, &zero);
			while (!atomic_load(&r1.done) || !atomic_load(&r2.done))
				gort_yield();
			gort_chan_free(c);
		}
		{
			/* Ensure that send to full chan blocks. */
			gort_chan *c = gort_chan_make(sizeof(int), (size_t)chanCap);
			for (int i = 0; i < chanCap; i++)
				gort_chan_send(c, &i);
			struct recvflag s = { c, 0 };
			go(send_then_flag, &s);
			gort_sleep(1000000);
			if (atomic_load(&s.done))
				fatalf("chan[%d]: send to full chan", chanCap);
			/* Ensure that non-blocking send does not block. */
			int zero = 0;
			gort_case sc = { .chan = c, .dir = GORT_SEND, .elem = &zero };
			if (gort_select(&sc, 1, 0) != -1)
				fatalf("chan[%d]: send to full chan", chanCap);
			gort_chan_recv(c, NULL);
			while (!atomic_load(&s.done))
				gort_yield();
			gort_chan_free(c);
		}
		{
			/* Ensure that we receive 0 from closed chan. */
			gort_chan *c = gort_chan_make(sizeof(int), (size_t)chanCap);
			for (int i = 0; i < chanCap; i++)
				gort_chan_send(c, &i);
			gort_chan_close(c);
			for (int i = 0; i < chanCap; i++) {
				int v = -1;
				gort_chan_recv(c, &v);
				if (v != i)
					fatalf("chan[%d]: received %d, expected %d", chanCap, v, i);
			}
			int v = -1;
			gort_chan_recv(c, &v);
			if (v != 0)
				fatalf("chan[%d]: received %d, expected 0", chanCap, v);
			v = -1;
			bool ok = gort_chan_recv(c, &v);
			if (v != 0 || ok)
				fatalf("chan[%d]: received %d/%d, expected 0/0", chanCap, v, ok);
			gort_chan_free(c);
		}
		{
			/* Ensure that close unblocks receive. */
			gort_chan *c = gort_chan_make(sizeof(int), (size_t)chanCap);
			gort_chan *done = gort_chan_make(sizeof(bool), 0);
			struct closerecv cr = { c, done };
			go(recv_closed, &cr);
			gort_sleep(1000000);
			gort_chan_close(c);
			bool good = false;
			gort_chan_recv(done, &good);
			if (!good)
				fatalf("chan[%d]: received non zero from closed chan", chanCap);
			gort_chan_free(c);
			gort_chan_free(done);
		}
		{
			/* Send 100 integers, ensure that we receive them
			   non-corrupted in FIFO order. */
			gort_chan *c = gort_chan_make(sizeof(int), (size_t)chanCap);
			go(send100, c);
			for (int i = 0; i < 100; i++) {
				int v = -1;
				gort_chan_recv(c, &v);
				if (v != i)
					fatalf("chan[%d]: received %d, expected %d", chanCap, v, i);
			}
			/* Same, but looking at ok. */
			go(send100, c);
			for (int i = 0; i < 100; i++) {
				int v = -1;
				if (!gort_chan_recv(c, &v))
					fatalf("chan[%d]: receive failed, expected %d", chanCap, i);
				if (v != i)
					fatalf("chan[%d]: received %d, expected %d", chanCap, v, i);
			}
			/* Send 1000 integers in 4 goroutines, ensure that we
			   receive what we send. */
			for (int p = 0; p < P; p++)
				go(sendL, c);
			gort_chan *done = gort_chan_make(sizeof(struct counter *), 0);
			struct counter *cts = calloc(P, sizeof *cts);
			for (int p = 0; p < P; p++) {
				cts[p].c = c;
				cts[p].done = done;
				go(countL, &cts[p]);
			}
			int recv[L] = { 0 };
			for (int p = 0; p < P; p++) {
				struct counter *ct;
				gort_chan_recv(done, &ct);
				for (int k = 0; k < L; k++)
					recv[k] += ct->recv[k];
			}
			for (int k = 0; k < L; k++)
				if (recv[k] != P)
					fatalf("chan[%d]: received %d values of %d, expected %d", chanCap, recv[k], k, P);
			free(cts);
			gort_chan_free(done);
			gort_chan_free(c);
		}
		{
			/* Test len/cap. */
			gort_chan *c = gort_chan_make(sizeof(int), (size_t)chanCap);
			if (gort_chan_len(c) != 0 || gort_chan_cap(c) != (size_t)chanCap)
				fatalf("chan[%d]: bad len/cap, expect 0/%d, got %zu/%zu", chanCap, chanCap,
				       gort_chan_len(c), gort_chan_cap(c));
			for (int i = 0; i < chanCap; i++)
				gort_chan_send(c, &i);
			if (gort_chan_len(c) != (size_t)chanCap || gort_chan_cap(c) != (size_t)chanCap)
				fatalf("chan[%d]: bad len/cap, expect %d/%d, got %zu/%zu", chanCap, chanCap, chanCap,
				       gort_chan_len(c), gort_chan_cap(c));
			gort_chan_free(c);
		}
	}
	printf("TestChan ok caps 0..%d\n", N - 1);
	return 0;
}
