/*
 * sema.c: semaphores keyed by address (Go's sema.go), the parking behind
 * gort_mutex and gort_waitgroup.
 *
 * As in Go, these are less semaphores than a sleep and wakeup in which
 * every sleep is paired with one wakeup even if, by a race, the wakeup
 * comes first (Mullender and Cox, "Semaphores in Plan 9"). The count lives
 * in the user's word *addr; semacquire1 takes one when there is one and
 * otherwise parks, semrelease1 adds one and wakes the first waiter.
 *
 * Semaphore roots
 * Waiters are sudogs on their own stacks, kept in one of SEMTABSZ roots
 * chosen by address: a lock, a waiter count read without the lock on the
 * release fast path, and a treap of one sudog per distinct address, each
 * heading a FIFO list of the other waiters on that address. So a release
 * is O(log n) in the distinct addresses waited on in its root, however
 * many goroutines wait on each (Go issue 17953).
 *   tree links:  prev, next (children ordered by address), parent,
 *                ticket (random heap priority, odd so never zero);
 *   list links:  waitlink (next waiter on the same address), and in the
 *                head only, waittail (last of its list, NULL if alone);
 *   key:         c, the address waited on.
 * success is set by a releaser that handed its count straight to the
 * waiter (starvation mode of gort_mutex).
 *
 * Waiting off the scheduler
 * A thread the program made itself has no G to park: it queues like a
 * goroutine, with g NULL and elem pointing to a note on its stack, and
 * sleeps on the note; the releaser wakes it with notewakeup.
 *
 * Lifetimes (gort.h): semrelease1 touches *addr in its increment and,
 * with handoff, in taking the count for the waiter it has dequeued but not
 * woken yet (whose pending lock keeps the memory alive). Everything after
 * is the root and the sudog, and the sudog is not touched after the wakeup.
 * So the memory holding *addr may be freed as soon as a waiter returns.
 */
#include <gort.h>

#include "sema.h"

/* A prime, so as not to correlate with the strides of users' arrays. */
enum { SEMTABSZ = 251 };

typedef struct semaRoot {
	mutex lock;
	sudog *treap;             /* waiters, one per distinct address */
	_Atomic uint32_t nwait;   /* waiters of every address; read without lock */
} semaRoot;

/* One root per cache line, so that releases on different roots do not
   contend for the line. */
static struct {
	_Alignas(64) semaRoot root;
} semtable[SEMTABSZ] bigbss;

static semaRoot *rootFor(uint32_t *addr)
{
	semaRoot *root = &semtable[((uintptr_t)addr >> 3) % SEMTABSZ].root;
	lockinit(&root->lock, lockRankRoot);  /* the checking runtime's; nothing in the others */
	return root;
}

