/* A program may use the names the runtime uses inside: only go and gort_*
   (and the libc functions gort overrides) are taken. */
#include <gort.h>
#include <stdio.h>

int lock(int x) { return x + 1; }
int unlock(int x) { return x + 2; }
const char *fatal(const char *s) { return s; }
int schedule(void) { return 3; }
int throw(int x) { return x * 2; }
int sysmon(void) { return 4; }
int netpoll(void) { return 5; }
int stackalloc(void) { return 6; }
int mcall(void) { return 7; }
int nanotime(void) { return 8; }
int allp, sched, allgs, gomaxprocs = 9;

static void hi(void *arg)
{
	(void)arg;
	printf("goroutine ran\n");
}

int main(void)
{
	go(hi, 0);
	while (gort_numgoroutine() > 1)
		gort_yield();
	printf("%d %d %s %d %d %d %d %d %d %d %d\n", lock(1), unlock(1), fatal("f"), schedule(), throw(2),
	       sysmon(), netpoll(), stackalloc(), mcall(), nanotime(), gomaxprocs + allp + sched + allgs);
	return 0;
}
