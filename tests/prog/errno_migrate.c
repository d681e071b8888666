/* errno belongs to the goroutine: it survives yields and moves between Ms,
   and a program's own pthread has its own. */
#include <errno.h>
#include <gort.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

enum { N = 200, ROUNDS = 200 };
static _Atomic int bad, done, migrated;

static void worker(void *arg)
{
	int mine = (int)(long)arg;
	/* The thread's id from the kernel: pthread_self() is the
	   goroutine's own, wherever it runs. */
	long self = syscall(SYS_gettid);
	for (int r = 0; r < ROUNDS; r++) {
		errno = mine + r;
		int *cached = &errno;   /* a compiler may keep this address */
		gort_yield();
		if (errno != mine + r || *cached != mine + r)
			atomic_fetch_add(&bad, 1);
		if (self != syscall(SYS_gettid))
			atomic_store(&migrated, 1);
	}
	/* A failing call sets the goroutine's errno. */
	if (close(-1) != -1 || errno != EBADF)
		atomic_fetch_add(&bad, 1);
	atomic_fetch_add(&done, 1);
}

static void *plain_thread(void *arg)
{
	(void)arg;
	errno = 12345;
	usleep(1000);
	return (void *)(long)(errno == 12345);
}

int main(void)
{
	errno = 77;
	pthread_t t;
	pthread_create(&t, 0, plain_thread, 0);
	for (long i = 0; i < N; i++)
		go(worker, (void *)(i * 1000));
	while (atomic_load(&done) < N)
		gort_yield();
	void *ok;
	pthread_join(t, &ok);
	printf("bad=%d main errno kept=%d pthread errno kept=%ld\n", atomic_load(&bad), errno == 77, (long)ok);
	/* With more than one P the goroutines moved between Ms, or the test
	   tested less than its name says. */
	if (gort_gomaxprocs(0) > 1)
		printf("moved between threads: %d\n", atomic_load(&migrated));
	return atomic_load(&bad) != 0;
}
