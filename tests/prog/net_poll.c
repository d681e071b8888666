/*
 * net_poll.c: poll on goroutines. 2,000 goroutines each in poll on one
 * idle socket park: the process keeps a handful of threads, and every one
 * of them wakes with POLLIN when its peer writes. poll times out after
 * at least its timeout, reports POLLNVAL when the descriptor is closed
 * under it, and polls on several descriptors still work (in the kernel).
 */
#include <errno.h>
#include <gort.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "parked.h"

enum { N = 2000 };

static int pairs[N][2];
static gort_chan *res;
static atomic_int polling;

static int threads(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	int n = -1;
	while (f && fgets(line, sizeof line, f))
		if (!strncmp(line, "Threads:", 8))
			n = atoi(line + 8);
	if (f)
		fclose(f);
	return n;
}

static int64_t ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void poller(void *arg)
{
	long i = (long)arg;
	struct pollfd p = { .fd = pairs[i][0], .events = POLLIN };
	atomic_fetch_add(&polling, 1);
	int r = poll(&p, 1, 20000);
	char b;
	int ok = r == 1 && (p.revents & POLLIN) && read(p.fd, &b, 1) == 1 && b == (char)i;
	gort_chan_send(res, &ok);
}

static void timeouter(void *arg)
{
	long i = (long)arg;
	struct pollfd p = { .fd = pairs[i][0], .events = POLLIN };
	int64_t t0 = ms();
	int r = poll(&p, 1, 30);
	int ok = r == 0 && ms() - t0 >= 30;
	gort_chan_send(res, &ok);
}

static int victim[2];

static void closer(void *arg)
{
	(void)arg;
	/* main parked in its poll first. */
	if (waitparked(1) < 1)
		printf("closer: main never parked\n");
	close(victim[0]);
}

int main(void)
{
	res = gort_chan_make(sizeof(int), N);
	for (int i = 0; i < N; i++)
		if (socketpair(AF_UNIX, SOCK_STREAM, 0, pairs[i]) < 0) {
			perror("socketpair");
			return 1;
		}
	for (long i = 0; i < N; i++)
		go(poller, (void *)i);
	while (atomic_load(&polling) < N)
		usleep(1000);
	int parked = waitparked(N);
	int t = threads();
	printf("%d goroutines in poll: parked %d, few threads %d\n", N, parked, t > 0 && t < 64);
	for (int i = 0; i < N; i++) {
		char b = (char)i;
		if (write(pairs[i][1], &b, 1) != 1)
			return 2;
	}
	int good = 0;
	for (int i = 0; i < N; i++) {
		int ok;
		gort_chan_recv(res, &ok);
		good += ok;
	}
	printf("woke with POLLIN and read: %d\n", good);

	for (long i = 0; i < N; i++)
		go(timeouter, (void *)i);
	good = 0;
	for (int i = 0; i < N; i++) {
		int ok;
		gort_chan_recv(res, &ok);
		good += ok;
	}
	printf("timed out after >= 30ms: %d, threads few %d\n", good, threads() < 64);

	struct pollfd p = { .fd = pairs[0][0], .events = POLLIN };
	int64_t t0 = ms();
	int r = poll(&p, 1, 40);
	printf("timeout: poll returned %d after >= 40ms: %d\n", r, ms() - t0 >= 40);

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, victim) < 0)
		return 3;
	go(closer, 0);
	struct pollfd v = { .fd = victim[0], .events = POLLIN };
	r = poll(&v, 1, 5000);
	printf("closed under poll: %d %s\n", r, v.revents == POLLNVAL ? "POLLNVAL" : "?");

	struct pollfd w = { .fd = pairs[1][1], .events = POLLOUT };
	r = poll(&w, 1, 5000);
	printf("writable: %d %s\n", r, w.revents & POLLOUT ? "POLLOUT" : "?");

	if (write(pairs[3][1], "x", 1) != 1)
		return 4;
	struct pollfd two[2] = { { .fd = pairs[2][0], .events = POLLIN }, { .fd = pairs[3][0], .events = POLLIN } };
	r = poll(two, 2, 5000);
	printf("two descriptors: %d ready, second %s\n", r, two[1].revents & POLLIN ? "POLLIN" : "?");

	t0 = ms();
	r = poll(0, 0, 20);
	printf("no descriptors: %d after >= 20ms: %d\n", r, ms() - t0 >= 20);
	return 0;
}
