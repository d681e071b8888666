/* Unit tests of runtime/stack.c: allocation, the per-P cache, guards, sizes. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "gort.h"
#include "runtime.h"

static m tm;
static g tg0;
static p tp;

static void setup(void)
{
	physpagesize = 4096;
	tm.g0 = &tg0;
	tg0.m = &tm;
	tm.p = &tp;
	gort_curg = &tg0;
	stackinit();
}

TestSuite(stack, .init = setup);

static bool resident(uintptr_t addr);

Test(stack, alloc_is_usable_and_aligned)
{
	g gp = { 0 };
	cr_assert(stackalloc(&gp, stackdefault));
	cr_assert_eq(gp.stackhi - gp.stacklo, stackdefault);
	cr_assert_eq(gp.stacklo % 4096, 0);
	memset((void *)gp.stacklo, 0xab, gp.stackhi - gp.stacklo);
	stackfree(&gp);
	cr_assert_eq(gp.stacklo, 0);
}

Test(stack, freed_stacks_are_reused_from_the_cache)
{
	g a = { 0 }, b = { 0 };
	cr_assert(stackalloc(&a, stackdefault));
	uintptr_t lo = a.stacklo;
	stackfree(&a);
	cr_assert_eq(tp.nstackcache, 1);
	cr_assert(stackalloc(&b, stackdefault));
	cr_assert_eq(b.stacklo, lo, "the cached stack comes back first");
	cr_assert_eq(tp.nstackcache, 0);
	stackfree(&b);
}

Test(stack, cache_spills_to_the_pool_and_refills)
{
	enum { N = STACK_CACHE * 3 };
	g gs[N];
	memset(gs, 0, sizeof gs);
	for (int i = 0; i < N; i++)
		cr_assert(stackalloc(&gs[i], stackdefault));
	for (int i = 0; i < N; i++)
		stackfree(&gs[i]);
	cr_assert_leq(tp.nstackcache, STACK_CACHE);
	stackcache_release(&tp);
	cr_assert_eq(tp.nstackcache, 0);
	/* Everything comes back from the pool: no stack is handed out twice. */
	for (int i = 0; i < N; i++)
		cr_assert(stackalloc(&gs[i], stackdefault));
	for (int i = 0; i < N; i++)
		for (int j = i + 1; j < N; j++)
			cr_assert_neq(gs[i].stacklo, gs[j].stacklo);
	for (int i = 0; i < N; i++)
		stackfree(&gs[i]);
	/* Scavenging is deep_pages_are_scavenged's: each test is a process
	   of its own, with nothing to clean up. */
}

Test(stack, guard_fault_is_recognised)
{
	g gp = { 0 };
	cr_assert(stackalloc(&gp, stackdefault));
	tm.curg = &gp;
	gp.m = &tm;
	g *who = 0;
	cr_assert(stackguardfault(gp.stacklo - 8, &who));
	cr_assert_eq(who, &gp);
	cr_assert(!stackguardfault(gp.stacklo + 8, &who));
	cr_assert(!stackguardfault(gp.stackhi + 4096, &who));
	tm.curg = 0;
	stackfree(&gp);
}

/* Does this kernel let a process advise its own pages in batches
   (process_madvise on PIDFD_SELF), the path stack.c takes when it can? */
static bool canbatch(void)
{
	void *pg = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct iovec iov = { pg, 4096 };
	bool ok = syscall(SYS_process_madvise, -10000, &iov, 1, 23 /* MADV_POPULATE_WRITE */, 0) == 4096;
	munmap(pg, 4096);
	return ok;
}

static bool resident(uintptr_t addr)
{
	unsigned char v = 0;
	/* A page no longer mapped at all is not resident either. */
	if (mincore((void *)addr, 4096, &v) != 0 && errno == ENOMEM)
		return false;
	cr_assert_eq(mincore((void *)addr, 4096, &v), 0);
	return v & 1;
}

Test(stack, fresh_stacks_are_guarded_and_committed_ahead)
{
	enum { N = 150 };   /* more than two arenas of 64 */
	static g gs[N];
	bool batch = canbatch();
	int pfd[2];
	cr_assert_eq(pipe(pfd), 0);
	int fd = pfd[1];   /* a pipe copies what is written: /dev/null reads nothing */
	if (!batch)
		cr_log_warn("no process_madvise on PIDFD_SELF: testing that nothing is committed ahead "
		            "(stackfallback tests the same on every kernel)");
	for (int i = 0; i < N; i++) {
		cr_assert(stackalloc(&gs[i], stackdefault));
		uintptr_t top = gs[i].stackhi - 4096;
		/* With batches the top page is in before the goroutine runs;
		   without, committing ahead would cost a system call a stack
		   and is not done: the page faults in on first use. */
		if (batch)
			cr_assert(resident(top), "stack %d: top page not committed ahead", i);
		else
			cr_assert(!resident(top), "stack %d: committed without batches", i);
		if (i == 0) {
			/* A program with one goroutine commits one page, not an
			   arena's worth: the next slot's top page is untouched. */
			uintptr_t nexttop = gs[0].stackhi + (16 << 10) + stackdefault - 4096;
			cr_assert(!resident(nexttop), "committed ahead of a lone stack");
		}
		/* The kernel reads the guard for us: EFAULT, not a crash. */
		errno = 0;
		cr_assert_eq(write(fd, (void *)(gs[i].stacklo - 4096), 1), -1, "stack %d has no guard", i);
		cr_assert_eq(errno, EFAULT);
		cr_assert_eq(write(fd, (void *)top, 1), 1);
	}
	close(pfd[0]);
	close(pfd[1]);
}

