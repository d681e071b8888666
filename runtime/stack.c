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
 * Page faults: the first touch of a fresh stack is a page fault, the main
 * cost of starting a goroutine that does not reuse a stack (and several
 * times the cost of a goroutine switch). Where the kernel lets a process
 * advise its own memory in batches (process_madvise on PIDFD_SELF, Linux
 * 6.15), a new arena gets all its guards in one system call, and the top
 * page of its slots, which every goroutine touches first, is committed ahead
 * in batches that grow as the program keeps making goroutines.
 *
 * Freed stacks of the default size go to the P's cache and, when it is full,
 * half of it to the global pool. sysmon moves idle caches to the pool, and
 * stackscavenge gives a pooled stack's pages below its top 16 KiB back to
 * the kernel at once, the rest once it sat unused for a while.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "runtime.h"

#ifndef MADV_GUARD_INSTALL
#define MADV_GUARD_INSTALL 102
#endif
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif
/* Linux 6.15's pidfd for the calling thread, whose address space is ours. */
#define PIDFD_SELF (-10000)

enum {
	ARENA_STACKS = 64,            /* at most 64: arenaguarded is one bit a slot */
	GUARD_SIZE = 16 << 10,        /* big enough that a large frame cannot jump it */
	STACK_MIN = 16 << 10,
	STACK_MAX = 1 << 30,          /* Go's own limit on a goroutine's stack */
	STACK_KEEP = 16 << 10,        /* top of a free stack kept committed until scavenged */
	SCAVENGE_AFTER_NS = 2000000000,
	SCAVENGE_BATCH = 64,          /* stacks advised per system call (and per hold of poollock) */
};

enum stackflag {
	STACK_GUARDED = 1,   /* has a guard region below stacklo */
	STACK_OWNMAP = 2,    /* own mapping (main, or a non-default size): unmap on free */
	STACK_SCAVENGED = 4, /* in the pool, pages given back */
	STACK_TRIMMED = 8,   /* in the pool, pages below the top STACK_KEEP given back */
};

/* Written under arenalock and poollock both, so either lock gives a
   stable value; read without a lock where a stale value is harmless. */
size_t stackdefault = 256 << 10;

/* A free stack of the default size is one word: its lowest usable address
   (page aligned) with its flags in the low bits. The bookkeeping stays out
   of the stack itself so that handing a stack over touches none of its
   memory: its pages are committed ahead (populate) or by the goroutine's
   first run. */
#define FS_FLAGS ((uintptr_t)0xff)

/* Global pool, guarded by poollock: free stacks and when each was freed,
   for the scavenger. Stacks are pushed and popped at the top, so what the
   scavenger has been through is a prefix of the pool: pool[0, pooltrim)
   is trimmed (or scavenged), pool[0, poolscav) scavenged. */
static mutex poollock;
static uintptr_t *pool;
static int64_t *poolfreed;
static int32_t npool, cappool;
static int32_t pooltrim, poolscav;

/* Arena being carved, guarded by arenalock. */
static mutex arenalock;
static uintptr_t arenabase, arenanext, arenaend;
static size_t slotsize;        /* guard + stack */
static uint64_t arenaguarded;  /* bit i: slot i got its guard with the arena */
static int arenapopulated;     /* slots, from the first, committed ahead or claimed */
static int popbatch = 1;       /* slots to commit ahead next time; doubles */
static _Atomic int batchmode;  /* 0 unknown, 1 process_madvise works, 2 it does not */

static int guardmode;           /* 0 unknown, 1 madvise guards, 2 mprotect, 3 none */
static _Atomic int64_t mprotect_budget = INT64_MIN;  /* guardmode 2: map entries left */

