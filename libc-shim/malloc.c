/*
 * malloc.c: a preemption point at the program's calls to malloc and free
 * (overrides the weak malloc of musl 1.2.3's src/malloc/lite_malloc.c and
 * src/malloc/free.c's free; both call on to mallocng through the
 * internal __libc_malloc and __libc_free, as musl's own do).
 *
 * The preemption signal is refused in libc text, where musl may hold its
 * own locks. A goroutine that spends its time in the allocator (and in the
 * mmap and munmap calls mallocng makes) is therefore almost never
 * stopped, and at GOMAXPROCS=1 the other goroutines and every timer wait
 * for ever. The moment of a call from the program's own text, before musl
 * has done anything, is as safe as any point in the program's code, so
 * there a pending request is honoured (Go checks at every function entry).
 * The return address tells who called: musl's own callers (getline, which
 * holds a FILE lock) and the runtime's are not preempted.
 *
 * Both are weak: a program that brings its own allocator replaces them as
 * it would replace musl's.
 */
#include <stdlib.h>

#include "shim.h"

hidden void *__libc_malloc(size_t n);
hidden void __libc_free(void *p);

static inline void preemptpoint(void *ret)
{
	g *gp = getg();
	if (likely(!gp || !atomic_load_explicit(&gp->preempt, memory_order_relaxed)))
		return;
	if (shim_curg() == gp && usertext((uintptr_t)ret))
		mcall(gopreempt_m);
}

__attribute__((weak)) void *malloc(size_t n)
{
	preemptpoint(__builtin_return_address(0));
	return __libc_malloc(n);
}

__attribute__((weak)) void free(void *p)
{
	preemptpoint(__builtin_return_address(0));
	__libc_free(p);
}
