/* hello: the trivial program whose exec-to-exit time and size are measured,
   built with gortcc and, for comparison, with musl-gcc -static. */
#include <stdio.h>

int main(void)
{
	printf("hello, world\n");
	return 0;
}
