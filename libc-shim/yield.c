/*
 * yield.c: a goroutine that yields lets the other goroutines run
 * (overrides musl 1.2.3's src/sched/sched_yield.c and
 * src/thread/thrd_yield.c, one function each).
 *
 * A program that waits for another thread by spinning on sched_yield
 * expects the kernel to run that thread meanwhile. When the one it waits
 * for is a goroutine of the same P, the kernel cannot: musl's
 * sched_yield gives up the CPU but keeps the P, and preemption never
 * lands inside the C library, so at GOMAXPROCS=1 such a loop ran until a
 * preemption request happened to find it in the program's own code
 * (seconds). On a goroutine the call is gort_yield first (Go's Gosched),
 * then the system call, for the program's own threads.
 */
#include <sched.h>
#include <threads.h>

#include <gort.h>

#include "shim.h"

int sched_yield(void)
{
	if (shim_curg())
		gort_yield();
	return (int)sc_ret(rawsyscall6(SYS_sched_yield, 0, 0, 0, 0, 0, 0));
}

void thrd_yield(void)
{
	sched_yield();
}