static int readmaxmapcount(void)
{
	/* Raw system calls, here and in symtab.c: the runtime's own use of
	   open, read and close would link the wrappers into every program. */
	long fd = rawsyscall6(SYS_open, (long)"/proc/sys/vm/max_map_count", O_RDONLY | O_CLOEXEC, 0, 0, 0, 0);
	if (fd < 0)
		return 65530;
	char buf[32];
	long n = rawsyscall6(SYS_read, fd, (long)buf, sizeof buf - 1, 0, 0, 0);
	rawsyscall6(SYS_close, fd, 0, 0, 0, 0, 0);
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

/* Parse a size: bytes, or with a k/K/KiB, m/M/MiB or g/G/GiB suffix (powers
   of 1024). Sizes beyond any stack saturate rather than wrap. */
static bool parsesize(const char *s, size_t *out)
{
	size_t v = 0;
	int shift = 0;
	if (*s < '0' || *s > '9')
		return false;
	for (; *s >= '0' && *s <= '9'; s++) {
		v = v * 10 + (size_t)(*s - '0');
		if (v > (size_t)STACK_MAX)
			v = (size_t)STACK_MAX + 1;
	}
	switch (*s) {
	case 'k': case 'K': shift = 10; break;
	case 'm': case 'M': shift = 20; break;
	case 'g': case 'G': shift = 30; break;
	}
	if (shift) {
		s++;
		if (s[-1] >= 'A' && s[-1] <= 'Z' && s[0] == 'i' && s[1] == 'B')
			s += 2;
	}
	if (*s)
		return false;
	*out = v > (size_t)STACK_MAX >> shift ? (size_t)STACK_MAX + 1 : v << shift;
	return true;
}

/* "256 KiB": n in the largest unit that divides it. */
static void sizestr(char *buf, size_t size, size_t n)
{
	static const char *const unit[] = { "bytes", "KiB", "MiB", "GiB" };
	int u = 0;
	while (u < 3 && n >= 1024 && n % 1024 == 0)
		n /= 1024, u++;
	fmt(buf, size, "%zu %s", n, unit[u]);
}

/* GORTSTACK sets the default size. A value that cannot be used is said so
   once, in one line, and the program runs with the size named there. */
void stackinit(void)
{
	lockinit(&arenalock, lockRankArena);
	lockinit(&poollock, lockRankPool);
	const char *env = gogetenv("GORTSTACK");
	const char *why = 0;
	size_t n = 0;
	if (env && *env) {
		if (!parsesize(env, &n))
			why = "not a size";
		else if (n < STACK_MIN)
			why = "less than 16 KiB", n = STACK_MIN;
		else if (n > STACK_MAX)
			why = "more than 1 GiB", n = STACK_MAX;
		if (n)
			stackdefault = pageround(n);
	}
	slotsize = GUARD_SIZE + stackdefault;
	if (why) {
		/* The value as given, kept to one line of sane length. */
		char val[52], used[24], buf[160];
		size_t i = 0;
		for (; env[i] && i < 48; i++)
			val[i] = env[i] < ' ' || env[i] == 0x7f ? '?' : env[i];
		val[i] = 0;
		sizestr(used, sizeof used, stackdefault);
		fmt(buf, sizeof buf, "runtime: GORTSTACK=%s%s: %s; using %s\n", val, env[i] ? "..." : "", why,
		    used);
		printstr(buf);
	}
	/* valgrind knows neither guard regions nor process_madvise: mprotect
	   guards, and pages faulted in one by one. GODEBUG=stackfallback=1
	   asks for the same, so that the path of kernels before 6.13 is
	   tested on newer ones too. */
	if (onvalgrind || debug_stackfallback)
		guardmode = 2, batchmode = 2;
}

size_t gort_stacksize(size_t bytes)
{
	if (bytes != 0 && (bytes < STACK_MIN || bytes > STACK_MAX)) {
		errno = EINVAL;
		return 0;
	}
	bytes = pageround(bytes);
	lock(&arenalock);
	size_t old = stackdefault;
	if (bytes > 0 && bytes != old) {
		lock(&poollock);
		stackdefault = bytes;
		unlock(&poollock);
		/* Later stacks come from fresh arenas of the new slot size; free
		   stacks of the old size give their pages back and are dropped
		   (P caches when their owner next looks, by generation). */
		slotsize = GUARD_SIZE + stackdefault;
		arenabase = arenanext = arenaend = 0;
		lock(&poollock);
		while (npool > 0) {
			npool--;
			madvise((void *)(pool[npool] & ~FS_FLAGS), old, MADV_DONTNEED);
		}
		pooltrim = poolscav = 0;
		unlock(&poollock);
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
		/* Keep three quarters of the map budget for the program's own
		   mappings and malloc; read only now, as most kernels never get
		   here. */
		if (mprotect_budget == INT64_MIN)
			mprotect_budget = readmaxmapcount() / 4;
		/* Each guard splits a mapping: two more map entries at most. */
		if (atomic_fetch_sub(&mprotect_budget, 2) <= 2)
			return false;
		if (mprotect((void *)lo, len, PROT_NONE) == 0)
			return true;
	}
	return false;
}

/* Apply advice to the n ranges of iov in as few system calls as the kernel
   allows. Returns how many of them, from the first, were done; 0 (and
   never again) where the kernel cannot advise this process's memory in
   batches. */
static int madvise_batch(struct iovec *iov, int n, int advice)
{
	if (batchmode == 2 || n <= 0)
		return 0;
	long r = rawsyscall6(SYS_process_madvise, PIDFD_SELF, (long)iov, n, advice, 0, 0);
	if (r < 0) {
		/* No PIDFD_SELF, no process_madvise, or advice a pidfd may not
		   give (before 6.13): the per-stack path stays as it was. */
		if (batchmode == 0 && (r == -EBADF || r == -ENOSYS || r == -EINVAL || r == -EPERM))
			batchmode = 2;
		return 0;
	}
	batchmode = 1;
	int done = 0;
	for (size_t left = (size_t)r; done < n && left >= iov[done].iov_len; done++)
		left -= iov[done].iov_len;
	return done;
}

/* Apply advice to len bytes at each of the n addresses at addr, addr+step,
   ... in batches (madvise_batch). */
static int madvise_strided(uintptr_t addr, size_t step, int n, size_t len, int advice)
{
	struct iovec iov[ARENA_STACKS];
	if (batchmode == 2 || n <= 0)
		return 0;
	if (n > ARENA_STACKS)
		n = ARENA_STACKS;
	for (int i = 0; i < n; i++) {
		iov[i].iov_base = (void *)(addr + (size_t)i * step);
		iov[i].iov_len = len;
	}
	return madvise_batch(iov, n, advice);
}

/* The guards of a whole new arena, one system call; arenalock held. */
static void arenaguards(void)
{
	arenaguarded = 0;
	if (guardmode != 0 && guardmode != 1)
		return;
	int n = madvise_strided(arenabase, slotsize, ARENA_STACKS, GUARD_SIZE, MADV_GUARD_INSTALL);
	if (n > 0)
		guardmode = 1;
	arenaguarded = n >= ARENA_STACKS ? ~(uint64_t)0 : ((uint64_t)1 << n) - 1;
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
		arenabase = arenanext = (uintptr_t)a;
		arenaend = arenanext + slotsize * ARENA_STACKS;
		arenapopulated = 0;
		arenaguards();
	}
	uintptr_t base = arenanext;
	int slot = (int)((base - arenabase) / slotsize);
	arenanext += slotsize;
	size_t size = slotsize - GUARD_SIZE;
	bool guarded = arenaguarded >> slot & 1;
	/* Commit the top pages of this slot and of the next few ahead: a
	   program that has made goroutines will likely make more, and a batch
	   costs far less than a page fault each. The batch doubles, so a small
	   program commits a page or two, and what is committed but never used
	   is at most one arena's worth. */
	int npop = 0;
	if (batchmode != 2 && slot >= arenapopulated) {
		npop = ARENA_STACKS - slot < popbatch ? ARENA_STACKS - slot : popbatch;
		arenapopulated = slot + npop;
		if (popbatch < ARENA_STACKS)
			popbatch *= 2;
	}
	unlock(&arenalock);
	/* Outside the lock: the slots are claimed, and a goroutine that runs
	   before its page is in merely takes the fault. */
	if (npop)
		madvise_strided(base + slotsize - physpagesize, slotsize, npop, physpagesize, MADV_POPULATE_WRITE);
	gp->stacklo = base + GUARD_SIZE;
	gp->stackhi = gp->stacklo + size;
	gp->stackflags = guarded || guard(base, GUARD_SIZE) ? STACK_GUARDED : 0;
	gp->stackmem = (void *)base;
	gp->stackmemsize = slotsize;
	/* Registered for good: arenas are never unmapped. */
	vgstackregister(gp->stacklo, gp->stackhi);
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
	gp->stackvgid = vgstackregister(gp->stacklo, gp->stackhi);
	return true;
}

