/*
 * io_stale.c: a descriptor closed behind gort's back (a raw close system
 * call, as musl makes for its own netlink and DNS sockets) must not make
 * the next descriptor with that number look like the old one: files read
 * as files, and a new blocking socket blocks (parks) instead of answering
 * EAGAIN or waiting on a poller registration that is gone, and a FIFO
 * polled first does not wait on that registration either.
 */
#include <errno.h>
#include <fcntl.h>
#include <gort.h>
#include <ifaddrs.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* A socket gort has seen (a non-blocking datagram socket, received on),
   closed with a raw system call; returns its number. */
static int seen_then_raw_closed(void)
{
	int s = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	char c;
	if (s < 0 || recv(s, &c, 1, 0) != -1 || errno != EAGAIN) {
		printf("setup failed: %s\n", strerror(errno));
		return -1;
	}
	syscall(SYS_close, s);
	return s;
}

static void report(const char *what, int want, int fd, long n)
{
	printf("%s: %s %s\n", what, fd == want ? "same number" : "other number",
	       n > 0 ? "ok" : strerror(errno));
}

static int pair[2];
static int fifo;

static void fifowriter(void *arg)
{
	(void)arg;
	gort_sleep(20 * 1000 * 1000);
	/* As another process would write: nothing of gort's sees it. */
	if (syscall(SYS_write, fifo, "x", 1) != 1)
		printf("fifo write: %s\n", strerror(errno));
}

static void reader(void *arg)
{
	gort_chan *done = arg;
	char buf[8];
	long n = read(pair[0], buf, sizeof buf);
	printf("blocking socket read: %s\n", n == 5 && !memcmp(buf, "hello", 5) ? "got hello" : strerror(errno));
	int v = 1;
	gort_chan_send(done, &v);
}

int main(void)
{
	char buf[256];

	/* musl's getifaddrs closes its netlink socket with a raw close. */
	struct ifaddrs *ifa;
	if (getifaddrs(&ifa) == 0)
		freeifaddrs(ifa);
	int fd = open("/proc/self/stat", O_RDONLY);
	long n = read(fd, buf, sizeof buf);
	printf("read after getifaddrs: %s\n", n > 0 ? "ok" : strerror(errno));
	close(fd);

	int old = seen_then_raw_closed();
	fd = open("/proc/self/stat", O_RDONLY);
	report("read(2) of a file", old, fd, read(fd, buf, sizeof buf));
	close(fd);

	old = seen_then_raw_closed();
	FILE *f = fopen("/proc/self/stat", "r");
	report("fgets of a file", old, f ? fileno(f) : -1, f && fgets(buf, sizeof buf, f) ? 1 : -1);
	if (f)
		fclose(f);

	/* A FIFO opened on the number and polled before any read: the
	   poll must not wait on the old socket's registration. */
	old = seen_then_raw_closed();
	char path[64];
	snprintf(path, sizeof path, "/tmp/gort-io-stale-%d", (int)getpid());
	unlink(path);
	if (mkfifo(path, 0600) < 0 || (fifo = open(path, O_RDWR)) < 0)
		return 1;
	unlink(path);
	go(fifowriter, 0);
	struct pollfd p = { .fd = fifo, .events = POLLIN };
	int64_t t0 = gort_nanotime();
	int pr = poll(&p, 1, 4000);
	/* Waiting on the old registration, poll would only see the byte
	   when its timeout ends and it looks one last time. */
	bool late = gort_nanotime() - t0 > 2000 * 1000 * 1000LL;
	printf("poll of a FIFO: %s %s\n", fifo == old ? "same number" : "other number",
	       pr == 1 && !late ? "ready" : pr == 1 ? "ready only at its timeout" : pr == 0 ? "timed out" : strerror(errno));
	close(fifo);

	old = seen_then_raw_closed();
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, pair) < 0)
		return 1;
	printf("socketpair: %s\n", pair[0] == old ? "same number" : "other number");
	gort_chan *done = gort_chan_make(sizeof(int), 0);
	go(reader, done);
	gort_sleep(20 * 1000 * 1000);
	if (write(pair[1], "hello", 5) != 5)
		return 1;
	int v;
	gort_chan_recv(done, &v);
	return 0;
}
