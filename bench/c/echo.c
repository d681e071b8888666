/* echo: a TCP echo server on 127.0.0.1, one goroutine per connection,
   plain accept/read/write. Twin of bench/go/echo.go. The same program is
   the load for both servers (bench/run.sh, kind_echo and kind_http):

	echo [port]                         the server (0: a free port)
	echo load PORT CONNS SECS [SIZE]    CONNS connections, each a closed
	                                    loop of SIZE-byte echoes for SECS
	                                    seconds once all are up (it says
	                                    "connections up"): prints rps=
	                                    and p99_us=
	echo idle PORT N echo|http SECS     N connections, one exchange each
	                                    (an echo or a GET), then idle for
	                                    SECS seconds: prints "ready" once
	                                    they are all up

   The load resets its connections when it is done, so that runs in a row
   do not leave thousands of ports in TIME_WAIT. */
#define _GNU_SOURCE 1
#include <arpa/inet.h>
#include <errno.h>
#include <gort.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* Descriptors: as many as the hard limit allows (Go does this at start). */
static void fdlimit(void)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

/* ---- the server ---- */

/* A page of buffer, on the stack, as in Go's twin (which has it on the
   heap). A bigger one costs an idle connection its pages: gortcc's
   -fstack-clash-protection touches each page of a large frame as it is
   made (16 KiB here made 10,000 idle connections take 199 MiB, not 84),
   and musl's malloc touches both ends of a 16 KiB block. */
static void serve(void *arg)
{
	int fd = (int)(intptr_t)arg;
	char buf[4096];
	ssize_t n;
	while ((n = read(fd, buf, sizeof buf)) > 0)
		if (write(fd, buf, (size_t)n) != n)
			break;
	close(fd);
}

static int server(int port)
{
	int ls = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int one = 1;
	setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (ls < 0 || bind(ls, (struct sockaddr *)&a, sizeof a) < 0 || listen(ls, 4096) < 0) {
		perror("listen");
		return 1;
	}
	socklen_t al = sizeof a;
	getsockname(ls, (struct sockaddr *)&a, &al);
	printf("listening on 127.0.0.1:%d\n", ntohs(a.sin_port));
	fflush(stdout);
	for (;;) {
		int fd = accept4(ls, 0, 0, SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EMFILE || errno == ENFILE)
				usleep(10000);
			continue;
		}
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
		if (go(serve, (void *)(intptr_t)fd) < 0)
			close(fd);
	}
}

/* ---- the load ---- */

static struct sockaddr_in srv;
static gort_chan *tokens;   /* bounds the connects in flight */
static gort_chan *ready, *done;

static int64_t now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int dial(void)
{
	char t;
	gort_chan_recv(tokens, &t);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&srv, sizeof srv) < 0) {
		close(fd);
		fd = -1;
	}
	gort_chan_send(tokens, &t);
	if (fd >= 0) {
		int one = 1;
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	}
	return fd;
}

static void reset(int fd)
{
	struct linger lg = { 1, 0 };
	setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
	close(fd);
}

static bool readn(int fd, char *buf, size_t n)
{
	while (n > 0) {
		ssize_t k = read(fd, buf, n);
		if (k <= 0)
			return false;
		buf += k;
		n -= (size_t)k;
	}
	return true;
}

/* Latencies: 1 us buckets up to 10 ms, then 100 us buckets up to 1 s,
   then one bucket for the rest. */
enum { FINE = 10000, STEP = 100, HIST = FINE + (1000000 - FINE) / STEP + 1 };

static int bucket(int64_t us)
{
	if (us < FINE)
		return (int)us;
	int64_t b = FINE + (us - FINE) / STEP;
	return b < HIST - 1 ? (int)b : HIST - 1;
}

static int bucketus(int b)
{
	return b < FINE ? b : FINE + (b - FINE) * STEP;
}

/* One histogram for all connections: 10,000 of them each with its own
   would take 800 MB. */
static _Atomic uint32_t hist[HIST];
static gort_chan *start;    /* closed once every connection is up */
static int64_t loadend;

struct loader {
	size_t size;
	long count;
	int failed;
};

static void load1(void *arg)
{
	struct loader *l = arg;
	/* The echo is read with room to spare, as a client reads what has
	   come; only one message is ever in flight on a connection. */
	size_t room = l->size < 4096 ? 4096 : l->size;
	char *msg = malloc(l->size), *back = malloc(room);
	memset(msg, 'e', l->size);
	int fd = dial();
	int up = fd >= 0;
	l->failed = !up;
	gort_chan_send(ready, &up);
	gort_chan_recv(start, 0);
	while (fd >= 0 && !l->failed) {
		int64_t t0 = now();
		if (t0 >= loadend)
			break;
		if (write(fd, msg, l->size) != (ssize_t)l->size) {
			l->failed = 1;
			break;
		}
		size_t got = 0;
		while (got < l->size) {
			ssize_t k = read(fd, back, room);
			if (k <= 0)
				break;
			got += (size_t)k;
		}
		if (got != l->size) {
			l->failed = 1;
			break;
		}
		atomic_fetch_add_explicit(&hist[bucket((now() - t0) / 1000)], 1, memory_order_relaxed);
		l->count++;
	}
	if (fd >= 0)
		reset(fd);
	free(msg);
	free(back);
	gort_chan_send(done, 0);
}