static void takefree(g *gp, uintptr_t fs, size_t size)
{
	gp->stacklo = fs & ~FS_FLAGS;
	gp->stackhi = gp->stacklo + size;
	gp->stackflags = (uint32_t)(fs & STACK_GUARDED);
	gp->stackmem = (void *)(gp->stacklo - GUARD_SIZE);
	gp->stackmemsize = size + GUARD_SIZE;
}

/* Push onto the pool; poollock held. False when the pool cannot grow. */
static bool poolput(uintptr_t fs, int64_t now)
{
	if (npool == cappool) {
		int32_t ncap = cappool ? cappool * 2 : 256;
		uintptr_t *np = growalloc(pool, (size_t)cappool * sizeof *np, (size_t)ncap * sizeof *np);
		if (!np)
			return false;
		pool = np;
		int64_t *nf = growalloc(poolfreed, (size_t)cappool * sizeof *nf, (size_t)ncap * sizeof *nf);
		if (!nf)
			return false;
		poolfreed = nf;
		cappool = ncap;
	}
	pool[npool] = fs;
	poolfreed[npool] = now;
	npool++;
	return true;
}

/* The default size changed since pp's cached stacks were freed: let them go. */
static void stackcache_drop(p *pp, size_t size)
{
	while (pp->nstackcache > 0) {
		uintptr_t lo = pp->stackcache[--pp->nstackcache] & ~FS_FLAGS;
		madvise((void *)lo, pp->stackcachesize, MADV_DONTNEED);
	}
	pp->stackcachesize = size;
}

