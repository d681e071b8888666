/* A C program's signals, on goroutines (docs/libc.md, "Signals and
   threads"): the process-wide signal mask and the calls that wait for a
   signal work as in a single-threaded program, whichever M the goroutine
   runs on.
     pause      ualarm(100 ms); pause(); after main has parked and moved between
                Ms, while another goroutine sleeps on a timer
     sigwait    SIGUSR1 blocked in main, goroutines that keep new Ms busy,
                another sends it to the process: sigwait takes it, and the
                mask is still set after main parked
     sigsuspend SIGCHLD blocked, a child exits, sigsuspend(old) returns
                after the handler ran
     shared     a mask set by one goroutine holds in another (the program
                has one mask, as a single-threaded program has)
     eintr      a handler without SA_RESTART cuts short a read that blocks
                its thread (a pipe on descriptor 0) with EINTR, as in a
                single-threaded program, while another goroutine sleeps (so
                an M waits in the poller)
     nested     sigprocmask lets in a pending signal whose handler calls
                sigprocmask too
     siglongjmp a handler jumps out to sigsetjmp(jb, 1), which restores the
                program's mask as it was saved */
#include <errno.h>
#include <gort.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t caught;

static void onsignal(int sig)
{
	caught = sig;
}

static int fds[2];

static void writer(void *arg)
{
	(void)arg;
	gort_sleep(1000000);
	if (write(fds[1], "x", 1) != 1)
		perror("write");
}

/* Park main on a pipe a few times, so that it resumes on other Ms. */
static void wander(void)
{
	for (int i = 0; i < 10; i++) {
		if (pipe(fds) != 0) {
			perror("pipe");
			exit(1);
		}
		go(writer, NULL);
		char c;
		if (read(fds[0], &c, 1) != 1)
			perror("read");
		close(fds[0]);
		close(fds[1]);
	}
}

static void sleeper(void *arg)
{
	(void)arg;
	gort_sleep(10 * 1000000000LL);
}

static void pause_test(void)
{
	signal(SIGALRM, onsignal);
	wander();
	go(sleeper, NULL);
	gort_sleep(1000000);
	ualarm(100000, 0);
	int r = pause();
	printf("pause: %d, caught SIGALRM: %d\n", r, caught == SIGALRM);
}

static void spin(void *arg)
{
	(void)arg;
	int64_t end = gort_nanotime() + 50000000;
	while (gort_nanotime() < end)
		;
}

static void sender(void *arg)
{
	(void)arg;
	gort_sleep(20000000);
	kill(getpid(), SIGUSR1);
}

static void sigwait_test(void)
{
	sigset_t s, cur;
	sigemptyset(&s);
	sigaddset(&s, SIGUSR1);
	sigprocmask(SIG_BLOCK, &s, NULL);
	for (int i = 0; i < 4; i++)
		go(spin, NULL);
	go(sender, NULL);
	int sig = 0;
	int r = sigwait(&s, &sig);
	wander();
	sigprocmask(SIG_BLOCK, NULL, &cur);
	printf("sigwait: %d, signal %s, still blocked: %d\n", r, sig == SIGUSR1 ? "SIGUSR1" : "other",
	       sigismember(&cur, SIGUSR1));
}

static void sigsuspend_test(void)
{
	sigset_t s, old;
	sigemptyset(&s);
	sigaddset(&s, SIGCHLD);
	struct sigaction sa = { 0 };
	sa.sa_handler = onsignal;
	sigaction(SIGCHLD, &sa, NULL);
	sigprocmask(SIG_BLOCK, &s, &old);
	wander();
	pid_t pid = fork();
	if (pid < 0) {
		perror("fork");
		exit(1);
	}
	if (pid == 0)
		_exit(7);
	go(sleeper, NULL);
	while (caught != SIGCHLD)
		sigsuspend(&old);
	int st;
	waitpid(pid, &st, 0);
	sigprocmask(SIG_SETMASK, &old, NULL);
	printf("sigsuspend: woke, child status %d\n", WEXITSTATUS(st));
}

static gort_chan *done;