/* The smallest latency that pct percent of the requests did not exceed. */
static int percentile(long total, int pct)
{
	long want = (total * pct + 99) / 100, seen = 0;
	for (int k = 0; k < HIST; k++) {
		seen += (long)hist[k];
		if (seen >= want)
			return bucketus(k);
	}
	return bucketus(HIST - 1);
}

static int load(int conns, double secs, size_t size)
{
	struct loader *ls = calloc((size_t)conns, sizeof *ls);
	start = gort_chan_make(0, 0);
	for (int i = 0; i < conns; i++) {
		ls[i].size = size;
		go(load1, &ls[i]);
	}
	int up = 0;
	for (int i = 0; i < conns; i++) {
		int ok;
		gort_chan_recv(ready, &ok);
		up += ok;
	}
	printf("load: %d of %d connections up\n", up, conns);
	fflush(stdout);
	int64_t t0 = now();
	loadend = t0 + (int64_t)(secs * 1e9);
	gort_chan_close(start);
	for (int i = 0; i < conns; i++)
		gort_chan_recv(done, 0);
	double took = (now() - t0) / 1e9;
	long total = 0;
	int failed = 0;
	for (int i = 0; i < conns; i++) {
		total += ls[i].count;
		failed += ls[i].failed;
	}
	int p50 = percentile(total, 50), p99 = percentile(total, 99);
	/* The load's own CPU time per request: what it leaves of the
	   machine's CPUs to the server. */
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	double cpu = ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
	printf("load: conns=%d size=%zu secs=%.2f requests=%ld failed=%d rps=%.0f p50_us=%d p99_us=%d"
	       " cpu_ns_per_req=%.0f\n",
	       conns, size, took, total, failed, total / took, p50, p99, total ? cpu * 1e9 / total : 0);
	return failed ? 1 : 0;
}

/* ---- idle connections ---- */

static bool http;
static double holdsecs;

static void idle1(void *arg)
{
	(void)arg;
	static const char get[] = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
	char buf[1024];
	int ok = 0, fd = dial();
	if (fd >= 0) {
		if (http) {
			/* The whole response: headers, then Content-Length bytes. */
			ok = write(fd, get, sizeof get - 1) == (ssize_t)(sizeof get - 1);
			size_t have = 0;
			char *hdrend = 0;
			while (ok && !(hdrend = memmem(buf, have, "\r\n\r\n", 4))) {
				ssize_t n = read(fd, buf + have, sizeof buf - 1 - have);
				if (n <= 0)
					ok = 0;
				else
					have += (size_t)n;
			}
			if (ok) {
				buf[have] = 0;
				char *cl = strcasestr(buf, "content-length:");
				size_t body = cl ? (size_t)atol(cl + 15) : 0;
				size_t got = have - (size_t)(hdrend + 4 - buf);
				ok = body < got || readn(fd, buf, body - got);
			}
		} else {
			ok = write(fd, "idle", 4) == 4 && readn(fd, buf, 4);
		}
	}
	gort_chan_send(ready, &ok);
	usleep((useconds_t)(holdsecs * 1e6));
	if (fd >= 0)
		reset(fd);
	gort_chan_send(done, 0);
}

static int idle(int n)
{
	for (int i = 0; i < n; i++)
		go(idle1, 0);
	int good = 0;
	for (int i = 0; i < n; i++) {
		int ok;
		gort_chan_recv(ready, &ok);
		good += ok;
	}
	printf("idle: %d of %d connections ready\n", good, n);
	fflush(stdout);
	for (int i = 0; i < n; i++)
		gort_chan_recv(done, 0);
	return good == n ? 0 : 1;
}

int main(int argc, char **argv)
{
	fdlimit();
	signal(SIGPIPE, SIG_IGN);
	if (argc < 2 || (strcmp(argv[1], "load") && strcmp(argv[1], "idle")))
		return server(argc > 1 ? atoi(argv[1]) : 7007);
	if (argc < 5) {
		fprintf(stderr, "usage: echo load PORT CONNS SECS [SIZE] | echo idle PORT N echo|http SECS\n");
		return 2;
	}
	srv.sin_family = AF_INET;
	srv.sin_port = htons((uint16_t)atoi(argv[2]));
	srv.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	int n = atoi(argv[3]);
	tokens = gort_chan_make(1, 256);
	for (int i = 0; i < 256; i++)
		gort_chan_send(tokens, "t");
	ready = gort_chan_make(sizeof(int), (size_t)n);
	done = gort_chan_make(0, (size_t)n);
	if (!strcmp(argv[1], "load"))
		return load(n, atof(argv[4]), argc > 5 ? (size_t)atol(argv[5]) : 64);
	http = !strcmp(argv[4], "http");
	holdsecs = argc > 5 ? atof(argv[5]) : 2;
	return idle(n);
}
