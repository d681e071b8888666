/*
 * malloc_bare.c: the runtime's memory in bare mode (gortcc -nolibc), for
 * what it allocates with malloc, calloc and free in both modes:
 * Gs, Ms, Ps, channels, select's cases, timer heaps, pollers, the stack
 * pool's tables. Few and small, or large and long-lived, so the allocator
 * is small too: blocks of 16 bytes to 4 KiB in power-of-two size classes,
 * carved from 256 KiB mappings and kept on a free list per class once
 * freed; a larger block is a mapping of its own, given back on free. A
 * 16-byte header in front of each block holds its size. One lock guards
 * the lists (the runtime allocates rarely on its hot paths: newproc takes
 * Gs in chunks, stacks come from stack.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "runtime.h"

enum {
	HDR = 16,
	MINSHIFT = 4,                  /* 16 bytes */
	NCLASS = 9,                    /* up to 16 << 8 = 4 KiB, header included */
	CHUNK = 256 << 10,
	BIG = 1,                       /* the header's low bit: a mapping of its own */
};

struct freeblk {
	struct freeblk *next;
};

static mutex heaplock;
static struct freeblk *freelist[NCLASS];
static char *chunk, *chunkend;

static int sizeclass(size_t n)
{
	int c = 0;
	while (((size_t)1 << (c + MINSHIFT)) < n)
		c++;
	return c;
}

/* The block of at least n bytes, and its size (BIG: a mapping). Not
   named malloc, so that gcc does not take its result for the start of
   an object. */
static void *heapalloc(size_t n)
{
	if (n > SIZE_MAX / 2) {
		errno = ENOMEM;
		return 0;
	}
	size_t need = n + HDR;
	if (need > ((size_t)1 << (NCLASS - 1 + MINSHIFT))) {
		size_t size = (need + 4095) & ~(size_t)4095;
		size_t *h = sysalloc(size);
		if (!h) {
			errno = ENOMEM;
			return 0;
		}
		h[0] = size | BIG;
		return (char *)h + HDR;
	}
	int c = sizeclass(need);
	size_t size = (size_t)1 << (c + MINSHIFT);
	lock(&heaplock);
	char *b = (char *)freelist[c];
	if (b) {
		freelist[c] = freelist[c]->next;
	} else {
		if ((size_t)(chunkend - chunk) < size) {
			/* The rest of the old chunk is left unused: at most 4 KiB. */
			char *m = sysalloc(CHUNK);
			if (!m) {
				unlock(&heaplock);
				errno = ENOMEM;
				return 0;
			}
			chunk = m;
			chunkend = m + CHUNK;
		}
		b = chunk;
		chunk += size;
	}
	unlock(&heaplock);
	*(size_t *)b = size;
	return b + HDR;
}

static size_t blocksize(void *p)
{
	return *(size_t *)((char *)p - HDR);
}

void *malloc(size_t n)
{
	return heapalloc(n);
}

void free(void *p)
{
	if (!p)
		return;
	char *b = (char *)p - HDR;
	size_t size = blocksize(p);
	if (size & BIG) {
		sysfree(b, size & ~(size_t)BIG);
		return;
	}
	int c = sizeclass(size);
	lock(&heaplock);
	((struct freeblk *)b)->next = freelist[c];
	freelist[c] = (struct freeblk *)b;
	unlock(&heaplock);
}

void *calloc(size_t m, size_t n)
{
	if (n && m > SIZE_MAX / n) {
		errno = ENOMEM;
		return 0;
	}
	void *p = heapalloc(m * n);
	if (p && !(blocksize(p) & BIG))
		memset(p, 0, m * n);   /* a fresh mapping is zero already */
	return p;
}
