/*
 * io_pthread.c: the wrappers called from a thread the program made with
 * pthread_create behave as plain musl: a read blocks the thread (even on
 * a pipe gort switched to O_NONBLOCK for a goroutine), sleep sleeps the
 * thread, errno is the thread's, and pthread_cancel still cancels a
 * thread blocked in read. A close from such a thread wakes a goroutine
 * waiting on the descriptor.
 */
#include <errno.h>
#include <fcntl.h>
#include <gort.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "parked.h"

static int p[2], c[2], w[2];
static atomic_int stage;
static _Atomic long tid;

static void *blockreader(void *arg)
{
	(void)arg;
	char b[8] = { 0 };
	atomic_store(&tid, syscall(SYS_gettid));
	atomic_store(&stage, 1);
	ssize_t n = read(p[0], b, sizeof b - 1);
	printf("pthread read on a switched pipe: %zd '%s' (%s)\n", n, b,
	       n < 0 ? strerror(errno) : atomic_load(&stage) == 4 ? "blocked until data" : "did not block");
	errno = 0;
	n = read(-1, b, 1);
	printf("pthread read(-1): %zd %s\n", n, errno == EBADF ? "EBADF" : strerror(errno));
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	usleep(20000);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	printf("pthread usleep 20ms: slept >= 20ms: %d\n", ms >= 20);
	return 0;
}

static void *cancelme(void *arg)
{
	int fd = *(int *)arg;
	char b;
	atomic_store(&tid, syscall(SYS_gettid));
	atomic_store(&stage, 3);
	ssize_t n = read(fd, &b, 1);   /* a cancellation point */
	printf("cancelled thread read returned %zd\n", n);
	return 0;
}

static void *closer(void *arg)
{
	(void)arg;
	/* main is parked in its read of w[0]. */
	if (waitparked(1) < 1)
		printf("closer: main never parked\n");
	close(w[0]);
	return 0;
}

static atomic_int gotread;

static void goroutine_reader(void *arg)
{
	(void)arg;
	char b;
	/* Registers p[0] with the poller and switches it to O_NONBLOCK. */
	ssize_t n = read(p[0], &b, 1);
	atomic_store(&gotread, n == 1 ? 1 : -1);
}

int main(void)
{
	if (pipe(p) || pipe(c) || pipe(w))
		return 1;
	go(goroutine_reader, 0);
	if (waitparked(1) < 1)
		printf("goroutine reader never parked\n");
	if (write(p[1], "g", 1) != 1)
		return 2;
	while (!atomic_load(&gotread))
		usleep(1000);
	printf("goroutine read: %d, F_GETFL nb=%d\n", atomic_load(&gotread),
	       (fcntl(p[0], F_GETFL) & O_NONBLOCK) != 0);

	pthread_t t;
	pthread_create(&t, 0, blockreader, 0);
	while (atomic_load(&stage) != 1)
		usleep(1000);
	/* Blocked in the kernel: in read, or in the poll musl's read waits
	   in on a descriptor gort switched to O_NONBLOCK. */
	if (waitinsyscall(atomic_load(&tid), SYS_read, SYS_poll))
		atomic_store(&stage, 4);
	if (write(p[1], "late", 4) != 4)
		return 3;
	pthread_join(t, 0);

	/* On a plain pipe, and on the switched one, where the thread waits
	   in poll rather than in read. */
	int *fds[] = { &c[0], &p[0] };
	for (int i = 0; i < 2; i++) {
		pthread_t tc;
		atomic_store(&stage, 2);
		pthread_create(&tc, 0, cancelme, fds[i]);
		while (atomic_load(&stage) != 3)
			usleep(1000);
		if (!waitinsyscall(atomic_load(&tid), SYS_read, SYS_poll))
			printf("cancel: the thread never blocked\n");
		pthread_cancel(tc);
		void *res;
		pthread_join(tc, &res);
		printf("pthread_cancel of a thread in read (%s pipe): %s\n", i ? "switched" : "plain",
		       res == PTHREAD_CANCELED ? "cancelled" : "not cancelled");
	}

	pthread_t tcl;
	pthread_create(&tcl, 0, closer, 0);
	char b;
	errno = 0;
	ssize_t n = read(w[0], &b, 1);
	printf("goroutine read, fd closed by a pthread: %zd %s\n", n, errno == EBADF ? "EBADF" : strerror(errno));
	pthread_join(tcl, 0);
	return 0;
}
