/* Go 1.19's runtime/crash_test.go, the tests whose testprog functions
   (runtime/testdata/testprog/deadlock.go, testprognet/net.go) map onto
   gort, ported with their checks. Each runs alone, chosen by argv[1],
   because most end the process with a fatal error; tests/progs_boot.c
   holds Go's checks on the output:
     SimpleDeadlock     main blocks in select {}: stderr starts with
                        "fatal error: all goroutines are asleep - deadlock!"
     InitDeadlock       the same in a constructor (Go's init), before main
     GoexitDeadlock     main calls Goexit after starting two goroutines
                        that end: "no goroutines (main called
                        runtime.Goexit) - deadlock!"
     GoexitExit         TestGoexitCrash: the same with a goroutine still
                        sleeping (a pending timer) when main calls Goexit
     StackOverflow      unbounded recursion of 64 KiB frames in main:
                        stderr starts with "runtime: goroutine 1 stack
                        exceeds " (Go names no goroutine there; gort
                        names it) and holds "fatal error: stack
                        overflow", "runtime: sp=" and "stack=["
     StackOverflowGoroutine
                        the same recursion in a goroutine whose stack size
                        is Go's debug.SetMaxStack(1474560): stderr starts
                        with "runtime: goroutine 2 stack exceeds
                        1474560-byte limit" (each 64 KiB frame jumps the
                        16 KiB guard: gortcc's -fstack-clash-protection
                        makes it touch the guard first)
     MainGoroutineID    a panic in main: stderr starts with "panic: ...
                        \n\ngoroutine 1 [running]:\n"; C has no panic(), so
                        the panic is gort's own for close of a NULL channel
     NoHelperGoroutines a panic in main after the runtime's helpers are up
                        (sysmon, the network poller, timers, a thread the
                        program made): the traceback lists goroutine 1 only
     NetpollDeadlock    a constructor dials localhost through the network
                        poller before main; main then prints "done", which
                        must end the output (TestNetpollDeadlock)
   Not ported: LockedDeadlock(2) (no LockOSThread), ThreadExhaustion (no
   SetMaxThreads), GoNil (tests/prog/go_nil.c), and the tests built on
   defer, recover and panic values (GoexitInPanic, RecursivePanic*,
   PanicAfterGoexit, PanicTraceback, ...), which C does not have. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <gort.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "gotest.h"

#define MS 1000000LL

/* The scenario, read in a constructor: constructors get no argv. */
static char mode[64];

static void readmode(void)
{
	char buf[512] = { 0 };
	int fd = open("/proc/self/cmdline", O_RDONLY);
	if (fd < 0)
		return;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	size_t l = strlen(buf);
	if (n > 0 && (ssize_t)l + 1 < n)
		snprintf(mode, sizeof mode, "%s", buf + l + 1);
}

/* ---- InitDeadlock, NetpollDeadlock: Go's init functions ---- */

/* NetpollDeadlockInit dials localhost:14356 from init; here 127.0.0.1,
   so that no resolver is involved. Nothing listens there as a rule: the
   connection is refused, which Go prints as an error and goes on. */
static void netpolldeadlockinit(void)
{
	printf("dialing\n");
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0) {
		printf("error:  socket: %s\n", strerror(errno));
		return;
	}
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(14356) };
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0)
		printf("error:  dial tcp 127.0.0.1:14356: connect: %s\n", strerror(errno));
	close(fd);
}

__attribute__((constructor)) static void init(void)
{
	/* Before any output, so that a line is out before a fatal error. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	readmode();
	if (strcmp(mode, "InitDeadlock") == 0) {
		gort_select(NULL, 0, -1); /* select {} */
		printf("not reached\n");
	}
	if (strcmp(mode, "NetpollDeadlock") == 0)
		netpolldeadlockinit();
}

/* ---- SimpleDeadlock ---- */

static void SimpleDeadlock(void)
{
	gort_select(NULL, 0, -1); /* select {} */
	printf("not reached\n");
}

/* ---- GoexitDeadlock ---- */

static void F(void *arg)
{
	(void)arg;
	for (volatile int i = 0; i < 10; i++) {
	}
}

static void GoexitDeadlock(void)
{
	start(F, NULL);
	start(F, NULL);
	gort_goexit();
}

/* ---- GoexitExit ---- */

static void sleepms(void *arg)
{
	(void)arg;
	gort_sleep(1 * MS);
}

/* Go's version also sets a finalizer and runs the GC between its
   prints, to have the runtime's own goroutines about; C has neither. */
