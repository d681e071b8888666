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
   million goroutines take their Gs from a hundred mappings, not tens of
   thousands. */
enum { CHUNK = 256 << 10 };

/* The chunk being carved: its header, then what is handed out. Lock-free,
   so that the child of a fork made while another thread was carving
   finds a usable chunk, not a lock held for ever. */
struct chunk {
	_Atomic uintptr_t next;   /* first free byte; may run past end */
	uintptr_t end;
};
static struct chunk *_Atomic curchunk;

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
	for (;;) {
		struct chunk *c = atomic_load_explicit(&curchunk, memory_order_acquire);
		if (c) {
			uintptr_t a = atomic_fetch_add(&c->next, n + align - 1);
			a = (a + align - 1) & ~(uintptr_t)(align - 1);
			if (a + n <= c->end)
				return (void *)a;
		}
		/* Full (or none yet): another chunk, unless someone else put
		   one in meanwhile. */
		struct chunk *nc = sysalloc(CHUNK);
		if (!nc)
			return 0;
		atomic_store(&nc->next, (uintptr_t)(nc + 1));
		nc->end = (uintptr_t)nc + CHUNK;
		if (!atomic_compare_exchange_strong(&curchunk, &c, nc))
			sysfree(nc, CHUNK);
	}
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
