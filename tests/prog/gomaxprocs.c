/* GOMAXPROCS from the environment, and gort_gomaxprocs changing it while
   goroutines run (Go's procresize under stop-the-world). */
#include <gort.h>
#include <stdatomic.h>
#include <stdio.h>

static _Atomic int stop;
static _Atomic long work;

static void busy(void *arg)
{
	(void)arg;
	while (!atomic_load(&stop)) {
		atomic_fetch_add(&work, 1);
		gort_yield();
	}
}

int main(void)
{
	printf("gomaxprocs=%d numcpu=%d\n", gort_gomaxprocs(0), gort_numcpu());
	for (int i = 0; i < 8; i++)
		go(busy, 0);
	int sizes[] = { 3, 1, 4, 2, 1 };
	for (int i = 0; i < 5; i++) {
		int prev = gort_gomaxprocs(sizes[i]);
		long before = atomic_load(&work);
		while (atomic_load(&work) < before + 1000)
			gort_yield();
		printf("set %d (was %d) now %d\n", sizes[i], prev, gort_gomaxprocs(0));
	}
	printf("ignored: %d %d\n", gort_gomaxprocs(0), gort_gomaxprocs(-5));
	atomic_store(&stop, 1);
	while (gort_numgoroutine() > 1)
		gort_yield();
	printf("done\n");
	return 0;
}
