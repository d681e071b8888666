/*
 * io_nonblock.c: a descriptor the user made non-blocking still returns
 * EAGAIN, and F_GETFL shows the flag as the user set it, whatever gort
 * did to the descriptor behind the scenes, through whichever of its
 * duplicates.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <gort.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

static const char *e(long r)
{
	if (r >= 0)
		return "ok";
	return errno == EAGAIN ? "EAGAIN" : strerror(errno);
}

static int nb(int fd)
{
	return (fcntl(fd, F_GETFL) & O_NONBLOCK) != 0;
}

struct late {
	int fd;
	int ms;
};

/* Writes a byte to fd after ms milliseconds. */
static void writelate(void *arg)
{
	struct late *l = arg;
	usleep((unsigned)l->ms * 1000);
	if (write(l->fd, "x", 1) != 1)
		printf("late write failed\n");
}

/* Reads a pipe to its end, slowly enough that the writer must wait. */
static void drain(void *arg)
{
	int fd = *(int *)arg;
	static char buf[4096];
	while (read(fd, buf, sizeof buf) > 0)
		usleep(100);
}

int main(void)
{
	char c;
	int p[2];

	/* Non-blocking from birth. */
	if (pipe2(p, O_NONBLOCK) < 0)
		return 1;
	printf("pipe2 O_NONBLOCK: read %s, F_GETFL nb=%d\n", e(read(p[0], &c, 1)), nb(p[0]));

	/* Made blocking by the user, after gort has seen it: read waits. */
	fcntl(p[0], F_SETFL, 0);
	struct late l1 = { p[1], 20 };
	go(writelate, &l1);
	printf("after F_SETFL 0: nb=%d read %s\n", nb(p[0]), e(read(p[0], &c, 1)));

	/* A blocking pipe gort switched under the hood (the read above of a
	   goroutine registered it): still blocking to the user. */
	int q[2];
	if (pipe(q) < 0)
		return 2;
	struct late l2 = { q[1], 10 };
	go(writelate, &l2);
	printf("plain pipe: read %s nb=%d\n", e(read(q[0], &c, 1)), nb(q[0]));
	int on = 1;
	ioctl(q[0], FIONBIO, &on);
	printf("FIONBIO 1: nb=%d read %s\n", nb(q[0]), e(read(q[0], &c, 1)));
	on = 0;
	ioctl(q[0], FIONBIO, &on);
	go(writelate, &l2);
	printf("FIONBIO 0: nb=%d read %s\n", nb(q[0]), e(read(q[0], &c, 1)));
	fcntl(q[0], F_SETFL, O_NONBLOCK);
	printf("F_SETFL O_NONBLOCK: nb=%d read %s\n", nb(q[0]), e(read(q[0], &c, 1)));
	fcntl(q[0], F_SETFL, 0);

	/* A duplicate shares the description, and the user's view of it. */
	int d = dup(q[0]);
	go(writelate, &l2);
	printf("dup: nb=%d read %s\n", nb(d), e(read(d, &c, 1)));
	int d2 = fcntl(q[0], F_DUPFD_CLOEXEC, 100);
	printf("F_DUPFD_CLOEXEC: nb=%d\n", nb(d2));

	/* Two numbers for one description, neither used yet: gort switches
	   it through the first one used, and the other must still wait (and
	   a user's O_NONBLOCK must still show on both). */
	int r2[2];
	if (pipe(r2) < 0)
		return 9;
	int rd = dup(r2[0]);
	struct late l4 = { r2[1], 10 };
	go(writelate, &l4);
	if (read(rd, &c, 1) != 1)
		return 10;
	go(writelate, &l4);
	printf("dup before use: original nb=%d read %s\n", nb(r2[0]), e(read(r2[0], &c, 1)));
	int r3[2];
	if (pipe2(r3, O_NONBLOCK) < 0)
		return 11;
	int rd3 = fcntl(r3[0], F_DUPFD, 50);
	printf("dup before use, user non-blocking: read %s nb=%d, original read %s nb=%d\n", e(read(rd3, &c, 1)),
	       nb(rd3), e(read(r3[0], &c, 1)), nb(r3[0]));

	/* A duplicate of stdout is left blocking as stdout is: the
	   description is shared with other processes. */
	fflush(stdout);
	int so = dup(1);
	if (so < 0 || write(so, "dup of stdout: written\n", 23) != 23)
		return 12;
	printf("dup of stdout: kernel nb=%d\n", (syscall(SYS_fcntl, 1, F_GETFL) & O_NONBLOCK) != 0);
	close(so);

	/* Sockets: SOCK_NONBLOCK, MSG_DONTWAIT on a blocking socket. */
	int sp[2];
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sp) < 0)
		return 3;
	printf("SOCK_NONBLOCK: recv %s read %s nb=%d\n", e(recv(sp[0], &c, 1, 0)), e(read(sp[0], &c, 1)),
	       nb(sp[0]));
	int bs[2];
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, bs) < 0)
		return 4;
	printf("MSG_DONTWAIT: recv %s nb=%d\n", e(recv(bs[0], &c, 1, MSG_DONTWAIT)), nb(bs[0]));
	int us = socket(AF_INET, SOCK_DGRAM, 0);
	struct msghdr mh = { 0 };
	printf("MSG_ERRQUEUE: recvmsg %s\n", e(recvmsg(us, &mh, MSG_ERRQUEUE)));
	struct late l3 = { bs[1], 10 };
	go(writelate, &l3);
	printf("blocking socket: recv %s\n", e(recv(bs[0], &c, 1, 0)));

	/* accept on a listening socket the user made non-blocking, and on
	   one gort switched. */
	int ls = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	struct sockaddr_in a = { .sin_family = AF_INET };
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(ls, (struct sockaddr *)&a, sizeof a) || listen(ls, 8))
		return 5;
	printf("listener SOCK_NONBLOCK: accept %s nb=%d\n", e(accept(ls, 0, 0)), nb(ls));
	int ls2 = socket(AF_INET, SOCK_STREAM, 0);
	if (bind(ls2, (struct sockaddr *)&a, sizeof a) || listen(ls2, 8))
		return 6;
	socklen_t al = sizeof a;
	getsockname(ls2, (struct sockaddr *)&a, &al);
	int cs = socket(AF_INET, SOCK_STREAM, 0);
	if (connect(cs, (struct sockaddr *)&a, sizeof a) < 0)
		return 7;
	int s2 = accept4(ls2, 0, 0, SOCK_NONBLOCK);
	printf("accept4 SOCK_NONBLOCK: %s listener nb=%d accepted nb=%d recv %s\n", e(s2), nb(ls2), nb(s2),
	       e(recv(s2, &c, 1, 0)));
	fcntl(ls2, F_SETFL, O_NONBLOCK);
	printf("listener made non-blocking: accept %s nb=%d\n", e(accept(ls2, 0, 0)), nb(ls2));

	/* A switched pipe duplicated onto stdout: write and stdio still
	   block (wait) rather than fail, although descriptors 0-2 are
	   otherwise never switched. */
	int o[2];
	if (pipe(o) < 0)
		return 8;
	if (write(o[1], "s", 1) != 1 || read(o[0], &c, 1) != 1)   /* switches both ends */
		return 9;
	fflush(stdout);
	int saved = dup(1);
	dup2(o[1], 1);
	go(drain, &o[0]);
	static char lots[200000];
	memset(lots, 'z', sizeof lots);
	ssize_t w = write(1, lots, sizeof lots);
	size_t f = fwrite(lots, 1, sizeof lots, stdout);
	int ferr = fflush(stdout) != 0 || ferror(stdout);
	dup2(saved, 1);
	close(saved);
	printf("switched pipe on stdout: write %zd fwrite %zu error %d nb=%d\n", w, f, ferr, nb(o[1]));
	return 0;
}
