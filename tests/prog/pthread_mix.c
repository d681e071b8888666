/* Threads the program makes itself stay plain musl threads beside goroutines. */
#include <errno.h>
#include <gort.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static _Atomic int goroutines_done;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static long shared;

static void *thread_main(void *arg)
{
	long id = (long)arg;
	for (int i = 0; i < 1000; i++) {
		char *p = malloc(64);
		snprintf(p, 64, "t%ld-%d", id, i);
		free(p);
		pthread_mutex_lock(&mu);
		shared++;
		pthread_mutex_unlock(&mu);
	}
	errno = 0;
	if (write(-1, "", 0) != -1 || errno != EBADF)
		return (void *)1;
	/* No goroutine here: the runtime's calls answer as off a goroutine. */
	return (void *)(long)(gort_goid() != 0);
}

static void goroutine(void *arg)
{
	(void)arg;
	for (int i = 0; i < 1000; i++) {
		char *p = malloc(128);
		memset(p, 1, 128);
		free(p);
		if (i % 100 == 0)
			gort_yield();
	}
	atomic_fetch_add(&goroutines_done, 1);
}

int main(void)
{
	pthread_t t[4];
	for (long i = 0; i < 4; i++)
		pthread_create(&t[i], 0, thread_main, (void *)i);
	for (int i = 0; i < 50; i++)
		go(goroutine, 0);
	long bad = 0;
	for (int i = 0; i < 4; i++) {
		void *r;
		pthread_join(t[i], &r);
		bad += (long)r;
	}
	while (atomic_load(&goroutines_done) < 50)
		gort_yield();
	printf("shared=%ld bad=%ld goroutines=%d\n", shared, bad, atomic_load(&goroutines_done));
	return 0;
}
