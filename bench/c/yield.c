/* yield: two goroutines each call gort_yield 1,000,000 times. Run with
   GOMAXPROCS=1, every yield is a switch to the other goroutine. Twin of
   bench/go/yield.go. Uses only <gort.h> and freestanding headers, so that
   it builds in both modes (gortcc and gortcc -nolibc). */
#include <gort.h>
#include <stdatomic.h>

static gort_waitgroup wg = GORT_WAITGROUP_INIT;
static _Atomic int64_t yields;
static int n = 1000000;

static void yielder(void *arg)
{
	(void)arg;
	for (int i = 0; i < n; i++)
		gort_yield();
	atomic_fetch_add(&yields, n);
	gort_wg_done(&wg);
}

/* The count in argv[1]: decimal digits, as atoi reads them. */
static int number(const char *s)
{
	int v = 0;
	while (*s >= '0' && *s <= '9')
		v = v * 10 + (*s++ - '0');
	return v;
}

int main(int argc, char **argv)
{
	if (argc > 1)
		n = number(argv[1]);
	int64_t start = gort_nanotime();
	gort_wg_add(&wg, 2);
	for (int g = 0; g < 2; g++)
		go(yielder, NULL);
	gort_wg_wait(&wg);
	int64_t el = gort_nanotime() - start;
	gort_printf("yield: gomaxprocs=%d check=%lld time_ns=%lld\n",
	            gort_gomaxprocs(0), (long long)atomic_load(&yields), (long long)el);
	return 0;
}
