/*
 * net_echo.c: 10,000 concurrent loopback connections through an echo
 * server written with plain accept/read/write, one goroutine per
 * connection. The program is both sides: run without arguments it is
 * the server, and starts itself as the client process
 * (`net_echo client PORT N`), whose N goroutines all connect, wait until
 * every one of them is connected, then make a few round trips each.
 * Each process needs N + a few descriptors: the soft RLIMIT_NOFILE is
 * raised to the hard one, and the test is skipped (a line starting with
 * "skip:") when the hard limit is too low.
 *
 *	net_echo [N]      (default 10000)
 */
#include <arpa/inet.h>
#include <errno.h>
#include <gort.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

enum { ROUNDS = 3, INFLIGHT = 256, WATCHDOG_SECS = 90 };

extern char **environ;

static bool fdlimit(long need)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return false;
	if (rl.rlim_max != RLIM_INFINITY && (long)rl.rlim_max < need) {
		printf("skip: RLIMIT_NOFILE hard limit %ld < %ld descriptors needed\n", (long)rl.rlim_max,
		       need);
		return false;
	}
	rl.rlim_cur = rl.rlim_max;
	return setrlimit(RLIMIT_NOFILE, &rl) == 0;
}

/* ---- state, and a watchdog that reports it if the run hangs ---- */

static atomic_int conns, peak, served, accepted;
static atomic_int connected, nclients, finished;
static const char *role = "server";

/* A thread of its own, outside the scheduler: if the run takes far too
   long, say how far each side got, rather than being killed silently. */
static void *watchdog(void *arg)
{
	(void)arg;
	sleep(WATCHDOG_SECS);
	fprintf(stderr,
	        "%s: watchdog: still running after %ds: accepted %d conns %d served %d; "
	        "connected %d of %d, finished %d; goroutines %d\n",
	        role, WATCHDOG_SECS, atomic_load(&accepted), atomic_load(&conns), atomic_load(&served),
	        atomic_load(&connected), atomic_load(&nclients), atomic_load(&finished), gort_numgoroutine());
	_exit(3);
}

/* ---- server ---- */

static void serve(void *arg)
{
	int fd = (int)(intptr_t)arg;
	int now = atomic_fetch_add(&conns, 1) + 1;
	int p = atomic_load(&peak);
	while (now > p && !atomic_compare_exchange_weak(&peak, &p, now))
		;
	char buf[4096];
	ssize_t n;
	while ((n = read(fd, buf, sizeof buf)) > 0)
		if (write(fd, buf, (size_t)n) != n)
			break;
	/* The client resets its connections (no TIME_WAIT to pile up). */
	if (n < 0 && errno != ECONNRESET)
		printf("server read: %s\n", strerror(errno));
	close(fd);
	atomic_fetch_sub(&conns, 1);
	atomic_fetch_add(&served, 1);
}

static int ls;

static void acceptor(void *arg)
{
	(void)arg;
	for (;;) {
		int fd = accept(ls, 0, 0);
		if (fd < 0) {
			printf("accept: %s\n", strerror(errno));
			return;
		}
		atomic_fetch_add(&accepted, 1);
		go(serve, (void *)(intptr_t)fd);
	}
}

static int server(const char *self, int n)
{
	if (!fdlimit(n + 64))
		return 0;
	signal(SIGPIPE, SIG_IGN);
	ls = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET };
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (ls < 0 || bind(ls, (struct sockaddr *)&a, sizeof a) < 0 || listen(ls, 4096) < 0) {
		perror("listen");
		return 1;
	}
	socklen_t al = sizeof a;
	getsockname(ls, (struct sockaddr *)&a, &al);
	go(acceptor, 0);
	char port[16], count[16];
	snprintf(port, sizeof port, "%d", ntohs(a.sin_port));
	snprintf(count, sizeof count, "%d", n);
	char *argv[] = { (char *)self, "client", port, count, 0 };
	pid_t pid;
	if (posix_spawn(&pid, self, 0, 0, argv, environ) != 0) {
		perror("posix_spawn");
		return 1;
	}
	int st;
	/* waitpid runs under entersyscall: the server keeps serving. */
	if (waitpid(pid, &st, 0) != pid)
		return 1;
	for (int i = 0; i < 5000 && atomic_load(&served) < n; i++)
		usleep(1000);
	printf("server: peak %d concurrent connections, served %d, client exit %d\n", atomic_load(&peak),
	       atomic_load(&served), WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
	return 0;
}

/* ---- client ---- */

static struct sockaddr_in srv;
static gort_chan *tokens, *start, *results;

/* One round trip; false if the echo did not come back whole. */
static bool roundtrip(int fd, long id, int round)
{
	char msg[128], back[128];
	int len = snprintf(msg, sizeof msg, "client %ld round %d says hello", id, round);
	if (write(fd, msg, (size_t)len) != len)
		return false;
	int have = 0;
	while (have < len) {
		ssize_t n = read(fd, back + have, (size_t)(len - have));
		if (n <= 0)
			return false;
		have += (int)n;
	}
	return memcmp(msg, back, (size_t)len) == 0;
}

static void arrived(void)
{
	if (atomic_fetch_add(&connected, 1) + 1 == atomic_load(&nclients))
		gort_chan_close(start);
}

static void client1(void *arg)
{
	long id = (long)arg;
	int ok = 0;
	char tok;
	gort_chan_recv(tokens, &tok);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	int r = fd < 0 ? -1 : connect(fd, (struct sockaddr *)&srv, sizeof srv);
	if (r < 0)
		printf("client %ld: connect: %s\n", id, strerror(errno));
	/* The first round trip proves the server has taken the connection. */
	if (r == 0 && roundtrip(fd, id, 0))
		ok++;
	gort_chan_send(tokens, &tok);
	arrived();
	/* Everybody connected and served before anybody goes on: N at once. */
	gort_chan_recv(start, 0);
	for (int round = 1; ok == round && round < ROUNDS; round++)
		if (roundtrip(fd, id, round))
			ok++;
	if (fd >= 0) {
		/* Reset rather than close: no TIME_WAIT left behind. */
		struct linger lg = { 1, 0 };
		setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
		close(fd);
	}
	atomic_fetch_add(&finished, 1);
	gort_chan_send(results, &ok);
}

static int client(int port, int n)
{
	if (!fdlimit(n + 64))
		return 3;
	srv.sin_family = AF_INET;
	srv.sin_port = htons((uint16_t)port);
	srv.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	atomic_store(&nclients, n);
	tokens = gort_chan_make(1, INFLIGHT);
	start = gort_chan_make(0, 0);
	results = gort_chan_make(sizeof(int), (size_t)n);
	for (int i = 0; i < INFLIGHT; i++)
		gort_chan_send(tokens, "t");
	for (long i = 0; i < n; i++)
		if (go(client1, (void *)i) < 0)
			return 4;
	long trips = 0;
	int full = 0;
	for (int i = 0; i < n; i++) {
		int ok;
		gort_chan_recv(results, &ok);
		trips += ok;
		full += ok == ROUNDS;
	}
	printf("client: %d connections, %d completed all %d round trips (%ld in all)\n", n, full, ROUNDS, trips);
	return full == n ? 0 : 2;
}

int main(int argc, char **argv)
{
	pthread_t wd;
	if (argc > 1 && !strcmp(argv[1], "client"))
		role = "client";
	pthread_create(&wd, 0, watchdog, 0);
	if (argc > 1 && !strcmp(argv[1], "client"))
		return client(atoi(argv[2]), atoi(argv[3]));
	int n = argc > 1 ? atoi(argv[1]) : 10000;
	return server(argv[0], n);
}
