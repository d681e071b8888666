/* pingpong: a value goes back and forth between two goroutines over two
   unbuffered channels, 1,000,000 round trips. Twin of bench/go/pingpong.go.
   Uses only <gort.h>, so that it builds in both modes (gortcc and
   gortcc -nolibc). */
#include <gort.h>

static gort_chan *ping, *pong;

static void ponger(void *arg)
{
	long v;
	(void)arg;
	while (gort_chan_recv(ping, &v)) {
		v++;
		gort_chan_send(pong, &v);
	}
}

/* The count in argv[1]: decimal digits, as atoi reads them. */
static int number(const char *s)
{
	int n = 0;
	while (*s >= '0' && *s <= '9')
		n = n * 10 + (*s++ - '0');
	return n;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? number(argv[1]) : 1000000;
	ping = gort_chan_make(sizeof(long), 0);
	pong = gort_chan_make(sizeof(long), 0);
	if (!ping || !pong) {
		gort_write(2, "pingpong: gort_chan_make failed\n", 32);
		return 1;
	}
	go(ponger, NULL);
	int64_t start = gort_nanotime();
	long v = 0;
	for (int i = 0; i < n; i++) {
		gort_chan_send(ping, &v);
		gort_chan_recv(pong, &v);
	}
	int64_t el = gort_nanotime() - start;
	gort_chan_close(ping);
	gort_printf("pingpong: gomaxprocs=%d check=%ld time_ns=%lld\n",
	            gort_gomaxprocs(0), v, (long long)el);
	return 0;
}
