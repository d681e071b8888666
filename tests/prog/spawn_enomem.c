/* When no stack can be had, go() fails with ENOMEM; nothing crashes and the
   goroutines that exist carry on. */
#include <errno.h>
#include <gort.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

static _Atomic int stop, running;

static void wait_for_stop(void *arg)
{
	(void)arg;
	atomic_fetch_add(&running, 1);
	while (!atomic_load(&stop))
		gort_yield();
	atomic_fetch_sub(&running, 1);
}

int main(void)
{
	/* Leave room for what exists, not for many more stacks. */
	struct rlimit rl = { 256 << 20, 256 << 20 };
	if (setrlimit(RLIMIT_AS, &rl) != 0) {
		perror("setrlimit");
		return 1;
	}
	int n = 0, err = 0;
	for (; n < 1000000; n++) {
		if (go(wait_for_stop, 0) < 0) {
			err = errno;
			break;
		}
	}
	printf("go failed: %s, after more than 100: %d\n", strerror(err), n > 100);
	atomic_store(&stop, 1);
	while (gort_numgoroutine() > 1)
		gort_yield();
	printf("all %d ended\n", n);
	return 0;
}
