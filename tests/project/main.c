#include <gort.h>
#include <math.h>
#include <stdatomic.h>
#include <stdio.h>

#include "sq.h"

static _Atomic long total;

static void work(void *arg)
{
	atomic_fetch_add(&total, sq((long)arg));
}

int main(void)
{
	for (long i = 1; i <= 10; i++)
		go(work, (void *)i);
	while (gort_numgoroutine() > 1)
		gort_yield();
	printf("%s: %ld %.0f\n", GREETING, atomic_load(&total), sqrt(1444.0));
	return 0;
}
