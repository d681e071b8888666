/* Scheduler tests of Go 1.19's runtime/proc_test.go, ported with their
   checks, the ones named as arguments (all when none is, in this order;
   several in one process run in the table's order, each on what the ones
   before left running, as gcfair leaves its writers):
     numgoroutine  a program starts with one goroutine (testprog's
                   NumGoroutine)
     yield         TestYieldProgress: a goroutine that yields in a loop
                   still sees main's message
     stwdeadlock   TestStopTheWorldDeadlock: stops of the world (changes of
                   GOMAXPROCS) from two goroutines at once, beside one that
                   keeps starting its successor, all finish
     parallel      TestGoroutineParallelism: at GOMAXPROCS=4, 4 goroutines
                   that spin waiting for each other in turn all run at once
     timer         TestTimerFairness: a timer fires although two goroutines
                   keep a channel busy
     timer2        TestTimerFairness2: the same with a system call in the loop
                   and a timer per goroutine
     preempt       TestPreemption: at GOMAXPROCS=1, two goroutines that spin
                   until the other has moved take turns (preemption)
     hog           TestPingPongHog: at GOMAXPROCS=1, a pair handing work back
                   and forth with long turns and a pair with short turns share
                   the CPU (counts within a factor of 20)
     syscall       TestPreemptionAfterSyscall: at GOMAXPROCS=2, 8 goroutines
                   looping in 10 us, 100 us and 1 ms system calls stop within
                   5 s of being told
     asyncpreempt  testprog's AsyncPreempt: at GOMAXPROCS=1, goroutines in
                   loops without calls (or calling empty functions) are
                   stopped for a stop-the-world (gort_gomaxprocs, where Go
                   runs the GC)
     gcfair        testprog's GCFairness: at GOMAXPROCS=1, two goroutines
                   writing to /dev/null without end do not keep main asleep
     gcfair2       testprog's GCFairness2: at GOMAXPROCS=1, three goroutines
                   that allocate without end (malloc and free, where Go's
                   allocates garbage) all run within a second
   Each prints "<name> ok"; a failure prints FAIL and exits 1. A time.After
   channel is a goroutine that sleeps, then sends on a buffered channel. */
#include <fcntl.h>
#include <gort.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "gotest.h"

static bool t = true;

/* ---- time.After ---- */

struct after {
	gort_chan *c;
	int64_t ns;
};

static void afterfn(void *arg)
{
	struct after *a = arg;
	gort_sleep(a->ns);
	gort_chan_send(a->c, &t);
	free(a);
}

static gort_chan *after(int64_t ns)
{
	struct after *a = malloc(sizeof *a);
	if (!a)
		fail("out of memory");
	a->c = mkchan(sizeof(bool), 1);
	a->ns = ns;
	gort_chan *c = a->c;
	start(afterfn, a);
	return c;
}

/* ---- numgoroutine ---- */

static void numgoroutine(void)
{
	int n = gort_numgoroutine();
	if (n != 1)
		fail("numgoroutine: %d goroutines at the start of main, want 1", n);
	printf("numgoroutine ok\n");
}

/* ---- yield ---- */

static gort_chan *yc, *ycack;

static void yielder(void *arg)
{
	(void)arg;
	for (;;) {
		gort_case c = { .chan = yc, .dir = GORT_RECV };
		if (gort_select(&c, 1, 0) == 0) {
			gort_chan_send(ycack, &t);
			return;
		}
		gort_yield();
	}
}

static void yield(void)
{
	yc = mkchan(sizeof(bool), 0);
	ycack = mkchan(sizeof(bool), 0);
	start(yielder, 0);
	gort_sleep(10000000);
	gort_chan_send(yc, &t);
	gort_chan_recv(ycack, NULL);
	printf("yield ok\n");
}

/* ---- parallel ---- */

enum { PAR_P = 4, PAR_N = 10 };
static _Atomic uint32_t parx;
static gort_chan *pardone;

static void parfn(void *arg)
{
	uint32_t p = (uint32_t)(uintptr_t)arg;
	for (uint32_t i = 0; i < 3; i++) {
		uint32_t expected = PAR_P * i + p;
		while (atomic_load(&parx) != expected)
			;
		atomic_store(&parx, expected + 1);
	}
	gort_chan_send(pardone, &t);
}

