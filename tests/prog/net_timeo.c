/*
 * net_timeo.c: SO_RCVTIMEO and SO_SNDTIMEO keep their meaning on
 * goroutines: a recv, an accept and a send that wait longer than the
 * timeout fail with EAGAIN after at least that long, and the other
 * goroutines run meanwhile (GOMAXPROCS=1 too). Clearing the timeout
 * makes the call wait again until it can proceed.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <gort.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static atomic_long ticks;
static atomic_int stop;

static void ticker(void *arg)
{
	(void)arg;
	while (!atomic_load(&stop)) {
		atomic_fetch_add(&ticks, 1);
		usleep(1000);
	}
}

static int64_t ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void report(const char *what, long r, int64_t t0)
{
	int e = errno;
	int64_t took = ms() - t0;
	printf("%s: %s after >= 50ms: %d\n", what, r < 0 && e == EAGAIN ? "EAGAIN" : "no timeout", took >= 50);
}

struct late {
	int fd;
};

static void lateread(void *arg)
{
	int fd = *(int *)arg;
	usleep(30000);
	static char sink[1 << 20];
	while (read(fd, sink, sizeof sink) > 0)
		;
}

int main(void)
{
	go(ticker, 0);
	struct timeval tv = { 0, 50000 };
	int sp[2];
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sp) < 0)
		return 1;
	setsockopt(sp[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	char b[16];
	long t = atomic_load(&ticks);
	int64_t t0 = ms();
	long r = recv(sp[0], b, sizeof b, 0);
	report("recv with SO_RCVTIMEO", r, t0);
	t0 = ms();
	r = read(sp[0], b, sizeof b);
	report("read with SO_RCVTIMEO", r, t0);
	printf("others ran meanwhile: %d\n", atomic_load(&ticks) > t);

	int ls = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET };
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(ls, (struct sockaddr *)&a, sizeof a) || listen(ls, 4))
		return 2;
	setsockopt(ls, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	t0 = ms();
	r = accept(ls, 0, 0);
	report("accept with SO_RCVTIMEO", r, t0);

	/* Fill the socket, then a send times out. */
	setsockopt(sp[1], SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	static char chunk[65536];
	while (send(sp[1], chunk, sizeof chunk, MSG_DONTWAIT) > 0)
		;
	t0 = ms();
	r = send(sp[1], chunk, sizeof chunk, 0);
	report("send with SO_SNDTIMEO", r, t0);

	/* No timeout: wait for as long as it takes (a reader drains it). */
	struct timeval zero = { 0, 0 };
	setsockopt(sp[1], SOL_SOCKET, SO_SNDTIMEO, &zero, sizeof zero);
	go(lateread, &sp[0]);
	r = send(sp[1], chunk, sizeof chunk, 0);
	printf("send without timeout: %s\n", r == (long)sizeof chunk ? "all sent" : strerror(errno));
	atomic_store(&stop, 1);
	return 0;
}
