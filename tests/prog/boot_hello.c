/* boot_hello: the trivial program whose start-up system calls
   progs_crt.c counts (bench/c/hello.c is the same program, measured). */
#include <stdio.h>

int main(void)
{
	printf("hello, world\n");
	return 0;
}
