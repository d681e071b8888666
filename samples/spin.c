/*
 * spin.c: asynchronous preemption. With one P, a goroutine spins in a
 * loop that never calls anything; main still gets to run every time it
 * wakes from a sleep, and returning from main ends the process although
 * the loop never ends. Without preemption the spinner would keep the
 * only P for ever and this program would hang.
 */
#define _GNU_SOURCE 1
#include <gort.h>
#include <stdio.h>
#include <unistd.h>

static volatile unsigned long x;

static void spin(void *arg)
{
	(void)arg;
	for (;;)
		x++;
}

int main(void)
{
	gort_gomaxprocs(1);
	go(spin, 0);
	for (int i = 1; i <= 5; i++) {
		usleep(100000);
		printf("main: tick %d, the spinner counted to %lu\n", i, x);
	}
	printf("main returns; the spinner is still spinning\n");
	return 0;
}
