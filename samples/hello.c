/* hello: greetings from main and from a few goroutines.
 *
 * The goroutines all start at once, then take turns: goroutine i waits on
 * turn[i] and, once it has printed, releases turn[i + 1]. A wait group with
 * a count of one is a one-shot signal, so the output is the same on every
 * run, whatever GOMAXPROCS is. */
#include <gort.h>
#include <stdio.h>

enum { N = 4 };

static gort_waitgroup turn[N + 1];
static gort_waitgroup all = GORT_WAITGROUP_INIT;

static void greet(void *arg)
{
	long i = (long)arg;
	gort_wg_wait(&turn[i]);
	printf("hello from goroutine %ld of %d\n", i + 1, N);
	gort_wg_done(&turn[i + 1]);
	gort_wg_done(&all);
}

int main(void)
{
	for (int i = 0; i <= N; i++)
		gort_wg_add(&turn[i], 1);
	gort_wg_add(&all, N);
	for (long i = 0; i < N; i++) {
		if (go(greet, (void *)i) < 0) {
			perror("go");
			return 1;
		}
	}
	printf("hello from main\n");
	gort_wg_done(&turn[0]);
	gort_wg_wait(&all);
	printf("%d goroutines said hello\n", N);
	return 0;
}
