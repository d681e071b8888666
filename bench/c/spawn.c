/* spawn: start 1,000,000 goroutines that do nothing but signal a wait
   group, and wait for all of them. Measures goroutine creation, first
   schedule and exit. Twin of bench/go/spawn.go. Uses only <gort.h>, so
   that it builds in both modes (gortcc and gortcc -nolibc). */
#include <gort.h>

static gort_waitgroup wg = GORT_WAITGROUP_INIT;

static void work(void *arg)
{
	(void)arg;
	gort_wg_done(&wg);
}

/* The count in argv[1]: decimal digits, as atoi reads them. */
static int number(const char *s)
{
	int n = 0;
	while (*s >= '0' && *s <= '9')
		n = n * 10 + (*s++ - '0');
	return n;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? number(argv[1]) : 1000000;
	int64_t start = gort_nanotime();
	gort_wg_add(&wg, n);
	for (int i = 0; i < n; i++) {
		if (go(work, NULL) < 0) {
			gort_write(2, "spawn: go failed\n", 17);
			return 1;
		}
	}
	gort_wg_wait(&wg);
	int64_t el = gort_nanotime() - start;
	gort_printf("spawn: goroutines=%d check=%d time_ns=%lld\n", n, n, (long long)el);
	return 0;
}
