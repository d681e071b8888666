/*
 * httpd.c: a minimal HTTP/1.1 server on 127.0.0.1 that answers every
 * request with the same small body, one goroutine per connection,
 * keep-alive, written with plain blocking accept/read/write.
 *
 *	httpd [port]     (default 8080; 0 picks a free port)
 *
 * It reads requests (request line and headers, no bodies), answers each
 * with "Hello, World!\n", and closes the connection when the client asks
 * (Connection: close, or HTTP/1.0 without keep-alive) or goes away.
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
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

static const char body[] = "Hello, World!\n";

/* Does the header block [h, end) ask to close? HTTP/1.0 closes unless
   it asks for keep-alive. */
static int wantsclose(const char *h, const char *end)
{
	int http10 = 0, close = 0, keep = 0;
	const char *eol = memchr(h, '\n', (size_t)(end - h));
	if (eol && eol - h >= 9 && !memcmp(eol - 9, "HTTP/1.0", 8))
		http10 = 1;
	for (const char *l = eol ? eol + 1 : end; l < end;) {
		const char *e = memchr(l, '\n', (size_t)(end - l));
		if (!e)
			e = end;
		if ((size_t)(e - l) > 11 && !strncasecmp(l, "connection:", 11)) {
			for (const char *v = l + 11; v + 5 <= e; v++) {
				if (!strncasecmp(v, "close", 5))
					close = 1;
				if (v + 10 <= e && !strncasecmp(v, "keep-alive", 10))
					keep = 1;
			}
		}
		l = e + 1;
	}
	return close || (http10 && !keep);
}

static void serve(void *arg)
{
	int fd = (int)(intptr_t)arg;
	char buf[8192];
	size_t have = 0;
	char resp[256];
	int rl = snprintf(resp, sizeof resp,
	                  "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %zu\r\n\r\n%s",
	                  sizeof body - 1, body);
	for (;;) {
		/* One request: everything up to the blank line. */
		char *end;
		while (!(end = memmem(buf, have, "\r\n\r\n", 4))) {
			if (have == sizeof buf)
				goto out;   /* headers too large */
			ssize_t n = read(fd, buf + have, sizeof buf - have);
			if (n <= 0)
				goto out;
			have += (size_t)n;
		}
		end += 4;
		int closing = wantsclose(buf, end);
		if (write(fd, resp, (size_t)rl) != rl || closing)
			break;
		/* Pipelined requests stay in the buffer. */
		have -= (size_t)(end - buf);
		memmove(buf, end, have);
	}
out:
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
	int port = argc > 1 ? atoi(argv[1]) : 8080;
	signal(SIGPIPE, SIG_IGN);
	fdlimit();
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
	printf("listening on http://127.0.0.1:%d/\n", ntohs(a.sin_port));
	fflush(stdout);
	for (;;) {
		int fd = accept4(ls, 0, 0, SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EMFILE || errno == ENFILE) {
				usleep(10000);
				continue;
			}
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			perror("accept");
			return 1;
		}
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
		if (go(serve, (void *)(intptr_t)fd) < 0)
			close(fd);
	}
}
