/* The scheduler through <gort.h> alone: ten thousand goroutines, a tree
   of spawns, yield, goroutine ids and counts, GOMAXPROCS asked and
   changed. Runs in both modes (bare.h). */
#include "bare.h"

enum { MANY = 10000 };

static gort_waitgroup wg;
static _Atomic long sum;

static void add(void *arg)
{
	sum += (long)(intptr_t)arg;
	gort_yield();
	gort_wg_done(&wg);
}

static void many(void)
{
	gort_wg_add(&wg, MANY);
	for (long i = 1; i <= MANY; i++)
		start(add, (void *)(intptr_t)i);
	gort_wg_wait(&wg);
	gort_printf("many: sum=%ld want=%ld\n", (long)sum, (long)MANY * (MANY + 1) / 2);
}

static _Atomic int nodes;

static void tree(void *arg)
{
	int depth = (int)(intptr_t)arg;
	nodes++;
	if (depth > 0) {
		gort_wg_add(&wg, 2);
		start(tree, (void *)(intptr_t)(depth - 1));
		start(tree, (void *)(intptr_t)(depth - 1));
	}
	gort_wg_done(&wg);
}

static void spawntree(void)
{
	gort_wg_add(&wg, 1);
	start(tree, (void *)(intptr_t)12);
	gort_wg_wait(&wg);
	gort_printf("tree: nodes=%d\n", (int)nodes);
}

/* Two goroutines take turns through a shared counter and yield alone. */
static _Atomic int turn;

static void taker(void *arg)
{
	int me = (int)(intptr_t)arg;
	for (int i = 0; i < 1000; i++) {
		while (turn % 2 != me)
			gort_yield();
		turn++;
	}
	gort_wg_done(&wg);
}

static void yield(void)
{
	gort_wg_add(&wg, 2);
	start(taker, (void *)(intptr_t)0);
	start(taker, (void *)(intptr_t)1);
	gort_wg_wait(&wg);
	gort_printf("yield: turns=%d\n", (int)turn);
}

static void ids(void *arg)
{
	gort_chan *c = arg;
	int64_t id = gort_goid();
	gort_chan_send(c, &id);
}

static void info(void)
{
	gort_chan *c = mkchan(sizeof(int64_t), 0);
	int64_t main_id = gort_goid(), id;
	start(ids, c);
	gort_chan_recv(c, &id);
	gort_chan_free(c);
	gort_printf("goid: main=%lld other>main=%d\n", (long long)main_id, id > main_id);
	int procs = gort_gomaxprocs(0);
	int prev = gort_gomaxprocs(3);
	int now = gort_gomaxprocs(0);
	gort_gomaxprocs(prev);
	gort_printf("gomaxprocs: set 3 returned the old one=%d now=%d restored=%d numcpu>0=%d\n", prev == procs, now,
	            gort_gomaxprocs(0) == procs, gort_numcpu() > 0);
	gort_printf("gomaxprocs=%d\n", procs);
}

int main(int argc, char **argv)
{
	if (mode(argc, argv, "many"))
		many();
	if (mode(argc, argv, "tree"))
		spawntree();
	if (mode(argc, argv, "yield"))
		yield();
	if (mode(argc, argv, "info"))
		info();
	return 0;
}
