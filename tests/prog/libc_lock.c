/*
 * libc_lock.c: goroutines that wait for one of musl's internal locks give
 * up their P (libc-shim/lock.c). The lock here is musl's list of open
 * FILEs, which fflush(NULL) holds while it writes every stream and which
 * fopen and fclose take too. One scenario per argv[1]:
 *   file    the flush is a long write to a regular file, under
 *           entersyscall: sysmon hands the P to the opener, and the
 *           flusher then needs a P back to finish and let go of the lock
 *   socket  the flush parks in a write to a socket nobody reads yet; the
 *           reader is a third goroutine that needs the opener's P
 * Either hung for ever at GOMAXPROCS=1 while the opener slept in musl's
 * futex wait holding the only P.
 */
#include <gort.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

enum { FILEBYTES = 16 << 20, SOCKBYTES = 1 << 20, CHUNK = 4096 };

static gort_chan *done;
static volatile int flushing;
static int sv[2];

static void report(int ok)
{
	gort_chan_send(done, &ok);
}

static void flusher(void *arg)
{
	(void)arg;
	flushing = 1;
	report(fflush(NULL) == 0);
}

/* Open and close streams (each takes the open-file list's lock) while
   the flush runs. */
static void opener(void *arg)
{
	(void)arg;
	while (!flushing)
		gort_yield();
	int ok = 1;
	for (int i = 0; ok && i < 100; i++) {
		FILE *g = fopen("/dev/null", "w");
		ok = g && fclose(g) == 0;
		gort_yield();
	}
	report(ok);
}

static void reader(void *arg)
{
	(void)arg;
	gort_sleep(20 * 1000000);
	static char buf[65536];
	long total = 0;
	ssize_t n;
	while (total < SOCKBYTES && (n = read(sv[1], buf, sizeof buf)) > 0)
		total += n;
	report(total == SOCKBYTES);
}

/* A stream whose buffer holds n bytes not yet written. */
static FILE *buffered(FILE *f, size_t n)
{
	char *buf = malloc(n + CHUNK);
	static char chunk[CHUNK];
	if (!f || !buf || setvbuf(f, buf, _IOFBF, n + CHUNK))
		return 0;
	memset(chunk, 'x', sizeof chunk);
	for (size_t k = 0; k < n; k += CHUNK)
		if (fwrite(chunk, 1, CHUNK, f) != CHUNK)
			return 0;
	return f;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "file";
	int workers = 2;
	done = gort_chan_make(sizeof(int), 3);
	if (!strcmp(mode, "file")) {
		char path[] = "/tmp/gort-libc-lock-XXXXXX";
		int fd = mkstemp(path);
		if (fd < 0 || !buffered(fdopen(fd, "w"), FILEBYTES)) {
			perror("file");
			return 1;
		}
		unlink(path);
	} else if (!strcmp(mode, "socket")) {
		if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) || !buffered(fdopen(sv[0], "w"), SOCKBYTES)) {
			perror("socket");
			return 1;
		}
		go(reader, 0);
		workers = 3;
	} else {
		fprintf(stderr, "usage: libc_lock file|socket\n");
		return 2;
	}
	go(flusher, 0);
	go(opener, 0);
	int good = 0;
	for (int i = 0; i < workers; i++) {
		int ok;
		gort_chan_recv(done, &ok);
		good += ok;
	}
	printf("%s: %d of %d done\n", mode, good, workers);
	return 0;
}
