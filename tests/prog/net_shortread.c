/*
 * net_shortread.c: a read of a TCP socket that stops short of what it
 * asked for emptied the socket, so the next read parks on the poller
 * before it tries (fdtab.c's fd_loop). Two short reads leave data behind
 * with no edge to come: one that stops at urgent data (MSG_OOB), and one
 * that stops at the end of the stream. The poller reports both with the
 * edge that woke the reader, which must then try its next read at once.
 *
 * A goroutine serves one connection: it answers each read with "got N",
 * and "eof" when a read returns 0. A thread of the program's own is the
 * client: one exchange, then, while the server's read is parked and
 * every P is kept busy (so that the edge is taken only once all of it has
 * arrived), it sends the case's bytes in one go. The client's socket has
 * a receive timeout, so a server that waits for an edge that never comes
 * shows as a missing answer, not as a hang.
 *
 *	net_shortread urgent|eof
 */
#include <arpa/inet.h>
#include <gort.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

int gort_nwaiting(void);

static bool urgent;
static int port;
static atomic_int phase;      /* 1: first answer read; 2: every P busy; 3: sent */
static atomic_int spinning;
static gort_chan *done;

static void serve(void *arg)
{
	int ls = (int)(intptr_t)arg;
	int fd = accept(ls, 0, 0);
	char buf[4096], ans[32];
	for (;;) {
		ssize_t n = read(fd, buf, sizeof buf);
		if (n < 0)
			perror("server: read");
		if (n <= 0) {
			write(fd, "eof\n", 4);
			break;
		}
		int k = snprintf(ans, sizeof ans, "got %zd\n", n);
		write(fd, ans, (size_t)k);
	}
	close(fd);
	gort_chan_send(done, 0);
}

/* One answer (a line), or what went wrong. */
static void answer(int fd)
{
	char buf[64];
	size_t n = 0;
	while (n < sizeof buf - 1 && (n == 0 || buf[n - 1] != '\n')) {
		if (read(fd, buf + n, 1) != 1) {
			printf("client: no answer\n");
			return;
		}
		n++;
	}
	buf[n] = 0;
	printf("client: %s", buf);
}

static void *client(void *arg)
{
	(void)arg;
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0) {
		perror("client: connect");
		exit(1);
	}
	struct timeval tv = { .tv_sec = 5 };
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	write(fd, "x", 1);
	answer(fd);
	atomic_store(&phase, 1);
	while (atomic_load(&phase) != 2)
		usleep(1000);
	if (urgent) {
		send(fd, "ab", 2, 0);
		send(fd, "U", 1, MSG_OOB);
		send(fd, "cd", 2, 0);
	} else {
		send(fd, "a", 1, 0);
		shutdown(fd, SHUT_WR);
	}
	atomic_store(&phase, 3);
	/* urgent: "ab" up to the mark, then "cd"; eof: "a", then the end. */
	answer(fd);
	answer(fd);
	close(fd);
	return 0;
}

static void spin(void *arg)
{
	(void)arg;
	atomic_fetch_add(&spinning, 1);
	while (atomic_load(&phase) != 3)
		;
}

int main(int argc, char **argv)
{
	urgent = argc > 1 && !strcmp(argv[1], "urgent");
	setvbuf(stdout, 0, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	int ls = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET };
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t al = sizeof a;
	if (bind(ls, (struct sockaddr *)&a, sizeof a) < 0 || listen(ls, 1) < 0 ||
	    getsockname(ls, (struct sockaddr *)&a, &al) < 0) {
		perror("listen");
		return 1;
	}
	port = ntohs(a.sin_port);
	done = gort_chan_make(0, 0);
	go(serve, (void *)(intptr_t)ls);
	pthread_t t;
	pthread_create(&t, 0, client, 0);
	/* The server's second read is parked (main and serve are the only
	   goroutines), then every P is kept busy while the client sends. */
	while (atomic_load(&phase) != 1 || gort_nwaiting() < 1)
		gort_sleep(1000000);
	int procs = gort_gomaxprocs(0);
	for (int i = 1; i < procs; i++)
		go(spin, 0);
	while (atomic_load(&spinning) != procs - 1)
		gort_yield();
	atomic_store(&phase, 2);
	spin(0);
	gort_chan_recv(done, 0);
	pthread_join(t, 0);
	return 0;
}
