/* urg_own: a SIGURG handler the program installs before its first go()
   stays the program's: the runtime's preemption handler, which comes
   with the first go(), does not replace it (signal.c, sigfirstgo). Main
   spins until the handler has run; under GOMAXPROCS=1 sysmon signals it,
   since the goroutine started below waits for the P. Had the runtime
   taken SIGURG, main would be preempted instead and spin for ever. */
#include <gort.h>
#include <signal.h>
#include <stdio.h>

static volatile sig_atomic_t urgs;

static void onurg(int sig)
{
	(void)sig;
	urgs++;
}

static void waiter(void *arg)
{
	(void)arg;
}

int main(void)
{
	struct sigaction sa = { .sa_handler = onurg, .sa_flags = SA_RESTART };
	sigaction(SIGURG, &sa, 0);
	go(waiter, 0);
	while (!urgs)
		;
	printf("own SIGURG handler ran\n");
	return 0;
}
