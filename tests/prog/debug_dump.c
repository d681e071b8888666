/*
 * debug_dump.c: goroutine dumps, GOTRACEBACK and crash reports. Goroutines
 * park in a channel receive and send, a sleep, a gort_mutex, a pipe read, a
 * select, a select with no cases and a WaitGroup; once all are parked (the
 * runtime's gort_nwaiting test hook says so) the case goes on. argv[1]:
 *	quit        main raises SIGQUIT
 *	quit-thread main parks too; a thread of the program's own sends it
 *	handler     a SIGQUIT handler set after go() runs (after a query that
 *	            must see SIG_DFL); the program carries on and exits 0
 *	ignored     SIGQUIT ignored before main: re-run with it inherited
 *	ignored2    (the re-run) SIGQUIT is ignored; the program exits 0
 *	dfl         a handler set, then SIG_DFL again: the dump is back
 *	nogo        no goroutine ever: SIGQUIT kills as in C
 *	segv        a goroutine writes through a null pointer
 *	segv-far    a goroutine reads an unmapped address far from 0
 *	segv-kill   main raises SIGSEGV
 *	fpe         a goroutine divides by zero
 *	ill         a goroutine runs ud2
 *	segv-handler the program's own SIGSEGV handler catches the fault
 *	segv-nogo   no goroutine ever: a null write kills as in C
 *	sched       stderr is a pipe main reads for a scheddetail block that
 *	            shows every goroutine parked; it prints that block
 * No core files: the cases that die by a signal would leave them about.
 */
#include <gort.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

int gort_nwaiting(void);

static gort_chan *never, *full;
/* Stored after each wait, so that no wait is a tail call: the caller's
   frame would be gone from the traceback (C, not gort). */
static atomic_int after;
static gort_mutex mu;
static gort_waitgroup wg;
static int pfd[2];

static void waitrecv(void *arg)
{
	(void)arg;
	int v;
	gort_chan_recv(never, &v);
	atomic_store(&after, 1);
}

static void waitsend(void *arg)
{
	(void)arg;
	int v = 1;
	gort_chan_send(full, &v);
	atomic_store(&after, 1);
}

static void waitsleep(void *arg)
{
	(void)arg;
	gort_sleep(3600LL * 1000000000);
	atomic_store(&after, 1);
}

static void waitmutex(void *arg)
{
	(void)arg;
	gort_mutex_lock(&mu);
	atomic_store(&after, 1);
}

static void waitpipe(void *arg)
{
	(void)arg;
	char b;
	if (read(pfd[0], &b, 1) < 0)
		perror("read");
	atomic_store(&after, 1);
}

static void waitselect(void *arg)
{
	(void)arg;
	int v;
	gort_case cs[2] = {
		{ .chan = never, .dir = GORT_RECV, .elem = &v },
		{ .chan = never, .dir = GORT_RECV, .elem = &v },
	};
	gort_select(cs, 2, -1);
	atomic_store(&after, 1);
}

static void waitnocases(void *arg)
{
	(void)arg;
	gort_select(0, 0, -1);
	atomic_store(&after, 1);
}

static void waitwg(void *arg)
{
	(void)arg;
	gort_wg_wait(&wg);
	atomic_store(&after, 1);
}

enum { NPARKED = 8 };

/* Start the eight and wait until every one has parked (main has not). */
static void startall(void)
{
	never = gort_chan_make(sizeof(int), 0);
	full = gort_chan_make(sizeof(int), 0);
	gort_mutex_lock(&mu);
	gort_wg_add(&wg, 1);
	if (pipe(pfd) < 0)
		exit(1);
	void (*fns[NPARKED])(void *) = { waitrecv, waitsend, waitsleep, waitmutex,
		                         waitpipe, waitselect, waitnocases, waitwg };
	for (int i = 0; i < NPARKED; i++)
		go(fns[i], 0);
	while (gort_nwaiting() < NPARKED)
		gort_sleep(1000000);
}

static void *quitter(void *arg)
{
	(void)arg;
	while (gort_nwaiting() < NPARKED + 1)
		usleep(1000);
	kill(getpid(), SIGQUIT);
	return 0;
}

static volatile sig_atomic_t caught;

static void onquit(int sig)
{
	(void)sig;
	caught = 1;
}

static void onsegv(int sig)
{
	(void)sig;
	static const char msg[] = "own SIGSEGV handler ran\n";
	write(1, msg, sizeof msg - 1);
	_exit(7);
}

static volatile int zero;
static int *volatile nullp;

static void crasher(void *arg)
{
	const char *mode = arg;
	if (strcmp(mode, "segv") == 0 || strcmp(mode, "segv-handler") == 0)
		*nullp = 1;
	else if (strcmp(mode, "segv-far") == 0)
		zero = *(volatile int *)(uintptr_t)0xdead0000;
	else if (strcmp(mode, "fpe") == 0)
		zero = 1000 / zero;
	else if (strcmp(mode, "ill") == 0)
		__builtin_trap();
	printf("crasher survived\n");
	exit(4);
}

