/* Runs long enough for GODEBUG=schedtrace to print a few lines. */
#include <gort.h>
#include <stdio.h>

int main(void)
{
	int64_t end = gort_nanotime() + 300000000;
	long n = 0;
	while (gort_nanotime() < end) {
		n++;
		gort_yield();
	}
	printf("ok %d\n", n > 0);
	return 0;
}