Test(stack, size_is_rounded_and_checked)
{
	size_t old = gort_stacksize(0);
	cr_assert_eq(old, 256 << 10, "the default is 256 KiB");
	gort_stacksize(100000);
	cr_assert_eq(gort_stacksize(0), 102400, "rounded up to pages");
	g gp = { 0 };
	cr_assert(stackalloc(&gp, stackdefault));
	cr_assert_eq(gp.stackhi - gp.stacklo, 102400);
	stackfree(&gp);
	/* Out of range: an error, and the size stays. */
	size_t bad[] = { 1, 1000, (16 << 10) - 1, ((size_t)1 << 30) + 1, (size_t)2 << 30, (size_t)-1 };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		errno = 0;
		cr_assert_eq(gort_stacksize(bad[i]), 0, "gort_stacksize(%zu)", bad[i]);
		cr_assert_eq(errno, EINVAL, "gort_stacksize(%zu)", bad[i]);
		cr_assert_eq(gort_stacksize(0), 102400);
	}
	cr_assert_eq(gort_stacksize(16 << 10), 102400, "the least");
	cr_assert_eq(gort_stacksize((size_t)1 << 30), 16 << 10, "the most");
	gort_stacksize(old);
}

/* A stack that went deep gives its deep pages back once it waits in the
   pool, keeps its top for a cheap reuse, and gives that back too when it
   stays unused. */
Test(stack, deep_pages_are_scavenged)
{
	g gp = { 0 };
	cr_assert(stackalloc(&gp, stackdefault));
	memset((void *)(gp.stackhi - (200 << 10)), 1, 200 << 10);
	uintptr_t lo = gp.stacklo, hi = gp.stackhi, deep = hi - (200 << 10);
	cr_assert(resident(deep));
	stackfree(&gp);
	cr_assert_eq(tp.nstackcache, 1);
	stackscavenge(nanotime());
	cr_assert(resident(deep), "the per-P cache is left alone");
	stackcache_release(&tp);
	int64_t now = nanotime();
	stackscavenge(now);
	for (uintptr_t a = deep; a < hi - (16 << 10); a += 4096)
		cr_assert(!resident(a), "page at %#lx of [%#lx, %#lx) still resident", a, lo, hi);
	cr_assert(resident(hi - 4096), "the top is kept");
	stackscavenge(now + 10000000000LL);
	cr_assert(!resident(hi - 4096), "unused for long: the top goes too");
	/* It reads back as zeros and serves again. */
	cr_assert(stackalloc(&gp, stackdefault));
	cr_assert_eq(gp.stacklo, lo);
	cr_assert_eq(*(volatile char *)deep, 0);
	cr_assert_eq(*(volatile char *)(hi - 1), 0);
	stackfree(&gp);
}

Test(stack, main_stack_follows_rlimit)
{
	g gp = { 0 };
	cr_assert(mainstackalloc(&gp));
	cr_assert_geq(gp.stackhi - gp.stacklo, 1 << 20);
	/* Touch the far end: it is committed lazily but usable. */
	*(volatile char *)gp.stacklo = 1;
	stackfree(&gp);
}

/* The path of kernels without MADV_GUARD_INSTALL or process_madvise on
   PIDFD_SELF (Debian 12's 6.1), forced on any kernel by
   GODEBUG=stackfallback=1: guards by mprotect, nothing committed ahead. */
static void setupfallback(void)
{
	debug_stackfallback = 1;
	setup();
}

TestSuite(stackfallback, .init = setupfallback);

Test(stackfallback, guards_by_mprotect_and_pages_on_first_use)
{
	enum { N = 150 };
	static g gs[N];
	int pfd[2];
	cr_assert_eq(pipe(pfd), 0);
	for (int i = 0; i < N; i++) {
		cr_assert(stackalloc(&gs[i], stackdefault));
		uintptr_t top = gs[i].stackhi - 4096;
		cr_assert(!resident(top), "stack %d: committed ahead", i);
		errno = 0;
		cr_assert_eq(write(pfd[1], (void *)(gs[i].stacklo - 4096), 1), -1, "stack %d has no guard", i);
		cr_assert_eq(errno, EFAULT);
		cr_assert_eq(write(pfd[1], (void *)top, 1), 1);
		char c;
		cr_assert_eq(read(pfd[0], &c, 1), 1);
	}
	/* An mprotect guard is a mapping of its own: /proc/self/maps shows a
	   ---p region right below each stack. */
	FILE *f = fopen("/proc/self/maps", "r");
	cr_assert(f);
	char line[512];
	int guards = 0;
	while (fgets(line, sizeof line, f)) {
		unsigned long lo, hi;
		char perms[8];
		if (sscanf(line, "%lx-%lx %7s", &lo, &hi, perms) != 3 || strcmp(perms, "---p"))
			continue;
		for (int i = 0; i < N; i++)
			if (hi == gs[i].stacklo)
				guards++;
	}
	fclose(f);
	cr_assert_eq(guards, N, "%d of %d stacks have a PROT_NONE mapping below them", guards, N);
	g *who = 0;
	tm.curg = &gs[7];
	gs[7].m = &tm;
	cr_assert(stackguardfault(gs[7].stacklo - 8, &who));
	cr_assert_eq(who, &gs[7]);
	tm.curg = 0;
	for (int i = 0; i < N; i++)
		stackfree(&gs[i]);
	close(pfd[0]);
	close(pfd[1]);
}
