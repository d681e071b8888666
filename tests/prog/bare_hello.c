/* The smallest program: one gort_printf. Its size and its system calls
   are what tests/progs_bare.c checks of bare mode. */
#include <gort.h>

int main(void)
{
	gort_printf("hello, world\n");
	return 0;
}
