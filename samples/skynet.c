/* skynet: 1,000,000 goroutines in a tree with 10-way fan-out
 * (https://github.com/atemerev/skynet). Each leaf sends its own number to
 * its parent; each inner node sums what its ten children send and passes
 * the sum up. The root receives 0 + 1 + ... + 999999 = 499999500000.
 *
 * usage: skynet [LEAVES]   (a power of ten, default 1000000) */
#include <gort.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

enum { DIV = 10 };

struct node {
	gort_chan *up;  /* where this subtree's sum goes */
	int64_t num;    /* first leaf number of the subtree */
	int64_t size;   /* leaves in the subtree */
};

static void skynet(void *arg)
{
	/* arg is in the parent's frame, which lives until this node sent its
	   sum: the parent waits for all of its children first. */
	struct node *n = arg;
	if (n->size == 1) {
		gort_chan_send(n->up, &n->num);
		return;
	}
	struct node kids[DIV];
	gort_chan *c = gort_chan_make(sizeof(int64_t), 0);
	if (!c) {
		perror("gort_chan_make");
		exit(1);
	}
	for (int i = 0; i < DIV; i++) {
		kids[i] = (struct node){c, n->num + i * (n->size / DIV), n->size / DIV};
		if (go(skynet, &kids[i]) < 0) {
			perror("go");
			exit(1);
		}
	}
	int64_t sum = 0, v;
	for (int i = 0; i < DIV; i++) {
		gort_chan_recv(c, &v);
		sum += v;
	}
	gort_chan_free(c);
	gort_chan_send(n->up, &sum);
}

int main(int argc, char **argv)
{
	int64_t leaves = argc > 1 ? atoll(argv[1]) : 1000000;
	gort_chan *c = gort_chan_make(sizeof(int64_t), 0);
	if (!c) {
		perror("gort_chan_make");
		return 1;
	}
	struct node root = {c, 0, leaves};
	go(skynet, &root);
	int64_t sum;
	gort_chan_recv(c, &sum);
	printf("%" PRId64 "\n", sum);
	return 0;
}
