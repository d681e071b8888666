/*
 * io_syscall.c: a goroutine blocked in a system call the netpoller cannot
 * wait for (waitpid on a sleeping child, flock on a file another
 * descriptor holds locked, a pthread mutex held by a thread; select,
 * ppoll on two descriptors and epoll_wait, which gort does not park)
 * releases its P: with GOMAXPROCS=1 the other goroutines keep running
 * (sysmon hands the P to another M).
 */
#include <errno.h>
#include <fcntl.h>
#include <gort.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/file.h>
#include <sys/select.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static atomic_long ticks;
static atomic_int phase;    /* the blocked goroutine's progress */
static int result;

static void ticker(void *arg)
{
	(void)arg;
	while (atomic_load(&phase) >= 0) {
		atomic_fetch_add(&ticks, 1);
		gort_yield();
	}
}

/* Did the ticker run while phase stayed at `blocked`? */
static void check(const char *what, int blocked)
{
	while (atomic_load(&phase) < blocked)
		gort_yield();
	long t0 = atomic_load(&ticks);
	/* 100 ms of the ticker's time while the other goroutine blocks. */
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	int64_t end = ts.tv_sec * 1000000000LL + ts.tv_nsec + 100000000;
	for (;;) {
		clock_gettime(CLOCK_MONOTONIC, &ts);
		if (ts.tv_sec * 1000000000LL + ts.tv_nsec >= end)
			break;
		gort_yield();
	}
	printf("%s: others ran while it blocked: %d, still blocked: %d\n", what,
	       atomic_load(&ticks) - t0 > 10, atomic_load(&phase) == blocked);
}

static pid_t child;

static void waiter(void *arg)
{
	(void)arg;
	int st = 0;
	atomic_store(&phase, 1);
	pid_t r = waitpid(child, &st, 0);
	result = r == child && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	atomic_store(&phase, 2);
}

static const char *path;

static void locker(void *arg)
{
	(void)arg;
	int fd = open(path, O_RDWR);
	atomic_store(&phase, 3);
	result = flock(fd, LOCK_EX);
	atomic_store(&phase, 4);
	close(fd);
}

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

static void *holdmutex(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&mu);
	atomic_store(&phase, 5);
	usleep(1000000);
	pthread_mutex_unlock(&mu);
	return 0;
}

static void mutexer(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&mu);   /* futex wait, through __syscall_cp */
	atomic_store(&phase, 6);
	pthread_mutex_unlock(&mu);
}

/* Multi-descriptor waits on an empty pipe, until main writes to it. */
static int wp[2], wp2[2];
static const char *waitmode;

static void multiwaiter(void *arg)
{
	int blocked = (int)(long)arg;
	int r = -1;
	atomic_store(&phase, blocked);
	if (!strcmp(waitmode, "select")) {
		fd_set rs;
		FD_ZERO(&rs);
		FD_SET(wp[0], &rs);
		r = select(wp[0] + 1, &rs, 0, 0, 0);
	} else if (!strcmp(waitmode, "ppoll")) {
		struct pollfd p[2] = { { wp2[0], POLLIN, 0 }, { wp[0], POLLIN, 0 } };
		r = ppoll(p, 2, 0, 0);
	} else {
		int ep = epoll_create1(EPOLL_CLOEXEC);
		struct epoll_event ev = { .events = EPOLLIN }, got;
		epoll_ctl(ep, EPOLL_CTL_ADD, wp[0], &ev);
		r = epoll_wait(ep, &got, 1, -1);
		close(ep);
	}
	result = r;
	atomic_store(&phase, blocked + 1);
}

static void multiwait(const char *mode, int blocked)
{
	if (pipe(wp) || pipe(wp2))
		exit(1);
	waitmode = mode;
	go(multiwaiter, (void *)(long)blocked);
	check(mode, blocked);
	if (write(wp[1], "x", 1) != 1)
		exit(1);
	while (atomic_load(&phase) != blocked + 1)
		gort_yield();
	printf("%s: woke with %d ready\n", mode, result);
	close(wp[0]), close(wp[1]), close(wp2[0]), close(wp2[1]);
}

int main(void)
{
	go(ticker, 0);

	child = fork();
	if (child == 0) {
		/* The child of a fork: plain libc, the kernel's nanosleep. */
		nanosleep(&(struct timespec){ 1, 0 }, 0);
		_exit(7);
	}
	go(waiter, 0);
	check("waitpid", 1);
	while (atomic_load(&phase) != 2)
		gort_yield();
	printf("waitpid: child status %d\n", result);

	char tmpl[] = "/tmp/gort-io-syscall-XXXXXX";
	int fd = mkstemp(tmpl);
	path = tmpl;
	flock(fd, LOCK_EX);
	go(locker, 0);
	check("flock", 3);
	flock(fd, LOCK_UN);
	while (atomic_load(&phase) != 4)
		gort_yield();
	printf("flock: got the lock after the holder let go: %d\n", result == 0);
	unlink(tmpl);
	close(fd);

	pthread_t t;
	pthread_create(&t, 0, holdmutex, 0);
	while (atomic_load(&phase) != 5)
		gort_yield();
	go(mutexer, 0);
	check("pthread_mutex_lock", 5);
	pthread_join(t, 0);
	while (atomic_load(&phase) != 6)
		gort_yield();
	printf("pthread_mutex_lock: got it\n");

	multiwait("select", 7);
	multiwait("ppoll", 9);
	multiwait("epoll_wait", 11);
	atomic_store(&phase, -1);
	return 0;
}
