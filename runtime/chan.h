/*
 * chan.h: channels (Go's hchan, chan.go) and what select.c shares with
 * chan.c.
 *
 * Invariants (as atop Go's chan.go), for a channel c:
 * - at least one of c->sendq and c->recvq is empty, except for an
 *   unbuffered channel with a single goroutine blocked on it for both
 *   sending and receiving in a select;
 * - for a buffered channel: qcount > 0 implies recvq is empty, and
 *   qcount < dataqsiz implies sendq is empty.
 *
 * Some notes on locking
 * - c->lock guards every field of c but dataqsiz and elemsize, which never
 *   change. qcount, closed and the queue heads are also read without the
 *   lock by gort_chan_len and by the non-blocking fast paths, so they are
 *   written with atomic stores (release) and read there with atomic loads
 *   (acquire).
 * - A select takes the locks of all its channels in address order (Go's
 *   sellock); nothing else holds two channel locks at once. A channel lock
 *   may be held while taking a P's timerslock (selparkcommit arms the
 *   timeout), never the other way round.
 * - The sudogs of a blocked goroutine live on its own stack (a select with
 *   many cases may put them in malloc'd memory): they are valid until the
 *   goroutine runs again, which it cannot before the party that completes
 *   its operation calls goready. So a waker reads and writes a sudog only
 *   between dequeueing it and goready.
 *
 * Select wake-ups (Go's g.selectDone)
 * A goroutine blocked in a select is on several queues; the first party to
 * complete one of its cases (a partner on a channel, closechan, or the
 * select's timeout timer) must win it, and every other must skip it. g's
 * selectDone holds a generation in its upper 31 bits and a done bit in bit
 * 0: a select that parks starts a new generation with the bit clear, and
 * winning is a CAS that sets the bit. A partner on a channel CASes from the
 * value it reads (a sudog is on a queue only during its own generation);
 * the timeout timer CASes from the generation it was armed with, its seq.
 * Go's plain 0/1 flag is reset by the select after it wakes; a generation
 * also makes a late timer callback from an earlier select of the same
 * goroutine lose, as a timer's callback may still be running after
 * deltimer has returned.
 *
 * Lifetimes (gort.h): a channel may be freed as soon as every
 * operation on it has returned. So a goroutine woken by a partner on c does
 * not touch c again, and the partner writes everything it has to write to c
 * before goready. A woken select does relock the other channels of its
 * cases to take its sudogs off their queues, but not the one it was woken
 * through: the winner takes the select's other sudogs off that channel's
 * queues itself while it holds its lock (see waitq_dequeue).
 */
#ifndef GORT_CHAN_H
#define GORT_CHAN_H

#include <string.h>

#include <gort.h>

#include "runtime.h"

typedef struct waitq {
	sudog *first;
	sudog *last;
} waitq;

struct gort_chan {
	mutex lock;
	uint32_t closed;     /* 1 once closed; atomic stores under lock */
	size_t qcount;       /* elements in buf; atomic stores under lock */
	size_t dataqsiz;     /* capacity of buf; constant */
	size_t elemsize;     /* constant; 0 is allowed */
	size_t sendx;        /* next slot a send fills */
	size_t recvx;        /* next slot a receive empties */
	waitq recvq;         /* blocked receivers */
	waitq sendq;         /* blocked senders */
	_Alignas(16) unsigned char buf[]; /* dataqsiz * elemsize bytes */
};

static inline void *chanbuf(gort_chan *c, size_t i)
{
	return c->buf + i * c->elemsize;
}

/* Go's typedmemmove: a NULL source is the zero value (a send of NULL on a
   channel of non-zero size sends zeros rather than crashing). Channels
   mostly carry a word or a small struct; copies of a constant size compile
   to plain moves, where a call to memcpy costs more than the copy. */
static inline void elemmove(gort_chan *c, void *dst, const void *src)
{
	size_t n = c->elemsize;
	if (n == 0)
		return;
	if (!src) {
		memset(dst, 0, n);
		return;
	}
	switch (n) {
	case 1:
		memcpy(dst, src, 1);
		break;
	case 2:
		memcpy(dst, src, 2);
		break;
	case 4:
		memcpy(dst, src, 4);
		break;
	case 8:
		memcpy(dst, src, 8);
		break;
	case 16:
		memcpy(dst, src, 16);
		break;
	default:
		memcpy(dst, src, n);
	}
}

static inline void elemclr(gort_chan *c, void *dst)
{
	if (dst && c->elemsize)
		memset(dst, 0, c->elemsize);
}

static inline void setqcount(gort_chan *c, size_t n)
{
	__atomic_store_n(&c->qcount, n, __ATOMIC_RELEASE);
}

/* chan.c */
hidden void waitq_enqueue(waitq *q, sudog *sg);
hidden sudog *waitq_dequeue(gort_chan *c, waitq *q);
hidden void waitq_remove(waitq *q, sudog *sg);
hidden void chanbufsend(gort_chan *c, const void *ep);
hidden void chanbufrecv(gort_chan *c, void *ep);
hidden g *chansend_to(gort_chan *c, sudog *sg, const void *ep);
hidden g *chanrecv_from(gort_chan *c, sudog *sg, void *ep);
hidden bool chansend(gort_chan *c, const void *ep, bool block);
hidden bool chanrecv(gort_chan *c, void *ep, bool block, bool *received);
hidden g *blockingg(const char *what);

#endif
