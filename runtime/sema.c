/*
 * sema.c: semaphores keyed by address (Go's sema.go), the parking behind
 * gort_mutex and gort_waitgroup.
 *
 * The count lives in the user's word (*addr). Waiters are sudogs on their
 * own stacks, queued on one of SEMTABSZ roots chosen by address; a root is
 * a lock, a waiter count read without the lock on the fast path, and a
 * FIFO list holding the waiters of every address that hashes to it (Go
 * keeps a tree per root; a list is simpler and fine while few distinct
 * addresses are contended at once).
 *
 * Lifetimes: semrelease1 without handoff touches *addr only in its first
 * atomic increment; what follows uses the root and the sudog, which lives
 * on the parked waiter's stack until goready. So a waiter may free the
 * memory holding *addr as soon as semacquire1 returns.
 */
#include <gort.h>

#include "sema.h"

enum { SEMTABSZ = 251 };

struct semroot {
	mutex lock;
	sudog *head, *tail;       /* waiters, all addresses, FIFO */
	_Atomic uint32_t nwait;   /* waiters; read without lock */
	char pad[64 - sizeof(mutex) - 2 * sizeof(sudog *) - sizeof(uint32_t)];
};

static struct semroot semtable[SEMTABSZ];

static struct semroot *semroot(uint32_t *addr)
{
	return &semtable[((uintptr_t)addr >> 3) % SEMTABSZ];
}

static bool cansemacquire(uint32_t *addr)
{
	uint32_t v = __atomic_load_n(addr, __ATOMIC_ACQUIRE);
	while (v != 0)
		if (__atomic_compare_exchange_n(addr, &v, v - 1, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
			return true;
	return false;
}

/* root locked */
static void enqueue(struct semroot *r, sudog *s, bool lifo)
{
	if (lifo) {
		s->prev = 0;
		s->next = r->head;
		if (r->head)
			r->head->prev = s;
		else
			r->tail = s;
		r->head = s;
	} else {
		s->next = 0;
		s->prev = r->tail;
		if (r->tail)
			r->tail->next = s;
		else
			r->head = s;
		r->tail = s;
	}
}

/* root locked: the first waiter for addr, taken off the list. */
static sudog *dequeue(struct semroot *r, uint32_t *addr)
{
	for (sudog *s = r->head; s; s = s->next) {
		if (s->c != addr)
			continue;
		if (s->prev)
			s->prev->next = s->next;
		else
			r->head = s->next;
		if (s->next)
			s->next->prev = s->prev;
		else
			r->tail = s->prev;
		s->next = s->prev = 0;
		return s;
	}
	return 0;
}

void semacquire1(uint32_t *addr, bool lifo, const char *reason)
{
	if (cansemacquire(addr))
		return;
	g *gp = getg();
	if (!gp || !gp->m || gp == gp->m->g0 || !gp->m->p)
		fatal("semacquire not on a goroutine");
	struct semroot *r = semroot(addr);
	sudog s = { 0 };
	s.g = gp;
	s.c = addr;
	for (;;) {
		lock(&r->lock);
		/* Counted before the last look, so a releaser that increments
		   *addr after it either sees us waiting or we see its count. */
		atomic_fetch_add(&r->nwait, 1);
		if (cansemacquire(addr)) {
			atomic_fetch_sub(&r->nwait, 1);
			unlock(&r->lock);
			return;
		}
		s.ticket = 0;
		enqueue(r, &s, lifo);
		goparkunlock(&r->lock, reason);
		/* Woken by semrelease1, which dequeued us and counted us out. */
		if (s.ticket != 0 || cansemacquire(addr))
			return;
		lifo = true;
	}
}

void semrelease1(uint32_t *addr, bool handoff)
{
	struct semroot *r = semroot(addr);
	__atomic_fetch_add(addr, 1, __ATOMIC_RELEASE);
	/* Easy case: no waiters. This check must come after the increment,
	   to pair with the waiter's increment of nwait before its last look. */
	if (atomic_load(&r->nwait) == 0)
		return;
	lock(&r->lock);
	if (atomic_load(&r->nwait) == 0) {
		unlock(&r->lock);
		return;
	}
	sudog *s = dequeue(r, addr);
	if (s)
		atomic_fetch_sub(&r->nwait, 1);
	unlock(&r->lock);
	if (!s)
		return;
	g *gp = s->g;
	/* Starvation mode: the count goes to the waiter, not to whoever gets
	   to *addr first, and we let the waiter run at once. */
	bool handed = handoff && cansemacquire(addr);
	if (handed)
		s->ticket = 1;
	goready(gp);
	if (handed)
		gort_yield();
}