static void parallel(void)
{
	int prev = gort_gomaxprocs(PAR_P);
	for (int try = 0; try < PAR_N; try++) {
		pardone = mkchan(sizeof(bool), 0);
		atomic_store(&parx, 0);
		for (uintptr_t p = 0; p < PAR_P; p++)
			start(parfn, (void *)p);
		for (int p = 0; p < PAR_P; p++)
			gort_chan_recv(pardone, NULL);
		gort_chan_free(pardone);
	}
	gort_gomaxprocs(prev);
	printf("parallel ok\n");
}

/* ---- timer ---- */

struct tf {
	gort_chan *c, *done;
};

static void tfsender(void *arg)
{
	struct tf *f = arg;
	for (;;) {
		gort_case cs[2] = { { .chan = f->c, .dir = GORT_SEND, .elem = &t }, { .chan = f->done, .dir = GORT_RECV } };
		if (gort_select(cs, 2, -1) == 1)
			return;
	}
}

static void timer(void)
{
	static struct tf f;
	f.c = mkchan(sizeof(bool), 0);
	f.done = mkchan(sizeof(bool), 0);
	for (int i = 0; i < 2; i++)
		start(tfsender, &f);
	gort_chan *tm = after(20000000);
	int64_t t0 = gort_nanotime();
	for (;;) {
		gort_case cs[2] = { { .chan = f.c, .dir = GORT_RECV }, { .chan = tm, .dir = GORT_RECV } };
		if (gort_select(cs, 2, -1) == 1)
			break;
		if (gort_nanotime() - t0 > 20000000000)
			fail("timer: the 20 ms timer has not fired in 20 s");
	}
	gort_chan_close(f.done);
	printf("timer ok\n");
}

/* ---- timer2 ---- */

static void tf2fn(void *arg)
{
	struct tf *f = arg;
	gort_chan *tm = after(20000000);
	char buf[1];
	int64_t t0 = gort_nanotime();
	for (;;) {
		ssize_t r = read(0, buf, 0);
		(void)r;
		bool v;
		gort_case cs[3] = { { .chan = f->c, .dir = GORT_SEND, .elem = &t },
			            { .chan = f->c, .dir = GORT_RECV, .elem = &v },
			            { .chan = tm, .dir = GORT_RECV, .elem = &v } };
		if (gort_select(cs, 3, -1) == 2) {
			gort_chan_send(f->done, &t);
			return;
		}
		if (gort_nanotime() - t0 > 20000000000)
			fail("timer2: the 20 ms timer has not fired in 20 s");
	}
}

static void timer2(void)
{
	static struct tf f;
	f.c = mkchan(sizeof(bool), 0);
	f.done = mkchan(sizeof(bool), 0);
	for (int i = 0; i < 2; i++)
		start(tf2fn, &f);
	gort_chan_recv(f.done, NULL);
	gort_chan_recv(f.done, NULL);
	printf("timer2 ok\n");
}

/* ---- preempt ---- */

enum { PRE_N = 5 };
static _Atomic uint32_t prex;
static gort_chan *prec;

/* Go's preempt(): a call that does nothing. */
__attribute__((noinline)) static void preemptcall(void)
{
	__asm__ volatile("" ::: "memory");
}

static void prefn(void *arg)
{
	uint32_t g = (uint32_t)(uintptr_t)arg;
	for (int i = 0; i < PRE_N; i++) {
		while (atomic_load(&prex) != g)
			preemptcall();
		atomic_store(&prex, 1 - g);
	}
	gort_chan_send(prec, &t);
}

static void preempt(void)
{
	int prev = gort_gomaxprocs(1);
	prec = mkchan(sizeof(bool), 0);
	for (uintptr_t g = 0; g < 2; g++)
		start(prefn, (void *)g);
	gort_chan_recv(prec, NULL);
	gort_chan_recv(prec, NULL);
	gort_gomaxprocs(prev);
	printf("preempt ok\n");
}

/* ---- hog ---- */

struct pair {
	int limit;
	volatile long *counter; /* volatile: the loop below must really count */
	gort_chan *wake;
};

static gort_chan *hogdone;
static volatile long hogcount, lightcount;

static void run(void *arg)
{
	struct pair *p = arg;
	for (;;) {
		gort_case cs[2] = { { .chan = hogdone, .dir = GORT_RECV }, { .chan = p->wake, .dir = GORT_RECV } };
		if (gort_select(cs, 2, -1) == 0)
			return;
		for (int i = 0; i < p->limit; i++)
			++*p->counter;
		gort_chan_send(p->wake, &t);
	}
}