/* Read stderr's pipe until one whole scheddetail block (from one SCHED
   line to the next) shows each goroutine parked where it should be. */
static void schedblock(int rfd, int errfd)
{
	static char buf[1 << 20];
	static const char *want[] = {
		"(chan receive) m=-1 lockedm=-1 waiting in waitrecv\n",
		"(chan send) m=-1 lockedm=-1 waiting in waitsend\n",
		"(sleep) m=-1 lockedm=-1 waiting in waitsleep\n",
		"(sync.Mutex.Lock) m=-1 lockedm=-1 waiting in waitmutex\n",
		"(IO wait) m=-1 lockedm=-1 waiting in waitpipe\n",
		"(select) m=-1 lockedm=-1 waiting in waitselect\n",
		"(select (no cases)) m=-1 lockedm=-1 waiting in waitnocases\n",
		"(sync.WaitGroup.Wait) m=-1 lockedm=-1 waiting in waitwg\n",
	};
	size_t len = 0;
	for (;;) {
		if (len > sizeof buf / 2) {
			memmove(buf, buf + len / 2, len - len / 2);
			len -= len / 2;
		}
		ssize_t n = read(rfd, buf + len, sizeof buf - 1 - len);
		if (n <= 0)
			exit(3);
		len += (size_t)n;
		buf[len] = 0;
		for (char *b = strstr(buf, "SCHED "); b; b = strstr(b + 1, "SCHED ")) {
			char *e = strstr(b + 1, "SCHED ");
			if (!e)
				break;
			*e = 0;
			size_t ok = 0;
			for (size_t i = 0; i < sizeof want / sizeof *want; i++)
				ok += strstr(b, want[i]) != 0;
			if (ok == sizeof want / sizeof *want) {
				dup2(errfd, 2);
				fputs(b, stdout);
				exit(0);
			}
			*e = 'S';
		}
	}
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "quit";
	struct rlimit nocore = { 0, 0 };
	setrlimit(RLIMIT_CORE, &nocore);

	if (strcmp(mode, "nogo") == 0) {
		kill(getpid(), SIGQUIT);
		printf("survived SIGQUIT\n");
		return 0;
	}
	if (strcmp(mode, "segv-nogo") == 0) {
		*nullp = 1;
		printf("survived the fault\n");
		return 0;
	}
	if (strcmp(mode, "ignored") == 0) {
		signal(SIGQUIT, SIG_IGN);
		execl("/proc/self/exe", argv[0], "ignored2", (char *)0);
		return 1;
	}
	if (strcmp(mode, "sched") == 0) {
		int p[2];
		int errfd = dup(2);
		if (pipe(p) < 0 || errfd < 0 || dup2(p[1], 2) < 0)
			return 1;
		startall();
		schedblock(p[0], errfd);
	}
	startall();
	printf("all parked\n");
	fflush(stdout);
	if (strcmp(mode, "quit") == 0) {
		raise(SIGQUIT);   /* to this thread: main is the running goroutine */
	} else if (strcmp(mode, "quit-thread") == 0) {
		pthread_t t;
		pthread_create(&t, 0, quitter, 0);
		int v;
		gort_chan_recv(never, &v);
	} else if (strcmp(mode, "handler") == 0 || strcmp(mode, "dfl") == 0) {
		struct sigaction old, sa = { .sa_handler = onquit };
		sigaction(SIGQUIT, 0, &old);
		printf("query: %s\n", old.sa_handler == SIG_DFL ? "SIG_DFL" : "something else");
		sigaction(SIGQUIT, &sa, 0);
		if (strcmp(mode, "dfl") == 0)
			signal(SIGQUIT, SIG_DFL);
		kill(getpid(), SIGQUIT);
		printf("handler ran: %d\n", (int)caught);
		return 0;
	} else if (strcmp(mode, "ignored2") == 0) {
		kill(getpid(), SIGQUIT);
		printf("SIGQUIT ignored\n");
		return 0;
	} else if (strcmp(mode, "segv-kill") == 0) {
		raise(SIGSEGV);
	} else {
		if (strcmp(mode, "segv-handler") == 0) {
			struct sigaction sa = { .sa_handler = onsegv };
			sigaction(SIGSEGV, &sa, 0);
		}
		go(crasher, (void *)mode);
		int v;
		gort_chan_recv(never, &v);
	}
	/* The report may be printed on another thread: wait for its end. */
	printf("not reached\n");
	fflush(stdout);
	int v;
	gort_chan_recv(never, &v);
	return 0;
}
