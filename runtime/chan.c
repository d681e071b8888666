/*
 * chan.c: channels (Go's chan.go): makechan, chansend, chanrecv,
 * closechan and the wait queues select.c shares. See chan.h for the
 * invariants, the locking and the lifetimes.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "chan.h"

/* Larger buffers than this are refused with ENOMEM before asking malloc,
   so that adding the header cannot overflow (Go's maxAlloc). */
#define MAXALLOC ((size_t)1 << 47)

gort_chan *gort_chan_make(size_t elem_size, size_t cap)
{
	if (cap != 0 && elem_size > SIZE_MAX / cap) {
		errno = EINVAL;
		return 0;
	}
	size_t mem = elem_size * cap;
	if (mem > MAXALLOC) {
		errno = ENOMEM;
		return 0;
	}
	/* The buffer need not be zeroed: a slot is read only after a send
	   filled it. */
	gort_chan *c = malloc(sizeof *c + mem);
	if (!c) {
		errno = ENOMEM;
		return 0;
	}
	memset(c, 0, sizeof *c);
	lockinit(&c->lock, lockRankHchan);
	c->dataqsiz = cap;
	c->elemsize = elem_size;
	return c;
}

void gort_chan_free(gort_chan *c)
{
	if (!c)
		return;
	/* Waiters here mean an operation on c has not returned: freeing
	   would corrupt their queues later, so fail now and say why. */
	if (__atomic_load_n(&c->recvq.first, __ATOMIC_ACQUIRE) ||
	    __atomic_load_n(&c->sendq.first, __ATOMIC_ACQUIRE))
		fatal("gort_chan_free: goroutines are blocked on the channel");
	free(c);
}

size_t gort_chan_len(gort_chan *c)
{
	return c ? __atomic_load_n(&c->qcount, __ATOMIC_ACQUIRE) : 0;
}

size_t gort_chan_cap(gort_chan *c)
{
	return c ? c->dataqsiz : 0;
}

/* ---- Wait queues ---- */

void waitq_enqueue(waitq *q, sudog *sg)
{
	sg->next = 0;
	sg->prev = q->last;
	if (q->last)
		q->last->next = sg;
	else
		__atomic_store_n(&q->first, sg, __ATOMIC_RELEASE);
	q->last = sg;
}

/* Go's dequeueSudoG: take sg off q if it is still there (a partner that
   lost the race for a select may have popped it already). */
void waitq_remove(waitq *q, sudog *sg)
{
	sudog *x = sg->prev, *y = sg->next;
	if (x) {
		x->next = y;
		if (y)
			y->prev = x;
		else
			q->last = x;
	} else if (q->first == sg) {
		__atomic_store_n(&q->first, y, __ATOMIC_RELEASE);
		if (y)
			y->prev = 0;
		else
			q->last = 0;
	}
	sg->next = sg->prev = 0;
}

/* Win the select gp is blocked in (see "Select wake-ups" in chan.h). */
static bool selwin(g *gp)
{
	uint32_t v = atomic_load_explicit(&gp->selectDone, memory_order_acquire);
	if (v & 1)
		return false;
	return atomic_compare_exchange_strong(&gp->selectDone, &v, v | 1);
}

/* Go's dequeue, c locked: the first sudog of q whose goroutine can still
   be woken. A select's sudogs that lose the race are dropped from the
   queue. When a select is won, its other sudogs on c go too, so that the
   woken select never needs c's lock again (Lifetimes, chan.h). */
sudog *waitq_dequeue(gort_chan *c, waitq *q)
{
	for (;;) {
		sudog *sg = q->first;
		if (!sg)
			return 0;
		waitq_remove(q, sg);
		if (!sg->isSelect)
			return sg;
		g *gp = sg->g;
		if (!selwin(gp))
			continue;
		for (sudog *s = gp->waiting; s; s = s->waitlink) {
			if (s == sg || s->c != c)
				continue;
			/* A sudog does not say which queue it is on; the ends
			   of the queues do, and a middle one needs neither. */
			if (s->prev ? !s->next && c->recvq.last == s : c->recvq.first == s)
				waitq_remove(&c->recvq, s);
			else
				waitq_remove(&c->sendq, s);
		}
		return sg;
	}
}

/* ---- Completing a blocked partner ---- */

