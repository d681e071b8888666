/*
 * valgrind.c: telling valgrind what it cannot see for itself.
 *
 * valgrind follows one stack per thread and takes any large move of the
 * stack pointer for a switch; a move of less than 2 MiB (--max-stackframe)
 * is taken for a deeper or shallower frame, and memcheck marks everything in
 * between as fresh or dead. Goroutine stacks and the threads' own stacks are
 * mmaps a few hundred KiB apart, so every gogo and mcall would rewrite
 * memcheck's view of whatever lies between them. Each stack the runtime
 * switches to is therefore registered as such (VALGRIND_STACK_REGISTER):
 * goroutine stacks when they are mapped or carved (they stay registered
 * while cached), signal stacks when the M starts. The Ms' own stacks (g0:
 * the process stack for m0, pthread stacks for the others) valgrind
 * registers itself, as it creates each thread.
 *
 * The client requests are a few instructions that do nothing on a real CPU;
 * they are still kept off the hot paths, behind onvalgrind.
 */
#include <valgrind/valgrind.h>
#include <valgrind/memcheck.h>

#include "runtime.h"

/* Set once by osinit, before any goroutine or M: read freely. */
bool onvalgrind;

void valgrindinit(void)
{
	onvalgrind = RUNNING_ON_VALGRIND != 0;
}

/* Announce the stack [lo, hi): its id for vgstackderegister, 0 when not
   under valgrind (valgrind's own process stack is 0, never ours). hi is
   included, as a new goroutine's sp starts there. */
uint32_t vgstackregister(uintptr_t lo, uintptr_t hi)
{
	if (!onvalgrind)
		return 0;
	return (uint32_t)VALGRIND_STACK_REGISTER(lo, hi);
}

void vgstackderegister(uint32_t id)
{
	if (onvalgrind && id)
		VALGRIND_STACK_DEREGISTER(id);
}

/* Memory the program may write before memcheck sees sp move over it: the
   red zone below the sp sigurg gives a preempted goroutine. */
void vgmemundefined(uintptr_t lo, size_t len)
{
	if (onvalgrind)
		VALGRIND_MAKE_MEM_UNDEFINED(lo, len);
}
