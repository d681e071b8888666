/*
 * errno.c: errno per goroutine (overrides musl 1.2.3 src/errno/__errno_location.c).
 *
 * musl's own code and <errno.h> reach errno through __errno_location(),
 * declared __attribute__((const)), and musl's internals through the alias
 * ___errno_location; both must be ours or musl's object is linked in too.
 * The slot is in the G, whose address never changes, so an address cached
 * by the compiler stays right when the goroutine moves to another M. A
 * thread of the program's own (no G) gets a per-thread slot, as with plain
 * musl; so does g0 (the scheduler's own calls).
 */
#include "../runtime/runtime.h"

static __thread int threaderrno;

int *__errno_location(void)
{
	g *gp = getg();
	return gp ? &gp->errno_ : &threaderrno;
}

int *___errno_location(void) __attribute__((alias("__errno_location")));
