/*
 * vgheap_none.c: vgheap.c for the runtime that programs built without -g
 * link (libgort.a): memcheck is not shown the heap there (docs/debugging.md,
 * "valgrind"), and the binary stays small. malloc.c never calls these.
 */
#include "shim.h"

const bool vgheap = false;

void *vgmalloc(size_t n, size_t align, bool zero)
{
	(void)n, (void)align, (void)zero;
	return 0;
}

bool vgfree(void *p)
{
	(void)p;
	return false;
}

bool vgsize(void *p, size_t *n)
{
	(void)p, (void)n;
	return false;
}