/* Go's send, c locked and sg dequeued from c->recvq: the value goes
   straight into the receiver's elem (Go's sendDirect), as the buffer is
   empty. Returns the goroutine to goready once the caller has unlocked c;
   sg must not be touched after that. Named chansend_to because send is the
   C library's. */
g *chansend_to(gort_chan *c, sudog *sg, const void *ep)
{
	if (sg->elem) {
		elemmove(c, sg->elem, ep);
		sg->elem = 0;
	}
	g *gp = sg->g;
	gp->param = sg;
	sg->success = true;
	return gp;
}

/* Go's recv, c locked and sg dequeued from c->sendq. Unbuffered: copy
   straight from the sender's elem (Go's recvDirect). Buffered, hence full:
   take the head of the buffer and put the sender's value at its tail,
   which is the same slot. Returns the goroutine to goready once the caller
   has unlocked c. */
g *chanrecv_from(gort_chan *c, sudog *sg, void *ep)
{
	if (c->dataqsiz == 0) {
		if (ep)
			elemmove(c, ep, sg->elem);
	} else {
		void *qp = chanbuf(c, c->recvx);
		if (ep)
			elemmove(c, ep, qp);
		elemmove(c, qp, sg->elem);
		if (++c->recvx == c->dataqsiz)
			c->recvx = 0;
		c->sendx = c->recvx;
	}
	sg->elem = 0;
	g *gp = sg->g;
	gp->param = sg;
	sg->success = true;
	return gp;
}

/* c locked, with room in the buffer: put a copy of ep at its tail. */
void chanbufsend(gort_chan *c, const void *ep)
{
	elemmove(c, chanbuf(c, c->sendx), ep);
	if (++c->sendx == c->dataqsiz)
		c->sendx = 0;
	setqcount(c, c->qcount + 1);
}

/* c locked, with a value in the buffer: take its head into ep (or drop it). */
void chanbufrecv(gort_chan *c, void *ep)
{
	if (ep)
		elemmove(c, ep, chanbuf(c, c->recvx));
	if (++c->recvx == c->dataqsiz)
		c->recvx = 0;
	setqcount(c, c->qcount - 1);
}

/* Go's chanparkcommit: runs on g0 once gp can no longer run. */
static bool chanparkcommit(g *gp, void *lockp)
{
	(void)gp;
	unlock(lockp);
	return true;
}

/* The goroutine about to park. A thread the program made itself has none,
   and there is nothing to park: that is a fatal error, not a hang. */
g *blockingg(const char *what)
{
	g *gp = getg();
	if (unlikely(!gp || !gp->m || gp == gp->m->g0))
		fatal(what);
	return gp;
}

/* Go's full and empty: may a send, or a receive, not proceed right now?
   Read without the lock by the non-blocking fast paths. */
static bool chanfull(gort_chan *c)
{
	if (c->dataqsiz == 0)
		return __atomic_load_n(&c->recvq.first, __ATOMIC_ACQUIRE) == 0;
	return __atomic_load_n(&c->qcount, __ATOMIC_ACQUIRE) == c->dataqsiz;
}

static bool chanempty(gort_chan *c)
{
	if (c->dataqsiz == 0)
		return __atomic_load_n(&c->sendq.first, __ATOMIC_ACQUIRE) == 0;
	return __atomic_load_n(&c->qcount, __ATOMIC_ACQUIRE) == 0;
}

/* ---- Send ---- */

/* Go's chansend. With block false, returns false when the send could not
   proceed at once. */
bool chansend(gort_chan *c, const void *ep, bool block)
{
	if (!c) {
		if (!block)
			return false;
		blockingg("chan send (nil chan): not on a goroutine");
		gopark(0, 0, waitReasonChanSendNilChan);
		throw("unreachable");
	}

	/* Fast path, as in Go: not closed, then not ready, each one load; a
	   closed channel never goes from ready to not ready, so there was a
	   moment when it was open and not ready. */
	if (!block && !__atomic_load_n(&c->closed, __ATOMIC_ACQUIRE) && chanfull(c))
		return false;

	lock(&c->lock);
	if (c->closed) {
		unlock(&c->lock);
		gopanic("send on closed channel");
	}

	sudog *sg = waitq_dequeue(c, &c->recvq);
	if (sg) {
		g *gp = chansend_to(c, sg, ep);
		unlock(&c->lock);
		goready(gp);
		return true;
	}

	if (c->qcount < c->dataqsiz) {
		chanbufsend(c, ep);
		unlock(&c->lock);
		return true;
	}

	if (!block) {
		unlock(&c->lock);
		return false;
	}

	/* Block: a receiver copies from ep, on our stack, and wakes us. */
	g *gp = blockingg("chan send: not on a goroutine");
	sudog mysg = { .g = gp, .elem = (void *)ep, .c = c };
	gp->waiting = &mysg;
	gp->param = 0;
	waitq_enqueue(&c->sendq, &mysg);
	gopark(chanparkcommit, &c->lock, waitReasonChanSend);

	/* Woken by a receiver or by closechan; c may be gone already. */
	gp->waiting = 0;
	gp->param = 0;
	if (!mysg.success)
		gopanic("send on closed channel");
	return true;
}

