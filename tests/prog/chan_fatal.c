/* Fatal errors of channels and select, one per run, chosen by argv[1]
   (like Go's testprog): each must print Go's message and a traceback on
   stderr and exit with status 2. stdout shows how far the program got. */
#include <gort.h>
#include <stdio.h>
#include <string.h>

static gort_chan *c;

static void blocked_sender(void *arg)
{
	long v = 1;
	if (arg) {
		gort_case cs[2] = { { .chan = NULL, .dir = GORT_RECV }, { .chan = c, .dir = GORT_SEND, .elem = &v } };
		gort_select(cs, 2, -1);
	} else {
		gort_chan_send(c, &v);
	}
	printf("not reached\n");
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	long v = 1;
	c = gort_chan_make(sizeof(long), 0);
	printf("mode %s\n", mode);
	fflush(stdout);
	if (!strcmp(mode, "send_closed")) {
		gort_chan_close(c);
		gort_chan_send(c, &v);
	} else if (!strcmp(mode, "send_closed_buffered")) {
		gort_chan *b = gort_chan_make(sizeof(long), 4);
		gort_chan_send(b, &v);
		gort_chan_close(b);
		gort_chan_send(b, &v);
	} else if (!strcmp(mode, "send_blocked") || !strcmp(mode, "select_send_blocked")) {
		/* Closed while the sender waits (or, on a slow machine, before
		   it got there: the same panic). */
		for (int i = 0; i < 3; i++)
			go(blocked_sender, (void *)(long)(mode[0] == 's' && mode[1] == 'e' && mode[2] == 'l'));
		gort_sleep(20 * 1000000);
		printf("closing\n");
		fflush(stdout);
		gort_chan_close(c);
		gort_sleep(2000LL * 1000000);
	} else if (!strcmp(mode, "select_send_closed")) {
		gort_chan_close(c);
		gort_chan *other = gort_chan_make(sizeof(long), 0);
		gort_case cs[2] = { { .chan = other, .dir = GORT_RECV, .elem = &v }, { .chan = c, .dir = GORT_SEND, .elem = &v } };
		gort_select(cs, 2, 0);
	} else if (!strcmp(mode, "close_closed")) {
		gort_chan_close(c);
		gort_chan_close(c);
	} else if (!strcmp(mode, "close_nil")) {
		gort_chan_close(NULL);
	} else if (!strcmp(mode, "deadlock_recv")) {
		gort_chan_recv(c, &v);
	} else if (!strcmp(mode, "deadlock_send_nil")) {
		gort_chan_send(NULL, &v);
	} else if (!strcmp(mode, "deadlock_recv_nil")) {
		gort_chan_recv(NULL, &v);
	} else if (!strcmp(mode, "deadlock_select")) {
		gort_case cs[2] = { { .chan = c, .dir = GORT_RECV, .elem = &v }, { .chan = c, .dir = GORT_SEND, .elem = &v } };
		gort_select(cs, 2, -1);
	} else if (!strcmp(mode, "deadlock_select_nil")) {
		gort_case cs[2] = { { .chan = NULL, .dir = GORT_RECV }, { .chan = NULL, .dir = GORT_SEND } };
		gort_select(cs, 2, -1);
	} else if (!strcmp(mode, "deadlock_select_nocases")) {
		gort_select(NULL, 0, -1);
	} else {
		printf("unknown mode\n");
		return 1;
	}
	printf("not reached\n");
	return 0;
}