bool stackalloc(g *gp, size_t size)
{
	if (size != stackdefault)
		return ownstack(gp, size);
	m *mp = getg() ? getg()->m : 0;
	p *pp = mp ? mp->p : 0;
	if (pp && unlikely(pp->stackcachesize != size))
		stackcache_drop(pp, size);
	if (pp && pp->nstackcache > 0) {
		takefree(gp, pp->stackcache[--pp->nstackcache], pp->stackcachesize);
		return true;
	}
	if (npool > 0) {
		uintptr_t fs = 0;
		size_t poolsize;
		lock(&poollock);
		/* Everything in the pool is of the current default size. */
		poolsize = stackdefault;
		if (npool > 0)
			fs = pool[--npool];
		/* Refill half the cache while the lock is held. */
		while (pp && poolsize == pp->stackcachesize && npool > 0 && pp->nstackcache < STACK_CACHE / 2)
			pp->stackcache[pp->nstackcache++] = pool[--npool];
		if (pooltrim > npool)
			pooltrim = npool;
		if (poolscav > npool)
			poolscav = npool;
		unlock(&poollock);
		if (fs) {
			takefree(gp, fs, poolsize);
			return true;
		}
	}
	return arenaslot(gp);
}

void stackfree(g *gp)
{
	if (!gp->stackmem)
		return;
	if (gp->stackflags & STACK_OWNMAP) {
		vgstackderegister(gp->stackvgid);
		gp->stackvgid = 0;
		munmap(gp->stackmem, gp->stackmemsize);
	} else if (gp->stackhi - gp->stacklo == stackdefault) {
		size_t size = gp->stackhi - gp->stacklo;
		uintptr_t fs = gp->stacklo | (gp->stackflags & STACK_GUARDED);
		m *mp = getg() ? getg()->m : 0;
		p *pp = mp ? mp->p : 0;
		if (pp && unlikely(pp->stackcachesize != size))
			stackcache_drop(pp, size);
		if (pp && pp->nstackcache < STACK_CACHE) {
			pp->stackcache[pp->nstackcache++] = fs;
		} else {
			int64_t now = nanotime();
			lock(&poollock);
			/* Only stacks of the current size go in; the size may have
			   changed since the check above. */
			bool ok = size == stackdefault && poolput(fs, now);
			/* Move half the cache along, so the next frees are cheap. */
			while (ok && pp && pp->nstackcache > STACK_CACHE / 2)
				ok = poolput(pp->stackcache[--pp->nstackcache], now);
			unlock(&poollock);
			if (!ok)
				madvise((void *)gp->stacklo, size, MADV_DONTNEED);
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
	while (pp->nstackcache > 0 && pp->stackcachesize == stackdefault &&
	       poolput(pp->stackcache[pp->nstackcache - 1], now))
		pp->nstackcache--;
	unlock(&poollock);
	stackcache_drop(pp, stackdefault);
}

/* Give the pages of the n ranges of iov back to the kernel; poollock held,
   so that none of the stacks is handed out meanwhile. */
static void release(struct iovec *iov, int n)
{
	for (int i = madvise_batch(iov, n, MADV_DONTNEED); i < n; i++)
		madvise(iov[i].iov_base, iov[i].iov_len, MADV_DONTNEED);
}

/* sysmon, every second or so: the pool's memory goes back to the kernel in
   two steps. A stack freed since the last round keeps its top STACK_KEEP
   bytes (all most goroutines touch, and what makes reusing it cost no
   page fault) and gives back everything below: one deep goroutine does
   not leave its pages committed while the stack waits. A stack unused
   for SCAVENGE_AFTER_NS gives back the rest. The pool's order is by time
   of freeing, so the old ones are at the bottom. The work is done
   SCAVENGE_BATCH stacks per system call, letting go of poollock between
   batches; the trimming costs a walk of page tables that are mostly empty. */
void stackscavenge(int64_t now)
{
	struct iovec iov[SCAVENGE_BATCH];
	int n;
	if (npool == 0)
		return;
	do {
		n = 0;
		lock(&poollock);
		size_t size = stackdefault;
		while (pooltrim < npool && n < SCAVENGE_BATCH) {
			uintptr_t fs = pool[pooltrim];
			if (size > STACK_KEEP && !(fs & (STACK_TRIMMED | STACK_SCAVENGED))) {
				iov[n].iov_base = (void *)(fs & ~FS_FLAGS);
				iov[n++].iov_len = size - STACK_KEEP;
				pool[pooltrim] = fs | STACK_TRIMMED;
			}
			pooltrim++;
		}
		release(iov, n);
		unlock(&poollock);
	} while (n == SCAVENGE_BATCH);
	do {
		n = 0;
		lock(&poollock);
		size_t size = stackdefault;
		while (poolscav < npool && n < SCAVENGE_BATCH && now - poolfreed[poolscav] >= SCAVENGE_AFTER_NS) {
			uintptr_t fs = pool[poolscav];
			if (!(fs & STACK_SCAVENGED)) {
				/* A trimmed stack has only its top left. */
				size_t keep = fs & STACK_TRIMMED && size > STACK_KEEP ? STACK_KEEP : size;
				iov[n].iov_base = (void *)((fs & ~FS_FLAGS) + size - keep);
				iov[n++].iov_len = keep;
				pool[poolscav] = (fs & ~(uintptr_t)STACK_TRIMMED) | STACK_SCAVENGED;
			}
			poolscav++;
		}
		release(iov, n);
		unlock(&poollock);
	} while (n == SCAVENGE_BATCH);
}

/* Is there memory in the pool that stackscavenge has yet to give back?
   sysmon does not sleep for long while there is. */
bool stackscavengepending(void)
{
	return poolscav < npool;
}

/* main's goroutine: a stack as large as a C main thread gets (RLIMIT_STACK),
   at most 1 GiB, Go's own limit on a goroutine's stack. `ulimit -s
   unlimited` asks for deep recursion, so it gets the 1 GiB (address space
   only: the pages are committed as they are touched), or 8 MiB when even
   the address space is limited (RLIMIT_AS). */
bool mainstackalloc(g *gp)
{
	struct rlimit rl;
	size_t size = 8 << 20, max = (size_t)1 << 30;
	if (getrlimit(RLIMIT_STACK, &rl) == 0 && rl.rlim_cur > 0)
		size = rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > max ? max : rl.rlim_cur;
	return ownstack(gp, pageround(size)) || (size > (8 << 20) && ownstack(gp, 8 << 20));
}

/* The line after an overflow's "stack exceeds" ones: how to get a bigger
   stack, with a size four times the limit (a power of two) as example.
   Runs in the SIGSEGV handler: no libc. */
void stackoverflowhint(g *gp)
{
	size_t limit = gp->stackhi - gp->stacklo, next = STACK_MIN;
	char buf[160];
	if (limit >= STACK_MAX)
		return;
	while (next < 4 * limit && next < STACK_MAX)
		next *= 2;
	if (gp->ismain) {
		fmt(buf, sizeof buf, "runtime: raise RLIMIT_STACK (e.g. ulimit -s %zu) for a bigger main goroutine stack\n",
		    next >> 10);
	} else {
		int shift = next >= (1 << 30) ? 30 : next >= (1 << 20) ? 20 : 10;
		fmt(buf, sizeof buf,
		    "runtime: set GORTSTACK (e.g. GORTSTACK=%zu%c) or call gort_stacksize() for bigger goroutine stacks\n",
		    next >> shift, shift == 30 ? 'g' : shift == 20 ? 'm' : 'k');
	}
	printstr(buf);
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
