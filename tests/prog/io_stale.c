/*
 * io_stale.c: a descriptor closed behind gort's back (a raw close system
 * call, as musl makes for its own netlink and DNS sockets) must not make
 * the next descriptor with that number look like the old one: files read
 * as files, and a new blocking socket blocks (parks) instead of answering
 * EAGAIN or waiting on a poller registration that is gone.
 */
#include <errno.h>
#include <fcntl.h>
#include <gort.h>
#include <ifaddrs.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
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
