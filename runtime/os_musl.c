/*
 * os_musl.c: the default mode's OS layer (runtime.h lists what it gives).
 * Ms are musl's pthreads, so that every thread is one the C library knows
 * (its thread list, its locks' owners, its TLS); the clock is musl's
 * clock_gettime, which goes through the vDSO. Bare mode has os_bare.c
 * instead.
 */
#include <errno.h>
#include <pthread.h>
#include <time.h>

#include "runtime.h"

static void *mstart_pthread(void *arg)
{
	mstart_thread(arg);
}

int newosproc(m *mp)
{
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, M_STACK);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_t t;
	int err = pthread_create(&t, &attr, mstart_pthread, mp);
	pthread_attr_destroy(&attr);
	return err;
}

void exitThread(void)
{
	pthread_exit(0);
}

int64_t nanotime(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}
