/* When the runtime cannot create a thread it needs, it dies with Go's
   message (runtime: failed to create new OS thread ... fatal error:
   newosproc, or fatal error: out of memory when what the new M needs
   besides its thread is refused first) and every goroutine's traceback,
   names included: the address space is too full even to map the symbol
   table. */
#include <gort.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "vmsize.h"
#include <sys/select.h>

static gort_chan *start;

/* select with a time-out blocks the whole thread (under entersyscall):
   sysmon then hands the P to another M, which must be created. */
static void blocker(void *arg)
{
	(void)arg;
	gort_chan_recv(start, NULL);
	struct timeval tv = { 0, 300000 };
	select(0, NULL, NULL, NULL, &tv);
}

int main(void)
{
	start = gort_chan_make(0, 0);
	for (int i = 0; i < 8; i++)
		if (go(blocker, NULL) < 0) {
			perror("go");
			return 1;
		}
	/* Let every blocker reach its receive before the limit comes down. */
	gort_sleep(10000000);
	long vm = vmsize();
	if (vm < 0) {
		perror("/proc/self/status");
		return 1;
	}
	/* Far less room than one thread's stack. */
	struct rlimit r = { (rlim_t)vm + (64 << 10), (rlim_t)vm + (64 << 10) };
	if (setrlimit(RLIMIT_AS, &r) != 0) {
		perror("setrlimit");
		return 1;
	}
	puts("limited");
	fflush(stdout);
	gort_chan_close(start);
	gort_sleep(2000000000);
	puts("not reached");
	return 0;
}
