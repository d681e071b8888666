/*
 * io_stdio.c: musl's stdio on goroutines. A goroutine in fgets on an
 * empty pipe does not stop the others; a FILE on a socket carries a
 * megabyte each way between two goroutines (the descriptor is
 * non-blocking underneath, stdio never sees EAGAIN); goroutines printing
 * to one FILE concurrently keep their lines whole. First, the mirror of
 * musl's struct _IO_FILE that libc-shim/stdio.c relies on is checked
 * against real FILEs.
 */
#include <errno.h>
#include <fcntl.h>
#include <gort.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Same as libc-shim/stdio.c's struct file (musl 1.2.3 stdio_impl.h). */
struct file {
	unsigned flags;
	unsigned char *rpos, *rend;
	int (*close)(FILE *);
	unsigned char *wend, *wpos;
	unsigned char *mustbezero_1;
	unsigned char *wbase;
	size_t (*read)(FILE *, unsigned char *, size_t);
	size_t (*write)(FILE *, const unsigned char *, size_t);
	off_t (*seek)(FILE *, off_t, int);
	unsigned char *buf;
	size_t buf_size;
	FILE *prev, *next;
	int fd;
	int pipe_pid;
	long lockcount;
	int mode;
	volatile int lock;
};

static bool layout_ok(FILE *f)
{
	struct file *m = (struct file *)f;
	if (m->fd != fileno(f) || !m->buf || !m->read || !m->write)
		return false;
	/* After a write, wpos is past wbase by what is buffered. */
	if (fputs("ab", f) < 0)
		return false;
	if (m->wpos - m->wbase != 2 || m->wbase != m->buf || m->wend != m->buf + m->buf_size)
		return false;
	/* The lock word holds the owner's thread id: a goroutine's own, or its
	   M's (libc-shim/tcb.c); ours, so we may take it again. */
	flockfile(f);
	int owner = m->lock & 0x3fffffff;
	bool ok = owner > 0 && ftrylockfile(f) == 0;
	funlockfile(f);
	ok = ok && (m->lock & 0x3fffffff) == owner;
	funlockfile(f);
	return ok && m->lock == 0;
}

static atomic_long ticks;
static atomic_int got;
static int lp[2];

static void liner(void *arg)
{
	(void)arg;
	FILE *f = fdopen(lp[0], "r");
	char line[64];
	if (fgets(line, sizeof line, f))
		atomic_store(&got, (int)strlen(line));
	fclose(f);
}

static void ticker(void *arg)
{
	(void)arg;
	while (!atomic_load(&got)) {
		atomic_fetch_add(&ticks, 1);
		gort_yield();
	}
}

enum { BIG = 1 << 20 };
static int sp[2];
static atomic_int echoed;

/* Reads BIG bytes from the FILE on sp[1] and writes them back with fwrite. */
static void echofile(void *arg)
{
	(void)arg;
	FILE *f = fdopen(sp[1], "r+");
	char *b = malloc(BIG);
	size_t n = fread(b, 1, BIG, f);
	fseek(f, 0, SEEK_CUR);   /* switching from reading to writing */
	size_t w = fwrite(b, 1, n, f);
	fflush(f);
	atomic_store(&echoed, n == BIG && w == BIG && !ferror(f) ? 1 : -1);
	free(b);
}

static unsigned char *big;
static atomic_int sent;

static void sendbig(void *arg)
{
	FILE *f = arg;
	size_t w = fwrite(big, 1, BIG, f);
	fflush(f);
	atomic_store(&sent, w == BIG && !ferror(f) ? 1 : -1);
}

enum { NP = 50, LINES = 200 };
static atomic_int printers;

static void printer(void *arg)
{
	long id = (long)arg;
	for (int i = 0; i < LINES; i++) {
		printf("line %ld %d %s\n", id, i, "...............................................");
		if (i % 16 == 0)
			gort_yield();
	}
	atomic_fetch_add(&printers, 1);
}

int main(void)
{
	char tmpl[] = "/tmp/gort-io-stdio-XXXXXX";
	int tfd = mkstemp(tmpl);
	FILE *tf = fdopen(tfd, "w+");
	unlink(tmpl);
	printf("FILE layout matches musl 1.2.3: %d %d\n", layout_ok(tf), ((struct file *)stdout)->fd == 1);
	fclose(tf);

	if (pipe(lp) < 0)
		return 1;
	go(liner, 0);
	go(ticker, 0);
	while (atomic_load(&ticks) < 1000)
		gort_yield();
	if (write(lp[1], "a line\n", 7) != 7)
		return 2;
	while (!atomic_load(&got))
		gort_yield();
	printf("fgets on a pipe: others ran meanwhile, got %d bytes\n", atomic_load(&got));

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sp) < 0)
		return 3;
	big = malloc(BIG);
	for (int i = 0; i < BIG; i++)
		big[i] = (unsigned char)(i % 253);
	go(echofile, 0);
	FILE *f = fdopen(sp[0], "r+");
	go(sendbig, f);
	/* Read it back through another FILE on the same socket. */
	FILE *r = fdopen(dup(sp[0]), "r");
	unsigned char *in = malloc(BIG);
	size_t n = fread(in, 1, BIG, r);
	while (!atomic_load(&sent) || !atomic_load(&echoed))
		gort_yield();
	printf("stdio on a socket: sent %d echoed %d back %zu same %d\n", atomic_load(&sent),
	       atomic_load(&echoed), n, n == BIG && !memcmp(in, big, BIG));

	fflush(stdout);
	for (long i = 0; i < NP; i++)
		go(printer, (void *)i);
	while (atomic_load(&printers) < NP)
		gort_yield();
	fflush(stdout);
	fprintf(stderr, "printers done\n");
	return 0;
}
