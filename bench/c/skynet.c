/* skynet: a tree of goroutines with 10-way fan-out, 1,000,000 leaves; each
   leaf sends its number up, each inner node sums its children's results.
   Twin of bench/go/skynet.go (https://github.com/atemerev/skynet). */
#include <gort.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

struct node {
	gort_chan *c;   /* where to send this subtree's sum */
	int64_t num;    /* first leaf number of the subtree */
	int64_t size;   /* leaves in the subtree */
};

enum { DIV = 10 };

static void skynet(void *arg)
{
	/* arg is in the parent's frame, which lives until this node sent its
	   sum: the parent waits for all of its children first. */
	struct node n = *(struct node *)arg;
	if (n.size == 1) {
		gort_chan_send(n.c, &n.num);
		return;
	}
	struct node kids[DIV];
	gort_chan *rc = gort_chan_make(sizeof(int64_t), 0);
	if (!rc) {
		perror("gort_chan_make");
		exit(1);
	}
	for (int i = 0; i < DIV; i++) {
		kids[i] = (struct node){rc, n.num + i * (n.size / DIV), n.size / DIV};
		if (go(skynet, &kids[i]) < 0) {
			perror("go");
			exit(1);
		}
	}
	int64_t sum = 0, v;
	for (int i = 0; i < DIV; i++) {
		gort_chan_recv(rc, &v);
		sum += v;
	}
	gort_chan_free(rc);
	gort_chan_send(n.c, &sum);
}

int main(void)
{
	int64_t start = gort_nanotime();
	gort_chan *c = gort_chan_make(sizeof(int64_t), 0);
	if (!c) {
		perror("gort_chan_make");
		return 1;
	}
	struct node root = {c, 0, 1000000};
	go(skynet, &root);
	int64_t sum;
	gort_chan_recv(c, &sum);
	int64_t el = gort_nanotime() - start;
	printf("skynet: check=%" PRId64 " time_ns=%" PRId64 "\n", sum, el);
	return 0;
}
