/*
 * malloc.c: the allocator's entry points (musl 1.2.3's src/malloc, whose
 * mallocng does the work behind the internal __libc_malloc, __libc_free,
 * __libc_calloc and __libc_realloc, as musl's own entry points do).
 *
 * A preemption point at the program's calls to malloc and free. The
 * preemption signal is refused in libc text, where musl may hold its own
 * locks. A goroutine that spends its time in the allocator (and in the
 * mmap and munmap calls mallocng makes) is therefore almost never
 * stopped, and at GOMAXPROCS=1 the other goroutines and every timer wait
 * for ever. The moment of a call from the program's own text, before musl
 * has done anything, is as safe as any point in the program's code, so
 * there a pending request is honoured (Go checks at every function entry).
 * The return address tells who called: musl's own callers (getline, which
 * holds a FILE lock) and the runtime's are not preempted.
 *
 * Under valgrind, every entry point of a program linked with -g goes to
 * vgheap.c, which shows memcheck the heap; elsewhere that costs one
 * predictable branch. (The runtime for builds without -g has
 * vgheap_none.c instead, which keeps them small.) musl's calloc
 * calls malloc and then asks mallocng whether the block is known zero, and
 * its realloc, aligned_alloc and malloc_usable_size go to mallocng
 * directly: each must see vgheap's blocks, so the shim has them all.
 * aligned_alloc (which memalign and posix_memalign call) and
 * malloc_usable_size are wrapped at link time (gort.specs: --wrap), as
 * musl has no internal name for them to call on to.
 *
 * All are weak: a program that brings its own allocator replaces them as
 * it would replace musl's. One that replaces malloc but not calloc gets
 * musl's calloc: the program's malloc, then memset.
 */
#include <stdlib.h>
#include <string.h>

#include "shim.h"

hidden void *__libc_malloc(size_t n);
hidden void __libc_free(void *p);
hidden void *__libc_calloc(size_t m, size_t n);
hidden void *__libc_realloc(void *p, size_t n);
void *__real_aligned_alloc(size_t align, size_t n);
size_t __real_malloc_usable_size(void *p);

static inline void preemptpoint(void *ret)
{
	g *gp = getg();
	if (likely(!gp || !atomic_load_explicit(&gp->preempt, memory_order_relaxed)))
		return;
	if (shim_curg() == gp && usertext((uintptr_t)ret))
		preemptpark(gp);
}

static void *shimmalloc(size_t n)
{
	preemptpoint(__builtin_return_address(0));
	if (vgon())
		return vgmalloc(n, 0, false);
	return __libc_malloc(n);
}

extern __typeof(shimmalloc) malloc __attribute__((weak, alias("shimmalloc")));

/* Does the program call our malloc, not an allocator of its own? */
static bool ownmalloc(void)
{
	void *volatile fn = (void *)malloc;
	return fn == (void *)shimmalloc;
}

__attribute__((weak)) void free(void *p)
{
	preemptpoint(__builtin_return_address(0));
	if (vgon() && p && vgfree(p))
		return;
	__libc_free(p);
}

__attribute__((weak)) void *calloc(size_t m, size_t n)
{
	if (n && m > SIZE_MAX / n) {
		errno = ENOMEM;
		return 0;
	}
	if (!ownmalloc()) {
		void *p = malloc(m * n);
		return p ? memset(p, 0, m * n) : p;
	}
	if (vgon())
		return vgmalloc(m * n, 0, true);
	return __libc_calloc(m, n);
}

__attribute__((weak)) void *realloc(void *p, size_t n)
{
	size_t old;
	/* A block from before valgrind was seen stays musl's. */
	if (!vgon() || !ownmalloc() || (p && !vgsize(p, &old)))
		return __libc_realloc(p, n);
	void *q = vgmalloc(n, 0, false);
	if (q && p) {
		memcpy(q, p, old < n ? old : n);
		vgfree(p);
	}
	return q;
}

void *__wrap_aligned_alloc(size_t align, size_t n)
{
	if (!vgon() || !ownmalloc())
		return __real_aligned_alloc(align, n);
	if (!align || (align & (align - 1))) {
		errno = EINVAL;
		return 0;
	}
	return vgmalloc(n, align, false);
}

size_t __wrap_malloc_usable_size(void *p)
{
	size_t n;
	if (vgon() && p && vgsize(p, &n))
		return n;
	return __real_malloc_usable_size(p);
}