static void hog(void)
{
	int prev = gort_gomaxprocs(1);
	hogdone = mkchan(sizeof(bool), 0);
	static struct pair hp, lp;
	hp = (struct pair){ 1000000, &hogcount, mkchan(sizeof(bool), 0) };
	lp = (struct pair){ 1000, &lightcount, mkchan(sizeof(bool), 0) };
	for (int i = 0; i < 2; i++)
		start(run, &hp);
	for (int i = 0; i < 2; i++)
		start(run, &lp);
	gort_chan_send(hp.wake, &t);
	gort_chan_send(lp.wake, &t);
	gort_sleep(100000000);
	gort_chan_close(hogdone);
	gort_chan_recv(hp.wake, NULL);
	gort_chan_recv(lp.wake, NULL);
	gort_gomaxprocs(prev);
	enum { FACTOR = 20 };
	if (hogcount / FACTOR > lightcount || lightcount / FACTOR > hogcount)
		fail("hog: want hogCount/lightCount in [1/%d, %d]; got %ld/%ld", FACTOR, FACTOR, hogcount, lightcount);
	printf("hog ok\n");
}

/* ---- syscall ---- */

enum { SYS_NROUTINES = 8, SYS_ITERATIONS = 10 };
static _Atomic uint32_t sysstop;
static gort_chan *sysc;
static int64_t sysns;

/* Go's fakeSyscall: a system call that blocks for d. sigtimedwait on a
   signal nobody sends goes to the kernel between entersyscall and
   exitsyscall, as a cancellation point. */
static void fakesyscall(int64_t ns)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	struct timespec ts = { ns / 1000000000, ns % 1000000000 };
	sigtimedwait(&set, NULL, &ts);
}

static void sysfn(void *arg)
{
	(void)arg;
	gort_chan_send(sysc, &t);
	while (atomic_load(&sysstop) == 0)
		fakesyscall(sysns);
	gort_chan_send(sysc, &t);
}

static void syscalls(void)
{
	int prev = gort_gomaxprocs(2);
	/* SIGUSR2 stays blocked, so that sigtimedwait can only time out. */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	sigprocmask(SIG_BLOCK, &set, NULL);
	static const int64_t durations[] = { 10000, 100000, 1000000 };
	for (int d = 0; d < 3; d++) {
		sysns = durations[d];
		for (int i = 0; i < SYS_ITERATIONS; i++) {
			sysc = mkchan(sizeof(bool), SYS_NROUTINES);
			atomic_store(&sysstop, 0);
			int64_t t0 = gort_nanotime();
			for (int g = 0; g < SYS_NROUTINES; g++)
				start(sysfn, 0);
			for (int g = 0; g < SYS_NROUTINES; g++)
				gort_chan_recv(sysc, NULL);
			atomic_store(&sysstop, 1);
			for (int g = 0; g < SYS_NROUTINES; g++)
				gort_chan_recv(sysc, NULL);
			int64_t el = gort_nanotime() - t0;
			if (el > 5000000000)
				fail("syscall: timeout exceeded: %lld ms (5 s), %lld us system calls", (long long)(el / 1000000),
				     (long long)(sysns / 1000));
			gort_chan_free(sysc);
		}
	}
	gort_gomaxprocs(prev);
	printf("syscall ok\n");
}

/* ---- asyncpreempt ---- */

static _Atomic uint32_t apready, apready2;

__attribute__((noinline)) static void dummy(void)
{
	__asm__ volatile("" ::: "memory");
}

static void apcalls(void *arg)
{
	(void)arg;
	for (;;) {
		atomic_store(&apready, 1);
		dummy();
		dummy();
	}
}

static void apempty(void *arg)
{
	(void)arg;
	atomic_fetch_add(&apready2, 1);
	for (;;)
		__asm__ volatile("");
}

static void asyncpreempt(void)
{
	int prev = gort_gomaxprocs(1);
	start(apcalls, 0);
	start(apempty, 0);
	start(apempty, 0);
	while (atomic_load(&apready) == 0 || atomic_load(&apready2) < 2)
		gort_yield();
	/* Stopping the world has to stop all three. */
	gort_gomaxprocs(2);
	gort_gomaxprocs(1);
	gort_gomaxprocs(prev);
	printf("asyncpreempt ok\n");
}

/* ---- gcfair ---- */

static int devnull;

static void writer(void *arg)
{
	(void)arg;
	for (;;)
		if (write(devnull, ".", 1) != 1)
			fail("gcfair: write to /dev/null failed");
}