static void checker(void *arg)
{
	(void)arg;
	sigset_t cur;
	sigprocmask(SIG_BLOCK, NULL, &cur);
	int v = sigismember(&cur, SIGUSR2);
	gort_chan_send(done, &v);
}

static void shared_test(void)
{
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, SIGUSR2);
	sigprocmask(SIG_BLOCK, &s, NULL);
	done = gort_chan_make(sizeof(int), 0);
	int seen = 0;
	for (int i = 0; i < 8; i++) {
		int v;
		go(checker, NULL);
		gort_chan_recv(done, &v);
		seen += v;
	}
	/* Blocked, so it stays pending until main unblocks it. */
	signal(SIGUSR2, onsignal);
	kill(getpid(), SIGUSR2);
	gort_sleep(10000000);
	int before = caught;
	sigprocmask(SIG_UNBLOCK, &s, NULL);
	printf("shared: seen blocked by %d of 8, pending until unblocked: %d\n", seen,
	       before == 0 && caught == SIGUSR2);
}

/* A handler that sigprocmask lets in may call sigprocmask itself (bash's
   SIGCHLD handler blocks SIGCHLD around its job table): it used to wait
   for ever for the lock the interrupted call held. */
static volatile sig_atomic_t nested;

static void masking(int sig)
{
	sigset_t s, o;
	sigemptyset(&s);
	sigaddset(&s, SIGCHLD);
	sigprocmask(SIG_BLOCK, &s, &o);
	sigprocmask(SIG_SETMASK, &o, NULL);
	nested++;
	caught = sig;
}

static void nested_test(void)
{
	signal(SIGUSR1, masking);
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, SIGUSR1);
	go(sleeper, NULL);
	for (int i = 0; i < 20; i++) {
		sigprocmask(SIG_BLOCK, &s, NULL);
		raise(SIGUSR1);
		sigprocmask(SIG_UNBLOCK, &s, NULL);
		if (i % 5 == 0)
			wander();
	}
	printf("nested: handler ran %d of 20\n", (int)nested);
}

/* siglongjmp restores the mask sigsetjmp saved: the program's. */
static sigjmp_buf jb;

static void jumper(int sig)
{
	caught = sig;
	siglongjmp(jb, 1);
}

static void siglongjmp_test(void)
{
	signal(SIGUSR2, jumper);
	sigset_t s, cur;
	sigemptyset(&s);
	sigaddset(&s, SIGINT);
	int jumps = 0;
	if (sigsetjmp(jb, 1) == 0) {
		sigprocmask(SIG_BLOCK, &s, NULL);
		wander();
		raise(SIGUSR2);   /* the handler jumps back with SIGUSR2 blocked */
	} else {
		jumps++;
	}
	sigprocmask(SIG_BLOCK, NULL, &cur);
	printf("siglongjmp: jumped %d, SIGINT blocked %d, SIGUSR2 blocked %d\n", jumps,
	       sigismember(&cur, SIGINT), sigismember(&cur, SIGUSR2));
}

static void eintr_test(void)
{
	struct sigaction sa = { 0 };
	sa.sa_handler = onsignal;
	sigaction(SIGALRM, &sa, NULL);
	wander();
	int p[2];
	if (pipe(p) != 0 || dup2(p[0], 0) != 0) {
		perror("pipe");
		exit(1);
	}
	go(sleeper, NULL);
	ualarm(100000, 0);
	char c;
	ssize_t n = read(0, &c, 1);
	printf("eintr: read %zd, %s\n", n, n < 0 && errno == EINTR ? "EINTR" : "no EINTR");
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	if (!strcmp(mode, "pause"))
		pause_test();
	else if (!strcmp(mode, "sigwait"))
		sigwait_test();
	else if (!strcmp(mode, "sigsuspend"))
		sigsuspend_test();
	else if (!strcmp(mode, "shared"))
		shared_test();
	else if (!strcmp(mode, "eintr"))
		eintr_test();
	else if (!strcmp(mode, "nested"))
		nested_test();
	else if (!strcmp(mode, "siglongjmp"))
		siglongjmp_test();
	else {
		fprintf(stderr, "usage: signal_mask pause|sigwait|sigsuspend|shared|eintr|nested|siglongjmp\n");
		return 1;
	}
	return 0;
}
