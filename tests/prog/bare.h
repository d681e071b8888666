/* What the programs that run in both modes (tests/progs_bare.c) share.
   They use <gort.h> and the compiler's freestanding headers only, so that
   the same source builds with gortcc and with gortcc -nolibc: no exit(),
   no strcmp(), no malloc(). */
#ifndef BARE_H
#define BARE_H

#include <gort.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A failed check prints FAIL and its line, then ends the process with a
   fatal error (status 2): with <gort.h> alone that is the way out of a
   goroutine other than main. */
#define check(cond)                                                        \
	do {                                                               \
		if (!(cond)) {                                             \
			gort_printf("FAIL line %d: %s\n", __LINE__, #cond); \
			gort_chan_close(NULL);                             \
		}                                                          \
	} while (0)

static inline bool streq(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

/* The scenario named by argv[1], or all of them when there is none. */
static inline bool mode(int argc, char **argv, const char *name)
{
	return argc < 2 || streq(argv[1], name);
}

static inline gort_chan *mkchan(size_t size, size_t cap)
{
	gort_chan *c = gort_chan_make(size, cap);
	check(c != NULL);
	return c;
}

static inline void start(void (*fn)(void *), void *arg)
{
	check(go(fn, arg) > 0);
}

#endif