static bool cansemacquire(uint32_t *addr)
{
	uint32_t v = __atomic_load_n(addr, __ATOMIC_SEQ_CST);
	while (v != 0)
		if (__atomic_compare_exchange_n(addr, &v, v - 1, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
			return true;
	return false;
}

/* Make child take x's place under x's parent (or as the root). */
static void replaceChild(semaRoot *root, sudog *x, sudog *child)
{
	sudog *par = x->parent;
	if (child)
		child->parent = par;
	if (!par)
		root->treap = child;
	else if (par->prev == x)
		par->prev = child;
	else if (par->next == x)
		par->next = child;
	else
		throw("semaRoot: bad parent link");
}

/* x's right child y becomes its parent. */
static void rotateLeft(semaRoot *root, sudog *x)
{
	sudog *y = x->next;
	x->next = y->prev;
	if (y->prev)
		y->prev->parent = x;
	replaceChild(root, x, y);
	y->prev = x;
	x->parent = y;
}

/* x's left child y becomes its parent. */
static void rotateRight(semaRoot *root, sudog *x)
{
	sudog *y = x->prev;
	x->prev = y->next;
	if (y->next)
		y->next->parent = x;
	replaceChild(root, x, y);
	y->next = x;
	x->parent = y;
}

/* Queue s, waiting on addr, in root: at the end of addr's list, or at its
   front when lifo (Go's semaRoot.queue). root->lock held. */
static void semqueue(semaRoot *root, uint32_t *addr, sudog *s, bool lifo)
{
	s->c = addr;
	s->prev = s->next = 0;
	s->waitlink = s->waittail = 0;
	sudog *last = 0, **pt = &root->treap;
	for (sudog *t = *pt; t; t = *pt) {
		if (t->c == addr) {
			if (!lifo) {
				if (t->waittail)
					t->waittail->waitlink = s;
				else
					t->waitlink = s;
				t->waittail = s;
				return;
			}
			/* s takes t's place in the tree and heads the list. */
			*pt = s;
			s->ticket = t->ticket;
			s->parent = t->parent;
			s->prev = t->prev;
			s->next = t->next;
			if (s->prev)
				s->prev->parent = s;
			if (s->next)
				s->next->parent = s;
			s->waitlink = t;
			s->waittail = t->waittail ? t->waittail : t;
			t->parent = t->prev = t->next = 0;
			t->waittail = 0;
			return;
		}
		last = t;
		pt = (uintptr_t)addr < (uintptr_t)t->c ? &t->prev : &t->next;
	}
	/* A new leaf, rotated up until its parent's priority is lower. */
	s->ticket = fastrand() | 1;
	s->parent = last;
	*pt = s;
	while (s->parent && s->parent->ticket > s->ticket) {
		if (s->parent->prev == s)
			rotateRight(root, s->parent);
		else
			rotateLeft(root, s->parent);
	}
}

/* Take the first waiter on addr out of root, or return NULL (Go's
   semaRoot.dequeue). root->lock held. */
static sudog *semdequeue(semaRoot *root, uint32_t *addr)
{
	sudog *s = root->treap;
	while (s && s->c != addr)
		s = (uintptr_t)addr < (uintptr_t)s->c ? s->prev : s->next;
	if (!s)
		return 0;
	sudog *t = s->waitlink;
	if (t) {
		/* The next waiter on addr takes s's place in the tree. */
		t->ticket = s->ticket;
		t->prev = s->prev;
		t->next = s->next;
		if (t->prev)
			t->prev->parent = t;
		if (t->next)
			t->next->parent = t;
		replaceChild(root, s, t);
		t->waittail = s->waittail == t ? 0 : s->waittail;
	} else {
		/* Rotate s down to a leaf, keeping the heap order, and cut it. */
		while (s->prev || s->next) {
			if (!s->prev || (s->next && s->next->ticket < s->prev->ticket))
				rotateLeft(root, s);
			else
				rotateRight(root, s);
		}
		replaceChild(root, s, 0);
	}
	s->parent = s->prev = s->next = 0;
	s->waitlink = s->waittail = 0;
	return s;
}

void semacquire1(uint32_t *addr, bool lifo, uint8_t reason)
{
	if (cansemacquire(addr))
		return;
	g *gp = getg();
	m *mp = gp ? gp->m : 0;
	bool ong = mp && mp->curg == gp && mp->p;
	semaRoot *root = rootFor(addr);
	note n;
	sudog s = { .g = ong ? gp : 0, .elem = ong ? 0 : &n };
	for (;;) {
		lock(&root->lock);
		/* Counted before the last look, so that a releaser whose
		   increment we miss sees us waiting (it increments, then reads
		   nwait: both sides store, then load, in sequential order). */
		atomic_fetch_add(&root->nwait, 1);
		if (cansemacquire(addr)) {
			atomic_fetch_sub(&root->nwait, 1);
			unlock(&root->lock);
			return;
		}
		s.success = false;
		semqueue(root, addr, &s, lifo);
		if (ong) {
			goparkunlock(&root->lock, reason);
		} else {
			noteclear(&n);
			unlock(&root->lock);
			notesleep(&n);
		}
		/* Dequeued and counted out by semrelease1. */
		if (s.success || cansemacquire(addr))
			return;
		/* Another took the count first. We were the first waiter on
		   addr, so we go back to the front. */
		lifo = true;
	}
}

void semrelease1(uint32_t *addr, bool handoff)
{
	semaRoot *root = rootFor(addr);
	__atomic_fetch_add(addr, 1, __ATOMIC_SEQ_CST);
	/* Easy case: nobody waits. The load must follow the increment (see
	   semacquire1), or a waiter could miss the count and sleep. */
	if (atomic_load(&root->nwait) == 0)
		return;
	lock(&root->lock);
	if (atomic_load(&root->nwait) == 0) {
		/* The count was taken by a waiter on its last look. */
		unlock(&root->lock);
		return;
	}
	sudog *s = semdequeue(root, addr);
	if (s)
		atomic_fetch_sub(&root->nwait, 1);
	unlock(&root->lock);
	if (!s)
		return;
	/* Starvation mode: the count goes to this waiter, not to whoever
	   reaches *addr first. */
	bool handed = handoff && cansemacquire(addr);
	s->success = handed;
	g *wg = s->g;
	if (!wg) {
		notewakeup(s->elem);
		return;
	}
	goready(wg);
	/* The waiter is in our runnext: yield so that it runs now and
	   inherits the rest of our time slice (Go's goyield on handoff). */
	g *me = getg();
	if (handed && me && me->m && me->m->curg == me && me->m->locks == 0)
		gort_yield();
}
