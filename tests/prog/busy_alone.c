/*
 * busy_alone.c: a goroutine that runs alone is not interrupted (sysmon's
 * wantspreempt): once a first goroutine has started sysmon and ended,
 * main spins for 300 ms while nothing else wants its P. With an argument,
 * another goroutine waits for the P meanwhile, and main is preempted.
 * Run under strace, which counts the SIGURGs.
 */
#include <gort.h>
#include <stdio.h>

static _Atomic int ran;

static void once(void *arg)
{
	(void)arg;
	ran = 1;
}

static void spin(int64_t ns)
{
	int64_t end = gort_nanotime() + ns;
	volatile unsigned long n = 0;
	while (gort_nanotime() < end)
		n++;
}

int main(int argc, char **argv)
{
	(void)argv;
	go(once, 0);
	while (!ran)
		gort_yield();
	if (argc > 1)
		go(once, 0);   /* waits for main's P (GOMAXPROCS=1) */
	spin(300 * 1000000LL);
	printf("spun\n");
	return 0;
}
