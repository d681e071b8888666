/*
 * mem.c: the runtime's own memory (Go's persistentalloc and sysAlloc).
 *
 * The runtime's objects (Gs, Ms, Ps, poll descriptors, the descriptor
 * table's slots) live as long as the process, and its few growing arrays
 * (a P's timer heap, the stack pool) grow rarely. Taking them from the
 * kernel directly, not from malloc, keeps musl's allocator (8 KiB of
 * code) out of a program that never calls malloc itself, and keeps the
 * runtime's memory apart from a program that brings its own allocator.
 */
#include <string.h>
#include <sys/mman.h>

#include "runtime.h"

/* Chunks are reserved large and committed as they are touched: a
   million goroutines take their Gs from a thousand mappings, not tens
   of thousands. */
enum { CHUNK = 256 << 10 };

static mutex persistentlock;   /* a leaf: nothing is called under it */
static char *chunkp, *chunkend;

static size_t pageround(size_t n)
{
	return (n + 4095) & ~(size_t)4095;
}

void *sysalloc(size_t n)
{
	void *p = mmap(0, pageround(n), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return p == MAP_FAILED ? 0 : p;
}

void sysfree(void *p, size_t n)
{
	if (p)
		munmap(p, pageround(n));
}

void *persistentalloc(size_t n, size_t align)
{
	if (n >= CHUNK / 4)
		return sysalloc(n);
	lock(&persistentlock);
	uintptr_t a = ((uintptr_t)chunkp + align - 1) & ~(uintptr_t)(align - 1);
	if (!chunkp || a + n > (uintptr_t)chunkend) {
		char *c = sysalloc(CHUNK);
		if (!c) {
			unlock(&persistentlock);
			return 0;
		}
		chunkp = c;
		chunkend = c + CHUNK;
		a = (uintptr_t)c;
	}
	chunkp = (char *)(a + n);
	unlock(&persistentlock);
	return (void *)a;
}

void *growalloc(void *old, size_t oldsize, size_t newsize)
{
	void *p = sysalloc(newsize);
	if (p && old) {
		memcpy(p, old, oldsize < newsize ? oldsize : newsize);
		sysfree(old, oldsize);
	}
	return p;
}
