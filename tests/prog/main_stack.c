/* main's goroutine has a C main thread's stack: 4 MiB of recursion fits. */
#include <stdio.h>

static long down(int n)
{
	volatile char pad[1024];
	pad[0] = 1;
	return n == 0 ? 0 : down(n - 1) + pad[0];
}

int main(void)
{
	printf("depth %ld\n", down(4000));
	return 0;
}
