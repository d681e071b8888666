/* main calling gort_goexit once nothing else runs: Go's special deadlock. */
#include <gort.h>
#include <stdio.h>

static void other(void *arg)
{
	(void)arg;
	printf("other ran\n");
	gort_goexit();
	printf("not reached\n");
}

int main(void)
{
	go(other, 0);
	gort_goexit();
}
