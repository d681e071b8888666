/*
 * unit_support.c: what the runtime pieces under unit test (runq.c,
 * lock_futex.c, os_linux.c, stack.c, dwarfline.c) need from the rest of the runtime,
 * for a test binary built with the host compiler and Criterion.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "runtime.h"

__thread g *gort_curg;
int32_t gomaxprocs = 1;
char **envp_;
unsigned long *auxv_;
int32_t debug_nofsgsbase;
int32_t debug_stackfallback;

/* The OS layer's clock (os_musl.c), here the host C library's. */
int64_t nanotime(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

void throw(const char *s)
{
	fprintf(stderr, "fatal error: %s\n", s);
	abort();
}

void fatal(const char *s)
{
	throw(s);
}

void outofmemory(size_t n)
{
	fprintf(stderr, "runtime: out of memory: cannot allocate %zu-byte block\n", n);
	throw("out of memory");
}

void printstr(const char *s)
{
	fputs(s, stderr);
}

const char *gogetenv(const char *name)
{
	return getenv(name);
}

void fmt(char *buf, size_t size, const char *f, ...)
{
	va_list ap;
	va_start(ap, f);
	vsnprintf(buf, size, f, ap);
	va_end(ap);
}
