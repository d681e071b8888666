/*
 * goroutine_exit.c: pthread_exit in a goroutine ends the goroutine, as it
 * ends a thread, and not the M under it (libc-shim/tcb.c). The program
 * uses nothing thread-dependent, so its goroutines share their M's thread
 * control block unless GODEBUG=gotls=1.
 */
#include <gort.h>
#include <pthread.h>
#include <stdio.h>

static gort_waitgroup wg = GORT_WAITGROUP_INIT;
static _Atomic int after;

static void quitter(void *arg)
{
	(void)arg;
	gort_yield();
	gort_wg_done(&wg);
	pthread_exit(0);
	after++;
}

int main(void)
{
	gort_wg_add(&wg, 20);
	for (int i = 0; i < 20; i++)
		go(quitter, 0);
	gort_wg_wait(&wg);
	/* Each ends right after its wg_done: wait for them, boundedly. */
	for (int i = 0; i < 100000 && gort_numgoroutine() > 1; i++)
		gort_yield();
	printf("goroutines left %d, ran on after pthread_exit %d\n", gort_numgoroutine(), after);
	return 0;
}
