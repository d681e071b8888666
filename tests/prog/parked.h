/* parked.h: wait for a state rather than sleeping and hoping: goroutines
   parked (the runtime's test hook), or a thread blocked in a system call
   (/proc/self/task/TID/syscall). Both give up after 30 s, a bound no
   loaded machine reaches, so a waiter that never blocks fails the test
   instead of passing it without exercising its wake-up. */
#ifndef GORT_TEST_PARKED_H
#define GORT_TEST_PARKED_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Goroutines of the program in Gwaiting (runtime/proc.c; not in gort.h). */
int gort_nwaiting(void);

/* Wait until at least n goroutines are parked; the number parked then,
   or fewer than n after 30 s. */
static inline int waitparked(int n)
{
	int k = 0;
	for (int i = 0; i < 30000 && (k = gort_nwaiting()) < n; i++)
		usleep(1000);
	return k;
}

/* The system call thread tid is blocked in, or -1 when it is running. */
static inline long insyscall(long tid)
{
	char path[64], buf[64];
	snprintf(path, sizeof path, "/proc/self/task/%ld/syscall", tid);
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	long nr = -1;
	if (!fgets(buf, sizeof buf, f) || sscanf(buf, "%ld", &nr) != 1)
		nr = -1;
	fclose(f);
	return nr;
}

/* Wait until thread tid is blocked in system call nr, or in nr2 (the
   same wait by another call: read, or the poll it waits in instead);
   1 once it is, 0 after 30 s. */
static inline int waitinsyscall(long tid, long nr, long nr2)
{
	for (int i = 0; i < 30000; i++) {
		long k = insyscall(tid);
		if (k == nr || k == nr2)
			return 1;
		usleep(1000);
	}
	return 0;
}

/* Wait until at least n threads of the process are blocked in system call
   nr; the number blocked then, or fewer than n after 30 s. */
static inline int waitthreadsin(int n, long nr)
{
	int k = 0;
	for (int i = 0; i < 30000; i++) {
		DIR *d = opendir("/proc/self/task");
		struct dirent *e;
		k = 0;
		while (d && (e = readdir(d)))
			if (e->d_name[0] != '.' && insyscall(atol(e->d_name)) == nr)
				k++;
		if (d)
			closedir(d);
		if (k >= n)
			break;
		usleep(1000);
	}
	return k;
}

#endif
