/* Bare mode (gortcc -nolibc): goroutines, channels, select, timers,
   mutexes, wait groups and the program's own __thread variables, with no
   C library linked. Also built in the default mode, where it must say
   the same. */
#include <gort.h>

#include "bare_out.h"

static __thread volatile int tinit = 7;   /* .tdata */
static __thread volatile long tzero;      /* .tbss */

enum { N = 8, ROUNDS = 1000 };

static gort_mutex mu = GORT_MUTEX_INIT;
static long counter;
static gort_waitgroup wg = GORT_WAITGROUP_INIT;

static void add(void *arg)
{
	(void)arg;
	for (int i = 0; i < ROUNDS; i++) {
		gort_mutex_lock(&mu);
		counter++;
		if (i % 100 == 0)
			gort_yield();
		gort_mutex_unlock(&mu);
	}
	gort_wg_done(&wg);
}

static void pong(void *arg)
{
	gort_chan **c = arg;
	int v;
	while (gort_chan_recv(c[0], &v)) {
		v++;
		gort_chan_send(c[1], &v);
	}
	gort_chan_close(c[1]);
}

/* Locked to a thread of its own, a goroutine has that M's TLS block to
   itself: its value stays across sleeps, and the block starts as the
   program's image. */
static volatile int tlsbad;

static void tlsowner(void *arg)
{
	long id = (long)arg;
	gort_lockosthread();
	if (tinit != 7 || tzero != 0)
		tlsbad = 1;
	tzero = id;
	tinit = (int)id;
	for (int i = 0; i < 5; i++) {
		gort_sleep(1000000);
		if (tzero != id || tinit != (int)id)
			tlsbad = 1;
	}
	gort_wg_done(&wg);
}

int main(int argc, char **argv)
{
	if (tinit != 7 || tzero != 0)
		out("tls: bad initial values\n");
	out("procs ");
	outint(gort_gomaxprocs(0));
	out("\n");

	gort_wg_add(&wg, N);
	for (int i = 0; i < N; i++)
		go(add, 0);
	gort_wg_wait(&wg);
	out(counter == N * ROUNDS ? "mutex ok\n" : "mutex bad\n");

	gort_chan *c[2] = { gort_chan_make(sizeof(int), 0), gort_chan_make(sizeof(int), 0) };
	go(pong, c);
	int v = 0;
	for (int i = 0; i < ROUNDS; i++) {
		gort_chan_send(c[0], &v);
		gort_chan_recv(c[1], &v);
	}
	gort_chan_close(c[0]);
	out(v == ROUNDS && !gort_chan_recv(c[1], &v) ? "pingpong ok\n" : "pingpong bad\n");

	gort_chan *buf = gort_chan_make(sizeof(long), 16);
	for (long i = 0; i < 16; i++)
		gort_chan_send(buf, &i);
	long sum = 0, x;
	gort_chan_close(buf);
	while (gort_chan_recv(buf, &x))
		sum += x;
	out(sum == 120 ? "buffered ok\n" : "buffered bad\n");

	gort_chan *never = gort_chan_make(sizeof(int), 0);
	gort_case cs[] = { { .chan = never, .dir = GORT_RECV, .elem = &v } };
	int64_t t0 = gort_nanotime();
	int r = gort_select(cs, 1, 20000000);
	out(r == -1 && gort_nanotime() - t0 >= 20000000 ? "select timeout ok\n" : "select timeout bad\n");
	t0 = gort_nanotime();
	gort_sleep(10000000);
	out(gort_nanotime() - t0 >= 10000000 ? "sleep ok\n" : "sleep bad\n");

	gort_wg_add(&wg, 4);
	for (long i = 1; i <= 4; i++)
		go(tlsowner, (void *)(i * 100));
	gort_wg_wait(&wg);
	out(!tlsbad && tinit == 7 && tzero == 0 ? "tls ok\n" : "tls bad\n");

	if (argc > 1 && argv[1][0] == 'x')
		return 7;
	return 0;
}
