/* A program that brings its own allocator (a bump arena; free forgets):
   its malloc, free, calloc and realloc replace musl's and gort's weak
   wrappers (libc-shim/malloc.c) at link time, and the runtime allocates
   from it too. Prints how many goroutines ran and that the program's own
   malloc served the calls. */
#include <gort.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

static char *arena;
static _Atomic size_t used;
static _Atomic long nmalloc;
static const size_t ARENA = (size_t)1 << 30;

void *malloc(size_t n)
{
	/* The first call comes from the C library's start-up, before any
	   other thread exists. */
	if (!arena) {
		arena = mmap(0, ARENA, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (arena == MAP_FAILED)
			return 0;
	}
	n = (n + 15) & ~(size_t)15;
	size_t off = atomic_fetch_add(&used, n + 16);
	if (off + n + 16 > ARENA)
		return 0;
	atomic_fetch_add(&nmalloc, 1);
	memcpy(arena + off, &n, sizeof n);
	return arena + off + 16;
}

void free(void *p)
{
	(void)p;
}

/* Arena memory is fresh from mmap and never reused: already zero. */
void *calloc(size_t a, size_t b)
{
	if (b && a > SIZE_MAX / b)
		return 0;
	return malloc(a * b);
}

void *realloc(void *p, size_t n)
{
	void *q = malloc(n);
	if (p && q) {
		size_t old;
		memcpy(&old, (char *)p - 16, sizeof old);
		memcpy(q, p, old < n ? old : n);
	}
	return q;
}

static void worker(void *arg)
{
	int seven = 7;
	gort_chan_send(arg, &seven);
}

int main(void)
{
	long before = atomic_load(&nmalloc);
	gort_chan *c = gort_chan_make(sizeof(int), 0);
	for (int i = 0; i < 1000; i++)
		if (go(worker, c) < 0)
			return 1;
	int v, sum = 0;
	for (int i = 0; i < 1000; i++) {
		gort_chan_recv(c, &v);
		sum += v;
	}
	printf("sum=%d own malloc used: %d\n", sum, atomic_load(&nmalloc) > before);
	return 0;
}