static void gcfair(void)
{
	int prev = gort_gomaxprocs(1);
	devnull = open("/dev/null", O_WRONLY);
	if (devnull < 0)
		fail("gcfair: cannot open /dev/null");
	for (int i = 0; i < 2; i++)
		start(writer, 0);
	gort_sleep(10000000);
	gort_gomaxprocs(prev);
	printf("gcfair ok\n");
}

/* ---- gcfair2 ---- */

static _Atomic long allocs[3];
static void *volatile sink[3];

static void allocator(void *arg)
{
	long i = (long)arg;
	for (;;) {
		void *p = malloc(1024);
		if (!p)
			fail("gcfair2: out of memory");
		free(sink[i]);
		sink[i] = p;
		atomic_fetch_add(&allocs[i], 1);
	}
}

static void gcfair2(void)
{
	int prev = gort_gomaxprocs(1);
	for (long i = 0; i < 3; i++)
		start(allocator, (void *)i);
	gort_sleep(30000000);
	bool ran = true;
	for (int i = 0; i < 3; i++)
		ran = ran && atomic_load(&allocs[i]) != 0;
	if (!ran) {
		gort_sleep(1000000000);
		for (int i = 0; i < 3; i++)
			if (atomic_load(&allocs[i]) == 0)
				fail("gcfair2: goroutine %d did not run", i);
	}
	gort_gomaxprocs(prev);
	printf("gcfair2 ok\n");
}

/* ---- runtime/proc_test.go's TestStopTheWorldDeadlock ----
   Stops of the world racing with each other and with a goroutine that
   keeps starting its successor (perpetuumMobile), until the stop channel
   has a value. Go's first goroutine calls runtime.GC(), which stops the
   world twice; gort's only way to stop the world is a change of
   GOMAXPROCS, so it sets 4 and then 3 again. The second goroutine's
   GOMAXPROCS(3) is a stop of the world whenever it finds 4. 200 rounds
   each where Go has 1000 (Go skips the test with -short). Before
   stopTheWorld took worldsema, two goroutines inside it at once each kept
   their own P stopped and waited for the other's, for ever. */

static gort_chan *stwstop, *stwcompl;

static void perpetuumMobile(void *arg)
{
	(void)arg;
	gort_case c = { .chan = stwstop, .dir = GORT_RECV };
	if (gort_select(&c, 1, 0) < 0)
		start(perpetuumMobile, NULL);
}

enum { STW_ROUNDS = 200 };

static void stwgc(void *arg)
{
	(void)arg;
	for (int i = 0; i != STW_ROUNDS; i++) {
		gort_gomaxprocs(4);
		gort_gomaxprocs(3);
	}
	bool t = true;
	gort_chan_send(stwcompl, &t);
}

static void stwgomaxprocs(void *arg)
{
	(void)arg;
	for (int i = 0; i != STW_ROUNDS; i++)
		gort_gomaxprocs(3);
	bool t = true;
	gort_chan_send(stwcompl, &t);
}

static void stwdeadlock(void)
{
	stwstop = mkchan(sizeof(bool), 1);
	int maxprocs = gort_gomaxprocs(3);
	stwcompl = mkchan(sizeof(bool), 2);
	start(stwgc, NULL);
	start(stwgomaxprocs, NULL);
	start(perpetuumMobile, NULL);
	gort_chan_recv(stwcompl, NULL);
	gort_chan_recv(stwcompl, NULL);
	bool t = true;
	gort_chan_send(stwstop, &t);
	gort_gomaxprocs(maxprocs);
	printf("stwdeadlock ok\n");
}

static const struct {
	const char *name;
	void (*fn)(void);
} tests[] = {
	{ "numgoroutine", numgoroutine }, { "yield", yield },     { "stwdeadlock", stwdeadlock },
	{ "parallel", parallel },         { "timer", timer },
	{ "timer2", timer2 },             { "preempt", preempt }, { "hog", hog },           { "syscall", syscalls },
	{ "asyncpreempt", asyncpreempt }, { "gcfair", gcfair },   { "gcfair2", gcfair2 },
};

static bool wanted(int argc, char **argv, const char *name)
{
	if (argc < 2)
		return true;
	for (int a = 1; a < argc; a++)
		if (strcmp(argv[a], name) == 0)
			return true;
	return false;
}

int main(int argc, char **argv)
{
	int n = (int)(sizeof tests / sizeof tests[0]);
	for (int i = 0; i < n; i++)
		if (wanted(argc, argv, tests[i].name))
			tests[i].fn();
	return 0;
}
