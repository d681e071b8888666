/* Run under valgrind's memcheck (tests/progs_valgrind.c), one scenario per
   argv[1]:
   work      ping-pong over a channel, sleeps, a select with a timeout,
             goroutines spawned and joined, each allocating through every
             entry point (malloc, calloc, realloc, strdup, aligned_alloc,
             posix_memalign, malloc_usable_size, getline's buffer) and
             freeing it all: memcheck must find nothing;
   overrun   a goroutine writes one byte past a 24-byte block;
   uaf       a goroutine reads a block it freed.
   Both bad ones happen in overrun_in_goroutine / uaf_in_goroutine, which
   memcheck must name in its report. */
#include <gort.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MS 1000000LL

static gort_waitgroup wg = GORT_WAITGROUP_INIT;

static void allocate(int i)
{
	char *s = malloc(16 + i);
	memset(s, 'a', 16 + i);
	s[15 + i] = 0;
	char *d = strdup(s);
	int *z = calloc(8, sizeof *z);
	if (z[7] != 0)
		abort();
	d = realloc(d, 200);
	d[199] = z[3];
	void *a = aligned_alloc(64, 128);
	if ((size_t)a & 63)
		abort();
	memset(a, 1, 128);
	void *pm;
	if (posix_memalign(&pm, 256, 40) || (size_t)pm & 255)
		abort();
	if (malloc_usable_size(s) < (size_t)(16 + i))
		abort();
	free(pm);
	free(a);
	free(z);
	free(d);
	free(s);
}

static void pinger(void *arg)
{
	gort_chan **ch = arg;
	for (int i = 0; i < 20; i++) {
		int v = i;
		gort_chan_send(ch[0], &v);
		gort_chan_recv(ch[1], &v);
		allocate(i);
	}
	gort_chan_close(ch[0]);   /* the ponger's cue to stop */
	gort_wg_done(&wg);
}

static void ponger(void *arg)
{
	gort_chan **ch = arg;
	int v;
	while (gort_chan_recv(ch[0], &v)) {
		v++;
		gort_chan_send(ch[1], &v);
	}
	gort_wg_done(&wg);
}

static void sleeper(void *arg)
{
	long i = (long)arg;
	gort_sleep((i % 3) * MS);
	allocate((int)i);
	gort_wg_done(&wg);
}

static void selector(void *arg)
{
	gort_chan *c = arg;
	int v = 0;
	gort_case cases[2] = { { c, GORT_RECV, &v, false }, { NULL, GORT_RECV, NULL, false } };
	for (int i = 0; i < 5; i++)
		if (gort_select(cases, 2, 1 * MS) == 0)
			allocate(v);
	gort_wg_done(&wg);
}

static int work(void)
{
	gort_chan *ch[2] = { gort_chan_make(sizeof(int), 0), gort_chan_make(sizeof(int), 0) };
	gort_chan *sel = gort_chan_make(sizeof(int), 1);
	gort_wg_add(&wg, 3);
	go(ponger, ch);
	go(pinger, ch);
	go(selector, sel);
	int v = 7;
	gort_chan_send(sel, &v);
	for (long i = 0; i < 30; i++) {
		gort_wg_add(&wg, 1);
		go(sleeper, (void *)i);
	}
	FILE *f = fopen("/proc/self/status", "r");
	char *line = NULL;
	size_t cap = 0;
	while (f && getline(&line, &cap, f) > 0)
		;
	free(line);
	if (f)
		fclose(f);
	gort_wg_wait(&wg);
	gort_chan_free(ch[0]);
	gort_chan_free(ch[1]);
	gort_chan_free(sel);
	printf("work done\n");
	return 0;
}

static volatile char sink;
static volatile int n24 = 24;   /* out of the compiler's sight */

__attribute__((noinline)) static void overrun_in_goroutine(void *arg)
{
	(void)arg;
	char *p = malloc(24);
	((volatile char *)p)[n24] = 1;
	free(p);
	gort_wg_done(&wg);
}

__attribute__((noinline)) static void uaf_in_goroutine(void *arg)
{
	(void)arg;
	char *p = malloc(24);
	char *volatile q = p;
	p[3] = 5;
	free(p);
	sink = q[3];
	gort_wg_done(&wg);
}

int main(int argc, char **argv)
{
	const char *what = argc > 1 ? argv[1] : "work";
	if (!strcmp(what, "work"))
		return work();
	gort_wg_add(&wg, 1);
	if (!strcmp(what, "overrun"))
		go(overrun_in_goroutine, NULL);
	else if (!strcmp(what, "uaf"))
		go(uaf_in_goroutine, NULL);
	else
		return 2;
	gort_wg_wait(&wg);
	printf("%s done\n", what);
	return 0;
}
