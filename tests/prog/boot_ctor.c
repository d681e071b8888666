/* Constructors run before main, on goroutine 1, and may start goroutines;
   atexit handlers and destructors run at exit; stdio is flushed. */
#include <gort.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

static int ctor_order[3], nctor;
static _Atomic int from_ctor_goroutine;
static int64_t ctor_goid;

static void in_goroutine(void *arg)
{
	(void)arg;
	atomic_store(&from_ctor_goroutine, 1);
}

__attribute__((constructor(101))) static void first(void)
{
	ctor_order[nctor++] = 1;
	ctor_goid = gort_goid();
	go(in_goroutine, 0);
}

__attribute__((constructor(102))) static void second(void)
{
	ctor_order[nctor++] = 2;
}

static void bye(void)
{
	printf("atexit ran");   /* no newline: exit must flush it */
}

__attribute__((destructor)) static void dtor(void)
{
	printf(" destructor ran\n");
}

int main(void)
{
	atexit(bye);
	printf("ctors=%d order=%d,%d ctor goid=%ld main goid=%ld\n", nctor, ctor_order[0], ctor_order[1],
	       (long)ctor_goid, (long)gort_goid());
	while (!atomic_load(&from_ctor_goroutine))
		gort_yield();
	printf("goroutine started by a constructor ran\n");
	return 7;
}
