/*
 * stack.c: goroutine stacks (Go's stackalloc/stackfree, with fixed sizes).
 *
 * Stack model
 * A goroutine stack is a fixed-size region that the kernel commits page by
 * page as it is touched, with a guard region below it. Stacks of the
 * default size are carved from arenas of ARENA_STACKS slots, one mmap each,
 * so that a million goroutines need about 16,000 mappings, not a million.
 *
 * Guards: on kernels with MADV_GUARD_INSTALL (Linux 6.13) a guard region is
 * an attribute of the page tables and does not split the mapping, so every
 * stack gets one for free. Elsewhere a guard is an mprotect(PROT_NONE)
 * region, which splits the arena's mapping in two per stack; those are
 * handed out only while the process stays well under vm.max_map_count, and
 * stacks made after that budget is spent have no guard (docs/stacks.md).
 *
 * Freed stacks of the default size go to the P's cache and, when it is full,
 * half of it to the global pool. stackscavenge (sysmon) returns the pages of
 * pooled stacks that sat unused for a while to the kernel.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include "runtime.h"

#ifndef MADV_GUARD_INSTALL
#define MADV_GUARD_INSTALL 102
#endif

enum {
	ARENA_STACKS = 64,
	GUARD_SIZE = 16 << 10,        /* big enough that a large frame cannot jump it */
	STACK_MIN = 16 << 10,
	SCAVENGE_AFTER_NS = 2000000000,
};

enum stackflag {
	STACK_GUARDED = 1,   /* has a guard region below stacklo */
	STACK_OWNMAP = 2,    /* own mapping (main, or a non-default size): unmap on free */
};

size_t stackdefault = 64 << 10;

/* A free stack of the default size: the header lives in the stack's top
   bytes, which are dead while it is free. */
struct freestack {
	struct freestack *next;
	uintptr_t lo;            /* usable bounds */
	uintptr_t hi;
	uint32_t flags;
	bool scavenged;
	int64_t freedat;
};

/* Global pool, guarded by poollock. */
static mutex poollock;
static struct freestack *pool;
static int32_t npool;

/* Arena being carved, guarded by arenalock. */
static mutex arenalock;
static uintptr_t arenanext, arenaend;
static size_t slotsize;        /* guard + stack */

static int guardmode;           /* 0 unknown, 1 madvise guards, 2 mprotect, 3 none */
static _Atomic int64_t mprotect_budget;

