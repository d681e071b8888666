/* vmsize.h: the process's address space in use, for the tests that leave
   it almost no room (RLIMIT_AS) to make the runtime's own needs fail. */
#ifndef GORT_TEST_VMSIZE_H
#define GORT_TEST_VMSIZE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* VmSize from /proc/self/status, in bytes; -1 if it cannot be read. */
static long vmsize(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long kb = -1;
	if (!f)
		return -1;
	while (fgets(line, sizeof line, f))
		if (!strncmp(line, "VmSize:", 7))
			kb = atol(line + 7);
	fclose(f);
	return kb < 0 ? -1 : kb * 1024;
}

#endif
