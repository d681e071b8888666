/* pthread: plain POSIX threads beside goroutines.
 *
 * Threads the program makes with pthread_create are ordinary musl threads,
 * not goroutines: they block in the kernel, use pthread mutexes and are
 * joined as in any C program. Here four threads and four goroutines compute
 * the same sum of squares, each over a quarter of 1..N: the threads store
 * their parts under a pthread mutex, the goroutines send theirs on a
 * channel. Main receives from the goroutines first and joins the threads
 * afterwards; the threads wait on nothing gort runs, so the order cannot
 * deadlock even with GOMAXPROCS=1. */
#include <gort.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

enum { WORKERS = 4 };
#define N 1000000LL

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static long long thread_total; /* guarded by mu */
static int threads_done;       /* guarded by mu */

static gort_chan *parts;

/* Sum of k*k for k in the part-th quarter of 1..N. */
static long long squares(long part)
{
	long long lo = part * N / WORKERS + 1, hi = (part + 1) * N / WORKERS, s = 0;
	for (long long k = lo; k <= hi; k++)
		s += k * k;
	return s;
}

static void *thread_main(void *arg)
{
	long long s = squares((long)arg);
	pthread_mutex_lock(&mu);
	thread_total += s;
	threads_done++;
	pthread_mutex_unlock(&mu);
	return NULL;
}

static void goroutine(void *arg)
{
	long long s = squares((long)arg);
	gort_chan_send(parts, &s);
}

int main(void)
{
	pthread_t t[WORKERS];
	parts = gort_chan_make(sizeof(long long), WORKERS);
	if (!parts) {
		perror("gort_chan_make");
		return 1;
	}
	for (long i = 0; i < WORKERS; i++) {
		int err = pthread_create(&t[i], NULL, thread_main, (void *)i);
		if (err) {
			fprintf(stderr, "pthread_create: %s\n", strerror(err));
			return 1;
		}
		go(goroutine, (void *)i);
	}

	long long gor_total = 0, s;
	for (int i = 0; i < WORKERS; i++) {
		gort_chan_recv(parts, &s);
		gor_total += s;
	}
	gort_chan_free(parts);
	for (int i = 0; i < WORKERS; i++)
		pthread_join(t[i], NULL);

	printf("threads:    %d, sum of squares 1..%lld = %lld\n", threads_done, N, thread_total);
	printf("goroutines: %d, sum of squares 1..%lld = %lld\n", (int)WORKERS, N, gor_total);
	/* The closed form, n(n+1)(2n+1)/6, checks both. */
	long long want = N * (N + 1) * (2 * N + 1) / 6;
	bool ok = thread_total == want && gor_total == want;
	printf("%s\n", ok ? "both right" : "WRONG");
	return ok ? 0 : 1;
}
