/* What the ports of Go's test programs share: Go's t.Fatalf (print and exit
   1), and make/go that cannot fail silently. */
#ifndef GOTEST_H
#define GOTEST_H

#include <gort.h>
#include <stdio.h>
#include <stdlib.h>

#define fail(...)                          \
	do {                               \
		printf("FAIL: " __VA_ARGS__); \
		printf("\n");              \
		exit(1);                   \
	} while (0)

static inline gort_chan *mkchan(size_t size, size_t cap)
{
	gort_chan *c = gort_chan_make(size, cap);
	if (!c)
		fail("gort_chan_make: out of memory");
	return c;
}

static inline void start(void (*fn)(void *), void *arg)
{
	if (go(fn, arg) < 0)
		fail("go: cannot start a goroutine");
}

#endif