void gort_chan_send(gort_chan *c, const void *elem)
{
	chansend(c, elem, true);
}

/* ---- Receive ---- */

/* Go's chanrecv. Receives into ep (discards when NULL). Returns whether
   it proceeded (always, when block); *received tells whether a value came
   (false: closed and drained, ep zero-filled). */
bool chanrecv(gort_chan *c, void *ep, bool block, bool *received)
{
	*received = false;
	if (!c) {
		if (!block)
			return false;
		blockingg("chan receive (nil chan): not on a goroutine");
		gopark(0, 0, waitReasonChanReceiveNilChan);
		throw("unreachable");
	}

	/* Fast path, as in Go: empty, then not closed, means there was a
	   moment when it was empty and open. Once closed, it is checked empty
	   again: a send may have come in between, before the close. */
	if (!block && chanempty(c)) {
		if (!__atomic_load_n(&c->closed, __ATOMIC_ACQUIRE))
			return false;
		if (chanempty(c)) {
			elemclr(c, ep);
			return true;
		}
	}

	lock(&c->lock);
	if (c->closed && c->qcount == 0) {
		unlock(&c->lock);
		elemclr(c, ep);
		return true;
	}

	sudog *sg = waitq_dequeue(c, &c->sendq);
	if (sg) {
		g *gp = chanrecv_from(c, sg, ep);
		unlock(&c->lock);
		goready(gp);
		*received = true;
		return true;
	}

	if (c->qcount > 0) {
		chanbufrecv(c, ep);
		unlock(&c->lock);
		*received = true;
		return true;
	}

	if (!block) {
		unlock(&c->lock);
		return false;
	}

	/* Block: a sender copies into ep (Go's sendDirect), or closechan
	   zero-fills it, and wakes us. */
	g *gp = blockingg("chan receive: not on a goroutine");
	sudog mysg = { .g = gp, .elem = ep, .c = c };
	gp->waiting = &mysg;
	gp->param = 0;
	waitq_enqueue(&c->recvq, &mysg);
	gopark(chanparkcommit, &c->lock, waitReasonChanReceive);

	/* Woken by a sender or by closechan; c may be gone already. */
	gp->waiting = 0;
	gp->param = 0;
	*received = mysg.success;
	return true;
}

bool gort_chan_recv(gort_chan *c, void *elem)
{
	bool received;
	chanrecv(c, elem, true, &received);
	return received;
}

/* ---- Close ---- */

/* Go's closechan: every blocked receiver gets the zero value and false,
   every blocked sender wakes to panic. The goroutines are made runnable
   only after c is unlocked, and c is not touched after that. */
void gort_chan_close(gort_chan *c)
{
	if (!c)
		gopanic("close of nil channel");
	lock(&c->lock);
	if (c->closed) {
		unlock(&c->lock);
		gopanic("close of closed channel");
	}
	__atomic_store_n(&c->closed, 1, __ATOMIC_RELEASE);

	/* The woken goroutines are chained through schedlink, unused while
	   they are parked, in queue order: receivers, then senders. */
	g *head = 0, *tail = 0;
	for (int send = 0; send < 2; send++) {
		waitq *q = send ? &c->sendq : &c->recvq;
		sudog *sg;
		while ((sg = waitq_dequeue(c, q)) != 0) {
			if (!send)
				elemclr(c, sg->elem);
			sg->elem = 0;
			g *gp = sg->g;
			gp->param = sg;
			sg->success = false;
			gp->schedlink = 0;
			if (tail)
				tail->schedlink = gp;
			else
				head = gp;
			tail = gp;
		}
	}
	unlock(&c->lock);

	while (head) {
		g *gp = head;
		head = gp->schedlink;
		gp->schedlink = 0;
		goready(gp);
	}
}
