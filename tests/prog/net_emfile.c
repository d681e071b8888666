/*
 * net_emfile.c: an echo server that runs out of descriptors keeps
 * serving. The soft RLIMIT_NOFILE is set so that only about half of the
 * NC client connections (goroutines of the same program) can be
 * accepted; accept fails with EMFILE for the rest, the server waits a
 * little and tries again, and as the first clients finish and close, the
 * others get their turn. Every client must get its echo. Clients keep
 * their connection until the server has seen EMFILE, so that it does on
 * any machine, however slow.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <gort.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

enum { NC = 40 };

static int ls;
static atomic_int emfile, accepted;
static gort_chan *done;

static void serve(void *arg)
{
	int fd = (int)(intptr_t)arg;
	char buf[256];
	ssize_t n;
	while ((n = read(fd, buf, sizeof buf)) > 0)
		if (write(fd, buf, (size_t)n) != n)
			break;
	close(fd);
}

static void acceptor(void *arg)
{
	(void)arg;
	for (;;) {
		int fd = accept(ls, 0, 0);
		if (fd < 0) {
			if (errno == EMFILE) {
				atomic_fetch_add(&emfile, 1);
				usleep(2000);
				continue;
			}
			printf("accept: %s\n", strerror(errno));
			return;
		}
		atomic_fetch_add(&accepted, 1);
		go(serve, (void *)(intptr_t)fd);
	}
}

static int cfd[NC];

static void client(void *arg)
{
	long i = (long)arg;
	char msg[32], back[32];
	int len = snprintf(msg, sizeof msg, "hello from %ld", i);
	int ok = write(cfd[i], msg, (size_t)len) == len;
	int have = 0;
	while (ok && have < len) {
		ssize_t n = read(cfd[i], back + have, (size_t)(len - have));
		if (n <= 0)
			break;
		have += (int)n;
	}
	ok = ok && have == len && !memcmp(msg, back, (size_t)len);
	/* Hold the connection until the server has run out: closing early
	   could keep it under its limit on a slow or loaded machine. */
	while (ok && atomic_load(&emfile) == 0)
		usleep(1000);
	close(cfd[i]);
	gort_chan_send(done, &ok);
}

int main(void)
{
	ls = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET };
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (ls < 0 || bind(ls, (struct sockaddr *)&a, sizeof a) || listen(ls, NC))
		return 1;
	socklen_t al = sizeof a;
	getsockname(ls, (struct sockaddr *)&a, &al);
	done = gort_chan_make(sizeof(int), NC);
	/* All client sockets first: they are not the server's to run out of. */
	for (int i = 0; i < NC; i++) {
		cfd[i] = socket(AF_INET, SOCK_STREAM, 0);
		if (cfd[i] < 0 || connect(cfd[i], (struct sockaddr *)&a, sizeof a) < 0) {
			perror("client");
			return 2;
		}
	}
	/* The next free descriptor, plus room for half the connections. */
	int next = dup(0);
	close(next);
	struct rlimit rl;
	getrlimit(RLIMIT_NOFILE, &rl);
	rl.rlim_cur = (rlim_t)(next + NC / 2);
	if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
		return 3;
	go(acceptor, 0);
	for (long i = 0; i < NC; i++)
		go(client, (void *)i);
	int good = 0;
	for (int i = 0; i < NC; i++) {
		int ok;
		gort_chan_recv(done, &ok);
		good += ok;
	}
	printf("echoed %d of %d; accepted %d; EMFILE seen: %s\n", good, NC, atomic_load(&accepted),
	       atomic_load(&emfile) > 0 ? "yes" : "no");
	return 0;
}
