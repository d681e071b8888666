/*
 * io_signals.c: signals keep their default behaviour while goroutines
 * are parked in the wrappers. argv[1] picks the case:
 *	sigpipe       a goroutine writes to a pipe with no reader: killed by SIGPIPE
 *	sigpipe-ign   the same with SIGPIPE ignored: write fails with EPIPE
 *	sigpipe-sock  send on a socket whose peer closed: killed by SIGPIPE
 *	sigint        SIGINT while goroutines wait in read, accept and sleep: killed
 *	sigterm       the same with SIGTERM
 *	handler       a SIGINT handler runs; the parked read carries on undisturbed
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

static int p[2];
static atomic_int done;

static void writer(void *arg)
{
	(void)arg;
	ssize_t n = write(p[1], "x", 1);
	printf("write returned %zd %s\n", n, n < 0 && errno == EPIPE ? "EPIPE" : strerror(errno));
	fflush(stdout);
	atomic_store(&done, 1);
}

static void parkread(void *arg)
{
	int fd = (int)(intptr_t)arg;
	char b;
	ssize_t n = read(fd, &b, 1);
	printf("read returned %zd\n", n);
	fflush(stdout);
	atomic_store(&done, 1);
}

static void parkaccept(void *arg)
{
	accept((int)(intptr_t)arg, 0, 0);
}

static void parksleep(void *arg)
{
	(void)arg;
	sleep(10);
}

static atomic_int handled;

static void onint(int sig)
{
	(void)sig;
	atomic_store(&handled, 1);
}

static void parkall(void)
{
	int q[2];
	if (pipe(q) < 0)
		return;
	int ls = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET };
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	bind(ls, (struct sockaddr *)&a, sizeof a);
	listen(ls, 1);
	go(parkread, (void *)(intptr_t)q[0]);
	go(parkaccept, (void *)(intptr_t)ls);
	go(parksleep, 0);
	usleep(50000);
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "sigpipe";
	if (!strcmp(mode, "sigpipe") || !strcmp(mode, "sigpipe-ign")) {
		if (!strcmp(mode, "sigpipe-ign"))
			signal(SIGPIPE, SIG_IGN);
		if (pipe(p) < 0)
			return 1;
		close(p[0]);
		go(writer, 0);
		while (!atomic_load(&done))
			usleep(1000);
		return 0;
	}
	if (!strcmp(mode, "sigpipe-sock")) {
		int sp[2];
		if (socketpair(AF_UNIX, SOCK_STREAM, 0, sp) < 0)
			return 1;
		close(sp[1]);
		p[1] = sp[0];
		go(writer, 0);
		while (!atomic_load(&done))
			usleep(1000);
		return 0;
	}
	if (!strcmp(mode, "sigint") || !strcmp(mode, "sigterm")) {
		parkall();
		printf("parked\n");
		fflush(stdout);
		kill(getpid(), !strcmp(mode, "sigint") ? SIGINT : SIGTERM);
		sleep(5);
		printf("still alive\n");
		return 0;
	}
	if (!strcmp(mode, "handler")) {
		signal(SIGINT, onint);
		int q[2];
		if (pipe(q) < 0)
			return 1;
		go(parkread, (void *)(intptr_t)q[0]);
		usleep(20000);
		kill(getpid(), SIGINT);
		while (!atomic_load(&handled))
			usleep(1000);
		printf("handler ran\n");
		fflush(stdout);
		usleep(20000);
		if (write(q[1], "y", 1) != 1)
			return 2;
		while (!atomic_load(&done))
			usleep(1000);
		return 0;
	}
	return 1;
}
