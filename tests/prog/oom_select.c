/* A select too large for the memory left dies with "fatal error: out of
   memory" and a traceback that names its frames, rather than crashing or
   returning something it did not do. */
#include <gort.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "vmsize.h"

enum { NCASES = 1 << 20 };

int main(void)
{
	gort_chan *c = gort_chan_make(sizeof(int), 1);
	gort_case *cases = calloc(NCASES, sizeof *cases);
	if (!c || !cases) {
		perror("oom_select");
		return 1;
	}
	for (int i = 0; i < NCASES; i++)
		cases[i] = (gort_case){ .chan = c, .dir = GORT_RECV };
	long vm = vmsize();
	struct rlimit r = { (rlim_t)vm + (64 << 10), (rlim_t)vm + (64 << 10) };
	if (vm < 0 || setrlimit(RLIMIT_AS, &r) != 0) {
		perror("setrlimit");
		return 1;
	}
	puts("limited");
	int i = gort_select(cases, NCASES, 0);
	printf("not reached: %d\n", i);
	return 0;
}
