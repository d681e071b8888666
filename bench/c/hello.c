/* hello: the trivial program whose exec-to-exit time and size are measured,
   built with gortcc and, for comparison, with musl-gcc -static; and in bare
   mode (gortcc -nolibc, which defines GORT_NOLIBC), where there is no stdio,
   with gort_printf. */
#ifdef GORT_NOLIBC
#include <gort.h>
#define printf gort_printf
#else
#include <stdio.h>
#endif

int main(void)
{
	printf("hello, world\n");
	return 0;
}
