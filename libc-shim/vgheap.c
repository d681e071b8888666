/*
 * vgheap.c: the heap as memcheck sees it, under valgrind (malloc.c).
 *
 * valgrind replaces malloc and free by their names in a dynamic program;
 * in a static one it cannot, and a plain musl binary's heap is invisible
 * to memcheck. Under valgrind the shim's allocator entry points come here
 * instead: each block is taken from musl's allocator 16 bytes larger on
 * both sides, the red zones are marked NOACCESS and the block is announced
 * with VALGRIND_MALLOCLIKE_BLOCK, so memcheck reports an overrun, a read of
 * uninitialised heap, a leak or a double free with the stacks of the
 * access and of the allocation. A freed block stays NOACCESS in a queue of
 * recent frees (up to 16 MiB) before musl gets it back, so a use after
 * free is caught too, as valgrind's own malloc does.
 *
 * A table of the live blocks (their own mmap, not the heap) says which
 * pointers are ours: blocks made before osinit saw valgrind, and those
 * musl's own code allocates inside libc (__libc_malloc: locales, atexit,
 * posix_spawn file actions), go back to musl untouched.
 */
#include <string.h>
#include <sys/mman.h>
#include <valgrind/memcheck.h>

#include "shim.h"

hidden void *__libc_malloc(size_t n);
hidden void __libc_free(void *p);

const bool vgheap = true;

enum {
	RZ = 16,                   /* red zone on each side; keeps 16-byte alignment */
	QUEUE_MAX = 8192,          /* freed blocks held back from reuse */
	QUEUE_BYTES = 16 << 20,
};

struct block {
	uintptr_t p;               /* the program's pointer; 0: empty slot */
	size_t n;                  /* the size it asked for */
	uintptr_t base;            /* what musl's malloc returned */
	size_t total;
};

static mutex heaplock;
static struct block *tab;      /* open addressing, linear probing */
static size_t tabcap, tablen;
static struct block queue[QUEUE_MAX];
static size_t qhead, qlen, qbytes;

static size_t hash(uintptr_t p, size_t cap)
{
	return (size_t)((p >> 4) * 0x9e3779b97f4a7c15ull) & (cap - 1);
}

static bool tabgrow(void)
{
	size_t ncap = tabcap ? tabcap * 2 : 4096;
	struct block *nt = mmap(0, ncap * sizeof *nt, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (nt == MAP_FAILED)
		return false;
	for (size_t i = 0; i < tabcap; i++) {
		if (!tab[i].p)
			continue;
		size_t j = hash(tab[i].p, ncap);
		while (nt[j].p)
			j = (j + 1) & (ncap - 1);
		nt[j] = tab[i];
	}
	if (tab)
		munmap(tab, tabcap * sizeof *tab);
	tab = nt;
	tabcap = ncap;
	return true;
}

static bool tabput(struct block b)
{
	if ((tablen + 1) * 2 > tabcap && !tabgrow())
		return false;
	size_t i = hash(b.p, tabcap);
	while (tab[i].p)
		i = (i + 1) & (tabcap - 1);
	tab[i] = b;
	tablen++;
	return true;
}

static struct block *tabfind(uintptr_t p)
{
	if (!tabcap)
		return 0;
	for (size_t i = hash(p, tabcap); tab[i].p; i = (i + 1) & (tabcap - 1))
		if (tab[i].p == p)
			return &tab[i];
	return 0;
}

/* Remove *e, moving later entries of its run back (no tombstones). */
static void tabdel(struct block *e)
{
	size_t i = (size_t)(e - tab), j = i;
	for (;;) {
		tab[i].p = 0;
		for (;;) {
			j = (j + 1) & (tabcap - 1);
			if (!tab[j].p) {
				tablen--;
				return;
			}
			size_t k = hash(tab[j].p, tabcap);
			/* Stays if its home k lies cyclically in (i, j]. */
			if (i <= j ? (i < k && k <= j) : (i < k || k <= j))
				continue;
			break;
		}
		tab[i] = tab[j];
		i = j;
	}
}

void *vgmalloc(size_t n, size_t align, bool zero)
{
	size_t extra = align > RZ ? align : 0;
	if (n > SIZE_MAX / 2) {
		errno = ENOMEM;
		return 0;
	}
	size_t total = n + 2 * RZ + extra;
	char *base = __libc_malloc(total);
	if (!base)
		return 0;
	uintptr_t p = (uintptr_t)base + RZ;
	if (extra)
		p = (p + align - 1) & ~(uintptr_t)(align - 1);
	lock(&heaplock);
	bool ok = tabput((struct block){ p, n, (uintptr_t)base, total });
	unlock(&heaplock);
	if (!ok) {
		__libc_free(base);
		errno = ENOMEM;
		return 0;
	}
	VALGRIND_MAKE_MEM_NOACCESS(base, p - (uintptr_t)base);
	VALGRIND_MAKE_MEM_NOACCESS(p + n, (uintptr_t)base + total - (p + n));
	VALGRIND_MALLOCLIKE_BLOCK(p, n, RZ, zero);
	if (zero)
		memset((void *)p, 0, n);
	return (void *)p;
}

/* Was p made by vgmalloc? Then its size in *n. */
bool vgsize(void *p, size_t *n)
{
	lock(&heaplock);
	struct block *e = tabfind((uintptr_t)p);
	if (e)
		*n = e->n;
	unlock(&heaplock);
	return e != 0;
}

/* Give a block back to musl, as the memory its allocator last saw
   (defined: it reads and writes its slot headers there). */
static void release(struct block b)
{
	VALGRIND_MAKE_MEM_DEFINED(b.base, b.total);
	__libc_free((void *)b.base);
}

/* Free p if vgmalloc made it; false otherwise (the caller frees it). */
bool vgfree(void *p)
{
	lock(&heaplock);
	struct block *e = tabfind((uintptr_t)p);
	if (!e) {
		/* Freed already (it is still held back): a double free, for
		   memcheck to report rather than musl to crash on. */
		for (size_t i = 0; i < qlen; i++) {
			if (queue[(qhead + i) % QUEUE_MAX].p == (uintptr_t)p) {
				unlock(&heaplock);
				VALGRIND_FREELIKE_BLOCK(p, RZ);
				return true;
			}
		}
		unlock(&heaplock);
		return false;
	}
	struct block b = *e;
	tabdel(e);
	VALGRIND_FREELIKE_BLOCK(p, RZ);
	VALGRIND_MAKE_MEM_NOACCESS(b.base, b.total);
	/* Held back from reuse for a while, so that a use after free finds
	   it still NOACCESS. musl's lock nests inside ours, never around. */
	if (b.total > QUEUE_BYTES) {
		release(b);
	} else {
		while (qlen == QUEUE_MAX || qbytes + b.total > QUEUE_BYTES) {
			release(queue[qhead]);
			qbytes -= queue[qhead].total;
			qhead = (qhead + 1) % QUEUE_MAX;
			qlen--;
		}
		queue[(qhead + qlen) % QUEUE_MAX] = b;
		qlen++;
		qbytes += b.total;
	}
	unlock(&heaplock);
	return true;
}
