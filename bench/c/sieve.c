/* sieve: Go's concurrent prime sieve (a goroutine per prime found, chained
   by unbuffered channels), run until the 5,000th prime. Twin of
   bench/go/sieve.go. */
#include <gort.h>
#include <inttypes.h>
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
	int n = argc > 1 ? atoi(argv[1]) : 5000;
	int64_t start = gort_nanotime();
	gort_chan *ch = mkchan();
	go(generate, ch);
	long prime = 0;
	for (int i = 0; i < n; i++) {
		gort_chan_recv(ch, &prime);
		/* Each filter runs for ever, so its arguments are never freed. */
		struct filter *f = malloc(sizeof *f);
		if (!f) {
			perror("malloc");
			return 1;
		}
		*f = (struct filter){ch, mkchan(), prime};
		go(filter, f);
		ch = f->out;
	}
	int64_t el = gort_nanotime() - start;
	printf("sieve: primes=%d check=%ld time_ns=%" PRId64 "\n", n, prime, el);
	return 0;
}