static int readmaxmapcount(void)
{
	int fd = open("/proc/sys/vm/max_map_count", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 65530;
	char buf[32];
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return 65530;
	buf[n] = 0;
	int v = 0;
	for (char *s = buf; *s >= '0' && *s <= '9'; s++)
		v = v * 10 + (*s - '0');
	return v > 0 ? v : 65530;
}

static size_t pageround(size_t n)
{
	return (n + physpagesize - 1) & ~(physpagesize - 1);
}

/* Parse GORTSTACK: bytes, or with a k/K, m/M suffix. */
static size_t parsesize(const char *s)
{
	size_t v = 0;
	if (!s || !*s)
		return 0;
	for (; *s >= '0' && *s <= '9'; s++) {
		if (v > ((size_t)1 << 40))
			return 0;
		v = v * 10 + (size_t)(*s - '0');
	}
	if (*s == 'k' || *s == 'K')
		v <<= 10, s++;
	else if (*s == 'm' || *s == 'M')
		v <<= 20, s++;
	return *s ? 0 : v;
}

static size_t clampsize(size_t n)
{
	if (n < STACK_MIN)
		n = STACK_MIN;
	if (n > ((size_t)1 << 30))
		n = (size_t)1 << 30;
	return pageround(n);
}

void stackinit(void)
{
	size_t env = parsesize(gogetenv("GORTSTACK"));
	if (env)
		stackdefault = clampsize(env);
	slotsize = GUARD_SIZE + stackdefault;
	/* Keep half the map budget for the program's own mappings and malloc. */
	mprotect_budget = readmaxmapcount() / 4;
}

size_t gort_stacksize(size_t bytes)
{
	lock(&arenalock);
	size_t old = stackdefault;
	if (bytes > 0) {
		stackdefault = clampsize(bytes);
		/* Later stacks come from fresh arenas of the new slot size. */
		slotsize = GUARD_SIZE + stackdefault;
		arenanext = arenaend = 0;
	}
	unlock(&arenalock);
	return old;
}

/* Install a guard at [lo, lo+len). Returns false when no guard could be had. */
static bool guard(uintptr_t lo, size_t len)
{
	if (guardmode == 0 || guardmode == 1) {
		if (madvise((void *)lo, len, MADV_GUARD_INSTALL) == 0) {
			guardmode = 1;
			return true;
		}
		guardmode = 2;
	}
	if (guardmode == 2) {
		/* Each guard splits a mapping: two more map entries at most. */
		if (atomic_fetch_sub(&mprotect_budget, 2) <= 2)
			return false;
		if (mprotect((void *)lo, len, PROT_NONE) == 0)
			return true;
	}
	return false;
}

static void *mapstack(size_t len)
{
	void *v = mmap(0, len, PROT_READ | PROT_WRITE,
	               MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
	return v == MAP_FAILED ? 0 : v;
}

/* A fresh slot of the default size from the current arena. */
static bool arenaslot(g *gp)
{
	lock(&arenalock);
	if (arenanext == arenaend) {
		void *a = mapstack(slotsize * ARENA_STACKS);
		if (!a) {
			unlock(&arenalock);
			return false;
		}
		arenanext = (uintptr_t)a;
		arenaend = arenanext + slotsize * ARENA_STACKS;
	}
	uintptr_t base = arenanext;
	arenanext += slotsize;
	size_t size = slotsize - GUARD_SIZE;
	unlock(&arenalock);
	gp->stacklo = base + GUARD_SIZE;
	gp->stackhi = gp->stacklo + size;
	gp->stackflags = guard(base, GUARD_SIZE) ? STACK_GUARDED : 0;
	gp->stackmem = (void *)base;
	gp->stackmemsize = slotsize;
	return true;
}

static bool ownstack(g *gp, size_t size)
{
	size_t len = GUARD_SIZE + size;
	void *v = mapstack(len);
	if (!v)
		return false;
	uintptr_t base = (uintptr_t)v;
	gp->stacklo = base + GUARD_SIZE;
	gp->stackhi = base + len;
	gp->stackflags = STACK_OWNMAP | (guard(base, GUARD_SIZE) ? STACK_GUARDED : 0);
	gp->stackmem = v;
	gp->stackmemsize = len;
	return true;
}

bool stackalloc(g *gp, size_t size)
{
	if (size != stackdefault)
		return ownstack(gp, size);
	m *mp = getg() ? getg()->m : 0;
	p *pp = mp ? mp->p : 0;
	struct freestack *fs = 0;
	if (pp && pp->nstackcache > 0) {
		fs = pp->stackcache[--pp->nstackcache];
	} else if (npool > 0) {
		lock(&poollock);
		/* Refill half the cache while the lock is held. */
		while (pool && (!fs || (pp && pp->nstackcache < STACK_CACHE / 2))) {
			struct freestack *f = pool;
			pool = f->next;
			npool--;
			if (!fs)
				fs = f;
			else
				pp->stackcache[pp->nstackcache++] = f;
		}
		unlock(&poollock);
	}
	if (fs && fs->hi - fs->lo == size) {
		gp->stacklo = fs->lo;
		gp->stackhi = fs->hi;
		gp->stackflags = fs->flags;
		gp->stackmem = (void *)(fs->lo - GUARD_SIZE);
		gp->stackmemsize = size + GUARD_SIZE;
		return true;
	}
	/* fs, if any, was of an older default size: give its pages back; the
	   address range stays reserved in its arena. */
	if (fs)
		madvise((void *)fs->lo, fs->hi - fs->lo, MADV_DONTNEED);
	return arenaslot(gp);
}

void stackfree(g *gp)
{
	if (!gp->stackmem)
		return;
	if (gp->stackflags & STACK_OWNMAP) {
		munmap(gp->stackmem, gp->stackmemsize);
	} else if (gp->stackhi - gp->stacklo == stackdefault) {
		struct freestack *fs = (struct freestack *)(gp->stackhi - sizeof *fs);
		fs->lo = gp->stacklo;
		fs->hi = gp->stackhi;
		fs->flags = gp->stackflags;
		fs->scavenged = false;
		fs->freedat = 0;
		m *mp = getg() ? getg()->m : 0;
		p *pp = mp ? mp->p : 0;
		if (pp && pp->nstackcache < STACK_CACHE) {
			pp->stackcache[pp->nstackcache++] = fs;
		} else {
			int64_t now = nanotime();
			lock(&poollock);
			fs->freedat = now;
			fs->next = pool;
			pool = fs;
			npool++;
			/* Move half the cache along, so the next frees are cheap. */
			while (pp && pp->nstackcache > STACK_CACHE / 2) {
				struct freestack *f = pp->stackcache[--pp->nstackcache];
				f->freedat = now;
				f->next = pool;
				pool = f;
				npool++;
			}
			unlock(&poollock);
		}
	} else {
		/* An arena slot of an older default size: give its pages back and
		   leave the address range be (the arena is never unmapped). */
		madvise((void *)gp->stacklo, gp->stackhi - gp->stacklo, MADV_DONTNEED);
	}
	gp->stackmem = 0;
	gp->stacklo = gp->stackhi = 0;
}

void stackcache_release(p *pp)
{
	int64_t now = nanotime();
	lock(&poollock);
	while (pp->nstackcache > 0) {
		struct freestack *f = pp->stackcache[--pp->nstackcache];
		f->freedat = now;
		f->next = pool;
		pool = f;
		npool++;
	}
	unlock(&poollock);
}

void stackscavenge(int64_t now)
{
	if (npool == 0)
		return;
	lock(&poollock);
	for (struct freestack *f = pool; f; f = f->next) {
		if (f->scavenged || now - f->freedat < SCAVENGE_AFTER_NS)
			continue;
		/* Keep the page holding the header; everything below it goes. */
		uintptr_t top = (f->hi - sizeof *f) & ~(physpagesize - 1);
		if (top > f->lo)
			madvise((void *)f->lo, top - f->lo, MADV_DONTNEED);
		f->scavenged = true;
	}
	unlock(&poollock);
}

/* main's goroutine: a stack as large as a C main thread gets (RLIMIT_STACK). */
bool mainstackalloc(g *gp)
{
	struct rlimit rl;
	size_t size = 8 << 20;
	if (getrlimit(RLIMIT_STACK, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur > 0)
		size = rl.rlim_cur;
	if (size > ((size_t)1 << 30))
		size = (size_t)1 << 30;
	return ownstack(gp, pageround(size));
}

/* Is addr in the guard of gp's stack, or just below it (a frame larger than
   the guard)? Used by the SIGSEGV handler to tell an overflow. */
bool stackguardfault(uintptr_t addr, g **gpout)
{
	g *gp = getg();
	if (!gp)
		return false;
	if (gp->m && gp->m->curg)
		gp = gp->m->curg;
	*gpout = gp;
	if (!gp->stackmem)
		return false;
	return addr < gp->stacklo && addr + 4 * GUARD_SIZE >= gp->stacklo;
}
