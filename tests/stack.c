/* Unit tests of runtime/stack.c: allocation, the per-P cache, guards, sizes. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

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
	stackscavenge(nanotime() + 10000000000LL);
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

Test(stack, size_is_clamped_and_rounded)
{
	size_t old = gort_stacksize(1000);
	cr_assert_eq(gort_stacksize(0), 16 << 10, "minimum 16 KiB");
	gort_stacksize(100000);
	cr_assert_eq(gort_stacksize(0), 102400, "rounded up to pages");
	g gp = { 0 };
	cr_assert(stackalloc(&gp, stackdefault));
	cr_assert_eq(gp.stackhi - gp.stacklo, 102400);
	stackfree(&gp);
	gort_stacksize(old);
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
