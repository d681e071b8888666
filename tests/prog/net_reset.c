/*
 * net_reset.c: resets and refusals reach the goroutines that wait.
 *  - a server goroutine parked in read when the client resets the
 *    connection wakes with ECONNRESET;
 *  - writing to a connection the peer reset fails (EPIPE or ECONNRESET)
 *    once the reset has arrived (SIGPIPE ignored here);
 *  - a client goroutine parked in read wakes with ECONNRESET when the
 *    server resets;
 *  - connect to a port nobody listens on fails with ECONNREFUSED;
 *  - 500 goroutines connect at once and each gets its byte back.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <gort.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

enum { NCONN = 500 };

static struct sockaddr_in addr;
static int ls;

static const char *en(int e)
{
	switch (e) {
	case ECONNRESET:
		return "ECONNRESET";
	case EPIPE:
		return "EPIPE";
	case ECONNREFUSED:
		return "ECONNREFUSED";
	}
	return strerror(e);
}

static void resetclose(int fd)
{
	struct linger lg = { 1, 0 };
	setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
	close(fd);
}

static gort_chan *res;

static void parkedread(void *arg)
{
	int fd = (int)(intptr_t)arg;
	char b[16];
	ssize_t n = read(fd, b, sizeof b);
	int e = n < 0 ? errno : 0;
	gort_chan_send(res, &e);
}

static void echo1(void *arg)
{
	int fd = (int)(intptr_t)arg;
	char b;
	if (read(fd, &b, 1) == 1 && write(fd, &b, 1) == 1) {
		/* wait for the client to finish */
		read(fd, &b, 1);
	}
	close(fd);
}

static void acceptmany(void *arg)
{
	(void)arg;
	for (int i = 0; i < NCONN; i++) {
		int fd = accept(ls, 0, 0);
		if (fd < 0) {
			printf("accept: %s\n", strerror(errno));
			return;
		}
		go(echo1, (void *)(intptr_t)fd);
	}
}

static void connect1(void *arg)
{
	long i = (long)arg;
	int ok = 0;
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	char b = (char)i, back = 0;
	if (connect(fd, (struct sockaddr *)&addr, sizeof addr) == 0 && write(fd, &b, 1) == 1 &&
	    read(fd, &back, 1) == 1 && back == b)
		ok = 1;
	close(fd);
	gort_chan_send(res, &ok);
}

static int dial(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	if (connect(fd, (struct sockaddr *)&addr, sizeof addr) < 0)
		return -1;
	return fd;
}

int main(void)
{
	signal(SIGPIPE, SIG_IGN);
	res = gort_chan_make(sizeof(int), NCONN);
	ls = socket(AF_INET, SOCK_STREAM, 0);
	addr.sin_family = AF_INET;
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(ls, (struct sockaddr *)&addr, sizeof addr) || listen(ls, 1024))
		return 1;
	socklen_t al = sizeof addr;
	getsockname(ls, (struct sockaddr *)&addr, &al);

	/* Client resets under a server goroutine parked in read. */
	int c = dial();
	int s = accept(ls, 0, 0);
	go(parkedread, (void *)(intptr_t)s);
	usleep(20000);
	resetclose(c);
	int e;
	gort_chan_recv(res, &e);
	printf("server read after client reset: %s\n", en(e));
	/* Writing there now fails. */
	ssize_t n = write(s, "x", 1);
	printf("server write after reset: %zd %s\n", n, n < 0 ? (errno == EPIPE || errno == ECONNRESET ? "failed as it should" : strerror(errno)) : "");
	close(s);

	/* Server resets under a client goroutine parked in read. */
	c = dial();
	s = accept(ls, 0, 0);
	go(parkedread, (void *)(intptr_t)c);
	usleep(20000);
	resetclose(s);
	gort_chan_recv(res, &e);
	printf("client read after server reset: %s\n", en(e));
	close(c);

	/* Nobody listening. */
	struct sockaddr_in closed = addr;
	int tmp = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in any = { .sin_family = AF_INET };
	any.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	bind(tmp, (struct sockaddr *)&any, sizeof any);
	al = sizeof closed;
	getsockname(tmp, (struct sockaddr *)&closed, &al);
	close(tmp);   /* bound, never listened: the port refuses */
	int r = socket(AF_INET, SOCK_STREAM, 0);
	int cr = connect(r, (struct sockaddr *)&closed, sizeof closed);
	printf("connect to a closed port: %d %s\n", cr, cr < 0 ? en(errno) : "");
	close(r);

	/* Many at once. */
	go(acceptmany, 0);
	for (long i = 0; i < NCONN; i++)
		go(connect1, (void *)i);
	int good = 0;
	for (int i = 0; i < NCONN; i++) {
		int ok;
		gort_chan_recv(res, &ok);
		good += ok;
	}
	printf("%d concurrent connects: %d echoed\n", NCONN, good);
	return 0;
}
