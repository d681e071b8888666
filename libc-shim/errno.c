/*
 * errno.c: errno per goroutine (overrides musl 1.2.3 src/errno/__errno_location.c).
 *
 * musl's own code and <errno.h> reach errno through __errno_location(),
 * declared __attribute__((const)), and musl's internals through the alias
 * ___errno_location; both must be ours or musl's object is linked in too.
 * The slot is in the G, whose address never changes, so an address cached
 * by the compiler stays right when the goroutine moves to another M. A
 * thread of the program's own (no G) gets musl's per-thread slot in its
 * thread control block, as with plain musl; so does g0 (the scheduler's
 * own calls). (The runtime keeps no TLS of its own but gort_curg: see
 * tcb.c's RUNTIME_TLS.)
 */
#include "../runtime/runtime.h"

/* offsetof(struct pthread, errno_val) in musl 1.2.3, checked in tcb.c. */
#define TCB_ERRNO 52

int *__errno_location(void)
{
	g *gp = getg();
	return gp ? &gp->errno_ : (int *)(gettp() + TCB_ERRNO);
}

int *___errno_location(void) __attribute__((alias("__errno_location")));
