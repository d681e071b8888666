/* 100,000 goroutines spawned and joined, each with its own id. Ids come
   from per-P batches, as in Go: unique, but not increasing across Ps. */
#include <gort.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

static _Atomic long sum;
static _Atomic int done;

static void work(void *arg)
{
	atomic_fetch_add(&sum, (long)arg);
	atomic_fetch_add(&done, 1);
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 100000;
	/* Ids are handed out in batches of 16 per P: they stay below this. */
	size_t max = (size_t)n + 16 * 1024 + 2;
	unsigned char *used = calloc(max, 1);
	for (int i = 0; i < n; i++) {
		int64_t id = go(work, (void *)(long)i);
		if (id <= 1 || (size_t)id >= max || used[id]) {
			printf("bad or repeated id %ld\n", (long)id);
			return 1;
		}
		used[id] = 1;
	}
	free(used);
	while (atomic_load(&done) < n)
		gort_yield();
	/* The last goroutines may still be on their way out. */
	while (gort_numgoroutine() > 1)
		gort_yield();
	printf("spawned %d sum=%ld numgoroutine=%d\n", n, atomic_load(&sum), gort_numgoroutine());
	return 0;
}
