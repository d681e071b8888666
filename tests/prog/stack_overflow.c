/* Unbounded recursion in a goroutine dies with Go's message. */
#include <gort.h>
#include <stdio.h>

static volatile int forever = 1;

static int recurse(int n)
{
	volatile char pad[512];
	pad[0] = (char)n;
	return forever ? recurse(n + 1) + pad[0] : 0;
}

static void deep(void *arg)
{
	(void)arg;
	printf("result %d\n", recurse(0));
}

int main(void)
{
	printf("before\n");
	go(deep, 0);
	for (;;)
		gort_yield();
}
