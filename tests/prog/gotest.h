/* What the ports of Go's test programs share: Go's t.Fatalf (print and exit
   1), make/go that cannot fail silently, int channels, and a main that runs
   the scenarios named on the command line (all when none is). */
#ifndef GOTEST_H
#define GOTEST_H

#include <gort.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

static inline int recvint(gort_chan *c)
{
	int v;
	gort_chan_recv(c, &v);
	return v;
}

static inline void sendint(gort_chan *c, int v)
{
	gort_chan_send(c, &v);
}

struct gotest {
	const char *name;
	void (*fn)(void);
};

/* Run the tests named in argv (all, in order, when none is); an unknown
   name is an error rather than a test that silently never ran. */
static inline int gotest_main(int argc, char **argv, const struct gotest *tests, int n)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (int k = 1; k < argc; k++) {
		int i = 0;
		while (i < n && strcmp(argv[k], tests[i].name) != 0)
			i++;
		if (i == n) {
			printf("unknown test %s\n", argv[k]);
			return 1;
		}
	}
	for (int i = 0; i < n; i++) {
		bool run = argc < 2;
		for (int k = 1; k < argc; k++)
			run |= strcmp(argv[k], tests[i].name) == 0;
		if (run)
			tests[i].fn();
	}
	return 0;
}

#endif
