/* gort_stacksize (and GORTSTACK) set the stack of later goroutines. */
#include <gort.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

static _Atomic int done;

static long down(int n)
{
	volatile char pad[1024];
	pad[0] = 1;
	return n == 0 ? 0 : down(n - 1) + pad[0];
}

static void deep(void *arg)
{
	printf("depth %ld\n", down((int)(long)arg));
	atomic_fetch_add(&done, 1);
}

int main(int argc, char **argv)
{
	printf("initial %zu\n", gort_stacksize(0));
	if (argc > 1) {
		size_t old = gort_stacksize(strtoul(argv[1], 0, 0));
		printf("previous %zu now %zu\n", old, gort_stacksize(0));
	}
	go(deep, (void *)(long)(argc > 2 ? atoi(argv[2]) : 200));
	while (!atomic_load(&done))
		gort_yield();
	return 0;
}
