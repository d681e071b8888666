/* sieve: Go's concurrent prime sieve. A generator goroutine sends 2, 3,
 * 4, ... down a channel; each prime found starts a filter goroutine that
 * passes on only the numbers its prime does not divide, so the numbers
 * reaching main are the primes, in order.
 *
 * usage: sieve [N]   prints the first N primes (default 100), one a line. */
#include <gort.h>
#include <stdio.h>
#include <stdlib.h>

struct filter {
	gort_chan *in, *out;
	long prime;
};

static void generate(void *arg)
{
	gort_chan *ch = arg;
	for (long i = 2;; i++)
		gort_chan_send(ch, &i);
}

static void filter(void *arg)
{
	struct filter *f = arg;
	long i;
	for (;;) {
		gort_chan_recv(f->in, &i);
		if (i % f->prime != 0)
			gort_chan_send(f->out, &i);
	}
}

static gort_chan *mkchan(void)
{
	gort_chan *c = gort_chan_make(sizeof(long), 0);
	if (!c) {
		perror("gort_chan_make");
		exit(1);
	}
	return c;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 100;
	gort_chan *ch = mkchan();
	go(generate, ch);
	for (int i = 0; i < n; i++) {
		long prime;
		gort_chan_recv(ch, &prime);
		printf("%ld\n", prime);
		/* The filters run until main returns: their arguments stay. */
		struct filter *f = malloc(sizeof *f);
		if (!f) {
			perror("malloc");
			return 1;
		}
		*f = (struct filter){ch, mkchan(), prime};
		go(filter, f);
		ch = f->out;
	}
	return 0;
}
