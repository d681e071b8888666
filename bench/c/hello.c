/* hello: the trivial program whose exec-to-exit time and size are measured,
   built with gortcc and, for comparison, with musl-gcc -static; and in bare
   mode (gortcc -nolibc, which defines GORT_NOLIBC), where there is no stdio
   and gort_printf writes it. */
#ifdef GORT_NOLIBC
#include <gort.h>
#else
#include <stdio.h>
#endif

int main(void)
{
#ifdef GORT_NOLIBC
	gort_printf("hello, world\n");
#else
	printf("hello, world\n");
#endif
	return 0;
}