static void GoexitExit(void)
{
	printf("t1\n");
	start(sleepms, NULL);
	printf("t2\n");
	printf("t3\n");
	printf("t4\n");
	fflush(stdout);
	gort_goexit();
}

/* ---- StackOverflow ---- */

/* Go's f is a variable holding a closure, so the recursion is a call
   through a pointer; that also keeps gcc from turning it into a loop. */
static unsigned char (*volatile f)(void);

static unsigned char f64k(void)
{
	volatile unsigned char buf[64 << 10];
	buf[0] = 0;
	return (unsigned char)(buf[0] + f());
}

/* Main's stack is the thread's, as large as RLIMIT_STACK says: under
   `ulimit -s unlimited` the recursion would eat memory for a long time
   before it met anything. Like Go's SetMaxStack, bound it first (to 8 MiB,
   the usual default) and run again. */
static void StackOverflow(void)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_STACK, &rl) == 0 && (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > 64 << 20)) {
		rl.rlim_cur = 8 << 20;
		if (setrlimit(RLIMIT_STACK, &rl) != 0)
			fail("setrlimit: %s", strerror(errno));
		char *args[] = { "crash_gotest", "StackOverflow", NULL };
		execv("/proc/self/exe", args);
		fail("execv: %s", strerror(errno));
	}
	f = f64k;
	printf("%d\n", f());
}

/* Go's debug.SetMaxStack(1474560) bounds every goroutine's stack; the
   nearest in gort is the size of goroutines started from now on. Main's
   stack is the thread's own, so the recursion runs in a new goroutine. */
static void overflow(void *arg)
{
	(void)arg;
	f = f64k;
	printf("%d\n", f());
}

static void StackOverflowGoroutine(void)
{
	gort_stacksize(1474560);
	start(overflow, NULL);
	gort_sleep(10000 * MS);
	printf("not reached\n");
}

/* ---- MainGoroutineID ---- */

static void MainGoroutineID(void)
{
	gort_chan_close(NULL); /* panic("test") */
	printf("not reached\n");
}

/* ---- NoHelperGoroutines ---- */

static void helpers(void *arg)
{
	gort_chan *c = arg;
	/* A select whose timer is armed and then deleted by a partner, and
	   a sleep: timers, the poller's thread and sysmon are all up now. */
	gort_case cs = { .chan = c, .dir = GORT_RECV };
	if (gort_select(&cs, 1, 3600000 * MS) != 0)
		fail("NoHelperGoroutines: select timed out");
	gort_sleep(1 * MS);
	gort_chan_send(c, NULL);
}

static void *threadsleep(void *arg)
{
	(void)arg;
	gort_sleep(3600000 * MS); /* Go's time.AfterFunc(time.Hour, ...) */
	return NULL;
}

static void NoHelperGoroutines(void)
{
	gort_chan *c = mkchan(0, 0);
	start(helpers, c);
	gort_chan_send(c, NULL);
	gort_chan_recv(c, NULL);
	/* The helper goroutine has returned once its send completed, or is
	   about to; wait until it has. */
	for (int i = 0; i < 10000 && gort_numgoroutine() > 1; i++)
		gort_sleep(100000);
	if (gort_numgoroutine() != 1)
		fail("NoHelperGoroutines: %d goroutines left", gort_numgoroutine());
	pthread_t t;
	if (pthread_create(&t, NULL, threadsleep, NULL) != 0)
		fail("pthread_create");
	gort_sleep(1 * MS);
	printf("panicking\n");
	gort_chan_close(NULL); /* panic("oops") */
	printf("not reached\n");
}

/* ---- NetpollDeadlock ---- */

static void NetpollDeadlock(void)
{
	printf("done\n");
}

static const struct {
	const char *name;
	void (*fn)(void);
} tests[] = {
	{ "SimpleDeadlock", SimpleDeadlock },
	{ "InitDeadlock", SimpleDeadlock }, /* not reached: init blocks */
	{ "GoexitDeadlock", GoexitDeadlock },
	{ "GoexitExit", GoexitExit },
	{ "StackOverflow", StackOverflow },
	{ "StackOverflowGoroutine", StackOverflowGoroutine },
	{ "MainGoroutineID", MainGoroutineID },
	{ "NoHelperGoroutines", NoHelperGoroutines },
	{ "NetpollDeadlock", NetpollDeadlock },
};

int main(int argc, char **argv)
{
	if (argc < 2) {
		printf("usage: crash_gotest NAME\n");
		return 1;
	}
	for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++)
		if (strcmp(argv[1], tests[i].name) == 0) {
			tests[i].fn();
			return 0;
		}
	printf("unknown test %s\n", argv[1]);
	return 1;
}
