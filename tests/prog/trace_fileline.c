/* A deadlock with two goroutines parked in a channel receive, for the
   file:line of tracebacks: built with -g, with -gdwarf-4, without -g and
   stripped (see the Makefile). The test finds the lines by their markers. */
#include <gort.h>
#include <stdio.h>

static gort_chan *c;

/* Not inlined, and not a tail call, so that it keeps a frame of its own. */
__attribute__((noinline)) static long waitfor(gort_chan *ch)
{
	long v = 0;
	gort_chan_recv(ch, &v); /* MARK: waitfor blocks */
	printf("not reached %ld\n", v);
	return v;
}

static void worker(void *arg)
{
	(void)arg;
	long v = waitfor(c); /* MARK: worker calls */
	printf("not reached %ld\n", v);
}

int main(void)
{
	c = gort_chan_make(sizeof(long), 0);
	go(worker, 0); /* MARK: go worker */
	long v = 0;
	gort_chan_recv(c, &v); /* MARK: main blocks */
	printf("not reached %ld\n", v);
	return 0;
}
