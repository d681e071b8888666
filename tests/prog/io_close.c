/*
 * io_close.c: a descriptor closed or replaced under a goroutine waiting
 * on it wakes the goroutine with EBADF; nothing hangs. Waiters: read on a
 * pipe (close), accept on a listening socket (close), recv on a socket
 * (dup2 over it), write on a full pipe (close), two goroutines queued
 * on one pipe (both wake), and read on a socket closed by fclose.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <gort.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "parked.h"

enum { NW = 7 };

struct waiter {
	const char *what;
	int fd;
	atomic_int state;   /* 0 not started, 1 about to block, 2 returned */
	long ret;
	int err;
};

static struct waiter w[NW];

static void waitfn(void *arg)
{
	struct waiter *x = arg;
	char buf[128];
	atomic_store(&x->state, 1);
	if (!strcmp(x->what, "accept")) {
		x->ret = accept(x->fd, 0, 0);
	} else if (!strcmp(x->what, "recv")) {
		x->ret = recv(x->fd, buf, sizeof buf, 0);
	} else if (!strcmp(x->what, "write")) {
		static char chunk[65536];
		for (;;) {
			x->ret = write(x->fd, chunk, sizeof chunk);
			if (x->ret < 0)
				break;
		}
	} else {
		x->ret = read(x->fd, buf, sizeof buf);
	}
	x->err = errno;
	atomic_store(&x->state, 2);
}

int main(void)
{
	int p[2], full[2], sp[2], sp2[2], sp3[2];
	if (pipe(p) || pipe(full) || socketpair(AF_UNIX, SOCK_STREAM, 0, sp) ||
	    socketpair(AF_UNIX, SOCK_STREAM, 0, sp2) || socketpair(AF_UNIX, SOCK_STREAM, 0, sp3))
		return 1;
	FILE *f3 = fdopen(sp3[0], "r");
	int ls = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET };
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (ls < 0 || bind(ls, (struct sockaddr *)&a, sizeof a) || listen(ls, 8))
		return 2;

	w[0] = (struct waiter){ .what = "read", .fd = p[0] };
	w[1] = (struct waiter){ .what = "read", .fd = p[0] };   /* queued behind w[0] */
	w[2] = (struct waiter){ .what = "accept", .fd = ls };
	w[3] = (struct waiter){ .what = "recv", .fd = sp[0] };
	w[4] = (struct waiter){ .what = "write", .fd = full[1] };
	w[5] = (struct waiter){ .what = "read", .fd = sp2[0] };
	w[6] = (struct waiter){ .what = "fclose", .fd = sp3[0] };
	for (int i = 0; i < NW; i++)
		go(waitfn, &w[i]);
	/* Every waiter parked in its call before the descriptors go. */
	printf("parked: %d of %d\n", waitparked(NW), NW);
	for (int i = 0; i < NW; i++)
		if (atomic_load(&w[i].state) != 1)
			printf("waiter %d (%s) not blocked: state %d\n", i, w[i].what, atomic_load(&w[i].state));

	close(p[0]);
	close(ls);
	dup2(sp2[1], sp[0]);     /* replaces the socket under w[3] */
	close(full[1]);
	close(sp2[0]);
	fclose(f3);
	for (int i = 0; i < NW; i++) {
		for (int k = 0; k < 2000 && atomic_load(&w[i].state) != 2; k++)
			usleep(1000);
		printf("%s: %s ret=%ld errno=%s\n", w[i].what,
		       atomic_load(&w[i].state) == 2 ? "woke" : "STILL BLOCKED", w[i].ret,
		       w[i].err == EBADF ? "EBADF" : strerror(w[i].err));
	}
	/* The numbers are free again and new descriptors work normally. */
	int np[2];
	if (pipe(np) < 0)
		return 3;
	if (write(np[1], "ok", 2) != 2)
		return 4;
	char b[4] = { 0 };
	ssize_t n = read(np[0], b, sizeof b - 1);
	printf("new pipe: %zd %s\n", n, b);
	return 0;
}
