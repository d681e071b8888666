/*
 * echo.c: a TCP echo server on 127.0.0.1, one goroutine per connection,
 * written with nothing but the ordinary blocking calls: accept, read and
 * write park only the goroutine that makes them.
 *
 *	echo [port]     (default 7007; 0 picks a free port)
 *
 * Prints "listening on 127.0.0.1:PORT" once it accepts connections.
 */
#define _GNU_SOURCE 1
#include <arpa/inet.h>
#include <errno.h>
#include <gort.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

static void serve(void *arg)
{
	int fd = (int)(intptr_t)arg;
	char buf[16384];
	ssize_t n;
	while ((n = read(fd, buf, sizeof buf)) > 0) {
		/* write on a blocking socket writes it all, or fails. */
		if (write(fd, buf, (size_t)n) != n)
			break;
	}
	close(fd);
}

/* As many descriptors as the hard limit allows, one per client (Go
   raises the limit the same way when it starts). */
static void fdlimit(void)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

int main(int argc, char **argv)
{
	int port = argc > 1 ? atoi(argv[1]) : 7007;
	/* A client that goes away mid-write is that connection's problem. */
	signal(SIGPIPE, SIG_IGN);
	fdlimit();
	int ls = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (ls < 0) {
		perror("socket");
		return 1;
	}
	int one = 1;
	setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(ls, (struct sockaddr *)&a, sizeof a) < 0 || listen(ls, 4096) < 0) {
		perror("bind/listen");
		return 1;
	}
	socklen_t al = sizeof a;
	getsockname(ls, (struct sockaddr *)&a, &al);
	printf("listening on 127.0.0.1:%d\n", ntohs(a.sin_port));
	fflush(stdout);
	for (;;) {
		int fd = accept4(ls, 0, 0, SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EMFILE || errno == ENFILE) {
				/* Out of descriptors: let some connections end. */
				usleep(10000);
				continue;
			}
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			perror("accept");
			return 1;
		}
		int nodelay = 1;
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &nodelay, sizeof nodelay);
		if (go(serve, (void *)(intptr_t)fd) < 0)
			close(fd);
	}
}
