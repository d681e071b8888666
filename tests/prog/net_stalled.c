/*
 * net_stalled.c: goroutines queued on a P whose M does not come back to
 * the scheduler are taken by an M kept busy by network work (proc.c's
 * stealstalled). An M out of work polls the network before it steals, and
 * in a busy server the poll nearly always finds something, so without the
 * check they wait for as long as the other M is away (descheduled by the
 * kernel, in a server).
 *
 * Run with GODEBUG=asyncpreemptoff=1: a goroutine spinning in a loop that
 * calls nothing then holds its P for good, as a descheduled M does for a
 * while. It starts two goroutines first: the newer one waits in runnext,
 * the other on the queue, and only that one ends the spin. Meanwhile
 * pairs of goroutines play ping-pong over socket pairs, each writing
 * before it reads, with enough pairs that the other M's polls nearly
 * always find some ready. The program counts the rounds played while the
 * queued goroutine waited: a few batches' worth when it is taken at the
 * other M's second look; without the check, thousands (until a poll
 * happens to find nothing), or it waits for good. With one P the spin
 * would never end: only the message is printed.
 */
#include <gort.h>
#include <stdatomic.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

enum { PAIRS = 8, MAXWAIT = 1000 };

static int sv[PAIRS][2];
static atomic_int rounds, stop, released;
static int start, waited;
static gort_chan *done;

/* arg: the descriptor, plus 1024 for the player that serves first. */
static void player(void *arg)
{
	int fd = (int)(intptr_t)arg & 1023;
	char c = 'x';
	/* It fails only when main has shut the pair down before this
	   goroutine first ran; the read below then ends at once. */
	if ((intptr_t)arg & 1024)
		(void)send(fd, &c, 1, MSG_NOSIGNAL);
	while (read(fd, &c, 1) == 1) {
		atomic_fetch_add(&rounds, 1);
		if (atomic_load(&stop) || send(fd, &c, 1, MSG_NOSIGNAL) != 1)
			break;
	}
	gort_chan_send(done, 0);
}

static void release(void *arg)
{
	(void)arg;
	waited = atomic_load(&rounds) - start;
	atomic_store(&released, 1);
}

static void nothing(void *arg)
{
	(void)arg;
}

static void spinner(void *arg)
{
	(void)arg;
	start = atomic_load(&rounds);
	go(release, 0);   /* pushed out of runnext onto the queue by the next */
	go(nothing, 0);
	while (!atomic_load(&released))
		;
	gort_chan_send(done, 0);
}

int main(void)
{
	if (gort_gomaxprocs(0) >= 2) {
		done = gort_chan_make(0, 2 * PAIRS + 1);
		for (int i = 0; i < PAIRS; i++) {
			if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv[i]) < 0) {
				perror("socketpair");
				return 1;
			}
			go(player, (void *)(intptr_t)(sv[i][0] | 1024));
			go(player, (void *)(intptr_t)sv[i][1]);
		}
		while (atomic_load(&rounds) < 1000)
			gort_yield();
		go(spinner, 0);
		gort_chan_recv(done, 0);   /* the spinner, released */
		atomic_store(&stop, 1);
		for (int i = 0; i < PAIRS; i++) {
			shutdown(sv[i][0], SHUT_RDWR);
			gort_chan_recv(done, 0);
			gort_chan_recv(done, 0);
		}
		if (waited >= MAXWAIT) {
			printf("the queued goroutine waited %d rounds of ping-pong\n", waited);
			return 1;
		}
	}
	printf("a goroutine queued behind a spinning one ran\n");
	return 0;
}
