/*
 * io_pipe.c: a goroutine blocked in read on an empty pipe parks: it does
 * not stop the other goroutines, even with one P, and it wakes with the
 * data when main writes. A megabyte written through a 64 KiB pipe comes
 * out whole, each write reporting all its bytes, as on a blocking pipe.
 */
#include <errno.h>
#include <fcntl.h>
#include <gort.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { BIG = 1 << 20 };

static int p[2], q[2];
static atomic_int got;          /* bytes the reader read, -1 on error */
static char buf[64];
static atomic_long spins;
static atomic_int done;
static unsigned char *big;
static atomic_long bigwrote = -1;

static void reader(void *arg)
{
	(void)arg;
	ssize_t n = read(p[0], buf, sizeof buf - 1);
	atomic_store(&got, n < 0 ? -1 : (int)n);
}

static void spinner(void *arg)
{
	(void)arg;
	while (atomic_load(&got) == 0) {
		atomic_fetch_add(&spins, 1);
		gort_yield();
	}
}

static void bigwriter(void *arg)
{
	(void)arg;
	/* One write of it all: blocking semantics say all of it or an error. */
	ssize_t n = write(q[1], big, BIG);
	atomic_store(&bigwrote, n);
	close(q[1]);
	atomic_fetch_add(&done, 1);
}

int main(void)
{
	if (pipe(p) < 0 || pipe(q) < 0)
		return 1;
	go(reader, 0);
	go(spinner, 0);
	/* Both run although the reader is blocked: the spinner counts. */
	while (atomic_load(&spins) < 1000)
		gort_yield();
	int fl = fcntl(p[0], F_GETFL);
	printf("reader blocked, others ran; O_NONBLOCK visible: %d\n", (fl & O_NONBLOCK) != 0);
	if (write(p[1], "hello", 5) != 5)
		return 2;
	while (atomic_load(&got) == 0)
		gort_yield();
	buf[got > 0 ? got : 0] = 0;
	printf("reader got %d bytes: %s\n", atomic_load(&got), buf);

	big = malloc(BIG);
	for (int i = 0; i < BIG; i++)
		big[i] = (unsigned char)(i * 7 + i / 251);
	go(bigwriter, 0);
	unsigned char *in = malloc(BIG + 1);
	size_t have = 0;
	ssize_t n;
	while ((n = read(q[0], in + have, BIG + 1 - have)) > 0)
		have += (size_t)n;
	while (atomic_load(&done) == 0)
		gort_yield();
	printf("big: wrote %ld read %zu same %d eof %zd\n", atomic_load(&bigwrote), have,
	       have == BIG && memcmp(in, big, BIG) == 0, n);
	return 0;
}
