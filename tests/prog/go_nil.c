/* Go's testprog GoNil: starting a goroutine with no function is a fatal
   error ("go of nil func value"), not a goroutine that crashes later or a
   select that then deadlocks. */
#include <gort.h>
#include <stdio.h>

int main(void)
{
	void (*f)(void *) = NULL;
	printf("starting\n");
	fflush(stdout);
	go(f, NULL);
	printf("go returned\n");
	gort_select(NULL, 0, -1);
	return 0;
}
