/*
 * fdtab.c: the descriptor table behind the I/O wrappers (Go's internal/poll
 * FD and fdMutex, for descriptors gort did not open itself).
 *
 * Overrides nothing of musl's; the wrappers in rw.c, socket.c, accept.c,
 * close.c, fcntl.c and stdio.c use it.
 *
 * A slot per descriptor number, made on first use by a goroutine and never
 * freed, holds what gort learnt about the descriptor (its kind, shim.h),
 * the pollDesc it is registered with, and one lock per direction.
 *
 * Some notes on locking
 * - slot->lock (a runtime mutex, held for a few system calls at most)
 *   orders the changes of kind: examine, switch, forget. It is never held
 *   across a park or an entersyscall.
 * - slot->rmu and slot->wmu (goroutine mutexes) let one goroutine at a
 *   time wait in each direction, which netpoll.h requires (Go's fdMutex
 *   read and write locks). They are held for the whole call, so that the
 *   waiter that consumed an edge of the edge-triggered poller is the one
 *   that reads the data it announced. examine takes both: a waiter woken
 *   by close must finish with the old registration before a new one
 *   reuses the pollDesc.
 * - slot->gen changes when the descriptor is closed or replaced; a call
 *   that finds it changed fails with EBADF instead of waiting on whatever
 *   file now has that number.
 *
 * Lifetimes: slots live as long as the process, so a goroutine still
 * holding a slot pointer after a close reads valid memory and a changed
 * generation.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <gort.h>

#include "shim.h"

enum {
	FD_CHUNK = 256,          /* slots per allocation */
	FD_MAX = 1 << 20,        /* the kernel's default nr_open; beyond: plain */
};

struct fdslot {
	mutex lock;
	_Atomic uint32_t state;  /* kind and flags (shim.h); written under lock */
	_Atomic uint32_t gen;    /* bumped under lock by fd_forget */
	uint8_t nbhint;          /* HINT_*, for an unseen duplicate or original; lock */
	_Atomic uint8_t timeo;   /* FD_RTIMEO, FD_WTIMEO: SO_RCVTIMEO/SO_SNDTIMEO set */
	bool tcp;                /* made by socket() as TCP (fd_tcp); lock */
	bool rdrained;           /* the last read emptied the socket (fd_loop); rmu */
	gort_mutex rmu, wmu;
	pollDesc pd;             /* registered with epoll while FD_SOCK or FD_NB */
};

/* Chunks of slots, made on first use with a CAS and never freed. */
static struct fdslot *_Atomic chunks[FD_MAX / FD_CHUNK] bigbss;

_Atomic int shim_forked;

static void atfork_child(void)
{
	atomic_store(&shim_forked, 1);
}

static struct fdslot *slotget(int fd, bool create);
static void slock(struct fdslot *s);
static void sunlock(struct fdslot *s);

/* The descriptors the process started with are shared with other
   processes (a make jobserver's pipe, a pipe a shell handed down): an
   O_NONBLOCK set on one would reach them too. So gort leaves those that
   it would switch, and their duplicates, blocking, as Go leaves a
   descriptor it did not open itself (os.NewFile); sockets still park, as
   gort does not switch them. 0-2 are left blocking anyway (classify).

   Which ones those are is needed only when a goroutine first uses a
   descriptor (examine), so the process's descriptors are listed then
   (/proc/self/fd), not at start-up: a program that never starts a
   goroutine, or whose goroutines never touch a descriptor, never pays
   for the listing. Until then the table notes which numbers the program
   itself has made, closed or duplicated (fd_note, from the wrappers):
   what the listing then finds under such a number is the program's
   own, or a duplicate of what the number copied. A close-on-exec
   descriptor cannot have been inherited either. What is left is what
   the process started with, and what musl or the program made with a
   raw system call (fopen's FIFO, eventfd) without close-on-exec before
   the listing: both are left blocking. */
enum { NOTE_MAX = 1024 };                    /* numbers noted; beyond, list at once */
static _Atomic uint64_t noted[NOTE_MAX / 64];  /* the program's own numbers */
static _Atomic bool listing, listed;         /* the listing was begun, made */
static mutex listlock;                       /* one listing at a time */

static void markfd(long fd, void *arg)
{
	(void)arg;
	struct stat st;
	if (fd <= 2 || (fd < NOTE_MAX && (atomic_load(&noted[fd / 64]) & (1ULL << (fd % 64)))))
		return;
	/* Close-on-exec: not inherited, but opened here (the listing's own
	   among them). */
	if (rawsyscall6(SYS_fcntl, fd, F_GETFD, 0, 0, 0, 0) != 0 ||
	    rawsyscall6(SYS_fstat, fd, (long)&st, 0, 0, 0, 0) < 0 || S_ISSOCK(st.st_mode))
		return;
	struct fdslot *s = slotget((int)fd, true);
	if (!s)
		return;
	slock(s);
	if ((atomic_load(&s->state) & FD_KIND) == FD_UNSEEN)
		s->nbhint = HINT_PLAIN;
	sunlock(s);
}

/* listlock held. */
static void markinherited(void)
{
	atomic_store(&listing, true);
	procdir("/proc/self/fd", markfd, 0);
	atomic_store_explicit(&listed, true, memory_order_release);
}

static void listinherited(void)
{
	if (atomic_load_explicit(&listed, memory_order_acquire))
		return;
	lock(&listlock);
	if (!atomic_load(&listed))
		markinherited();
	unlock(&listlock);
}

/* Lock-free while no listing is under way: the child of a fork made
   meanwhile must not find a lock held by a thread it does not have. A
   note the listing may have missed waits for it to end; the caller then
   sets the slot's hint itself (fd_fresh clears it, close and dup2
   replace it, fd_dupped copies it), after the listing's. */
void fd_note(int fd, int from)
{
	if (fd < 0 || atomic_load_explicit(&listed, memory_order_acquire) || atomic_load(&shim_forked))
		return;
	if (fd >= NOTE_MAX || from >= NOTE_MAX) {
		listinherited();
		return;
	}
	bool mine = from < 0 || (atomic_load(&noted[from / 64]) & (1ULL << (from % 64)));
	uint64_t bit = 1ULL << (fd % 64);
	if (mine)
		atomic_fetch_or(&noted[fd / 64], bit);
	else
		atomic_fetch_and(&noted[fd / 64], ~bit);
	if (atomic_load(&listing) && !atomic_load(&listed)) {
		lock(&listlock);
		unlock(&listlock);
	}
}

/* The child of fork must see plain libc (no parking, no shared epoll).
   Until the first go() the child is a copy of a program whose main is
   alone, whose calls wait in the kernel as musl's do: the handler is
   needed only from then on (pthread_atfork allocates). */
void shim_watchfork(void)
{
	static _Atomic bool watching;
	bool f = false;
	if (atomic_compare_exchange_strong(&watching, &f, true))
		pthread_atfork(0, 0, atfork_child);
}

static struct fdslot *slotget(int fd, bool create)
{
	if (fd < 0 || fd >= FD_MAX)
		return 0;
	_Atomic(struct fdslot *) *cp = &chunks[fd / FD_CHUNK];
	struct fdslot *c = atomic_load_explicit(cp, memory_order_acquire);
	if (!c) {
		if (!create)
			return 0;
		c = persistentalloc(FD_CHUNK * sizeof *c, _Alignof(struct fdslot));
		if (!c)
			return 0;
		/* The runtime's memory is never freed: a thread that loses the
		   race leaves its chunk unused (18 KiB, once per range at most). */
		struct fdslot *old = 0;
		if (!atomic_compare_exchange_strong(cp, &old, c))
			c = old;
	}
	return &c[fd % FD_CHUNK];
}

/* slot->lock, except in the child of fork: there the lock may have been
   copied held by a thread that no longer exists, and the child has one
   thread anyway. */
static void slock(struct fdslot *s)
{
	if (!atomic_load_explicit(&shim_forked, memory_order_relaxed))
		lock(&s->lock);
}

static void sunlock(struct fdslot *s)
{
	if (!atomic_load_explicit(&shim_forked, memory_order_relaxed))
		unlock(&s->lock);
}

static long getfl(int fd)
{
	return rawsyscall6(SYS_fcntl, fd, F_GETFL, 0, 0, 0, 0);
}

static long setfl(int fd, long fl)
{
	return rawsyscall6(SYS_fcntl, fd, F_SETFL, fl, 0, 0, 0);
}

/* Register s's pollDesc for fd; false if epoll will not have it. */
static bool pdopen(struct fdslot *s, int fd)
{
	netpollGenericInit();
	pollDesc *pd = &s->pd;
	pd->fd = fd;
	atomic_store(&pd->rg, PD_NONE);
	atomic_store(&pd->wg, PD_NONE);
	atomic_store(&pd->closing, false);
	atomic_store(&pd->rshort, false);
	atomic_fetch_add(&pd->seq, 1);
	s->rdrained = false;
	return netpollopen(fd, pd) == 0;
}

/* What fd is, and the registration that goes with it; slot->lock held.
   Returns FD_UNSEEN when fd is not open (the call then fails by itself
   and nothing is remembered). */
static uint32_t classify(struct fdslot *s, int fd)
{
	struct stat st;
	if (rawsyscall6(SYS_fstat, fd, (long)&st, 0, 0, 0, 0) < 0)
		return FD_UNSEEN;
	/* A duplicate of a descriptor gort left blocking. */
	if (s->nbhint == HINT_PLAIN) {
		s->nbhint = HINT_NONE;
		return FD_PLAIN;
	}
	uint32_t kind;
	switch (st.st_mode & S_IFMT) {
	case S_IFSOCK:
		kind = FD_SOCK;
		break;
	case S_IFIFO:
	case S_IFCHR:
	case 0:  /* anonymous inodes: eventfd, timerfd, signalfd, inotify, ... */
		/* Descriptors 0-2 are the terminal or pipes shared with the
		   parent, and musl's stdio uses them too: setting O_NONBLOCK
		   there would leak to other processes. They block under
		   entersyscall, as os.Stdin does in Go; unless they are a
		   duplicate of a descriptor gort switched already. */
		kind = fd <= 2 && !s->nbhint ? FD_PLAIN : FD_NB;
		break;
	default:
		kind = FD_PLAIN;
	}
	if (kind == FD_PLAIN)
		return FD_PLAIN;
	long fl = getfl(fd);
	if (fl < 0)
		return FD_UNSEEN;
	/* A duplicate of a descriptor gort switched, or one of two numbers
	   for a description the other may have switched since: the flag in
	   the kernel may be gort's, the user's view is the hint. */
	bool usernb = s->nbhint ? s->nbhint == HINT_NONBLOCK : (fl & O_NONBLOCK) != 0;
	if (kind == FD_SOCK && s->tcp)
		kind |= FD_TCP;
	if (kind == FD_SOCK && s->nbhint)
		kind = FD_NB | FD_LISTEN;
	s->nbhint = 0;
	/* epoll refuses what cannot be polled (EPERM): /dev/null and such. */
	if (!pdopen(s, fd))
		return FD_PLAIN;
	if ((kind & FD_KIND) == FD_NB && !(fl & O_NONBLOCK) && setfl(fd, fl | O_NONBLOCK) < 0) {
		netpollclose(fd);
		return FD_PLAIN;
	}
	return kind | (usernb ? FD_USERNB : 0);
}

static void examine(struct fdslot *s, int fd, uint32_t *once)
{
	listinherited();
	gort_mutex_lock(&s->rmu);
	gort_mutex_lock(&s->wmu);
	slock(s);
	uint32_t st = atomic_load(&s->state);
	if ((st & FD_KIND) == FD_UNSEEN) {
		st = classify(s, fd);
		atomic_store_explicit(&s->state, st, memory_order_release);
	}
	sunlock(s);
	gort_mutex_unlock(&s->wmu);
	gort_mutex_unlock(&s->rmu);
	*once = st;
}

static void pause_(void)
{
	if (shim_curg())
		gort_yield();
	else
		osyield();
}

void fd_lookup(int fd, struct fdref *r)
{
	struct fdslot *s = slotget(fd, true);
	r->s = s;
	r->gen = 0;
	r->timeo = 0;
	if (!s) {
		r->state = FD_PLAIN;
		return;
	}
	for (;;) {
		uint32_t st = atomic_load_explicit(&s->state, memory_order_acquire);
		switch (st & FD_KIND) {
		case FD_UNSEEN:
			examine(s, fd, &st);
			if ((st & FD_KIND) == FD_UNSEEN) {
				/* Not open: let the call fail by itself. */
				r->state = FD_PLAIN;
				return;
			}
			continue;
		case FD_BUSY:
			pause_();
			continue;
		}
		r->gen = atomic_load_explicit(&s->gen, memory_order_acquire);
		r->timeo = atomic_load_explicit(&s->timeo, memory_order_relaxed);
		if (atomic_load_explicit(&s->state, memory_order_acquire) != st)
			continue;
		r->state = st;
		return;
	}
}

void fd_peek(int fd, struct fdref *r)
{
	struct fdslot *s = slotget(fd, false);
	r->s = s;
	r->gen = s ? atomic_load(&s->gen) : 0;
	r->state = s ? atomic_load(&s->state) : FD_UNSEEN;
	r->timeo = s ? atomic_load(&s->timeo) : 0;
	/* Not examined yet, but a duplicate of one gort switched: it is
	   non-blocking in the kernel all the same. */
	if (s && r->state == FD_UNSEEN && (s->nbhint == HINT_BLOCK || s->nbhint == HINT_NONBLOCK))
		r->state = FD_NB | (s->nbhint == HINT_NONBLOCK ? FD_USERNB : 0);
}

static gort_mutex *dirlock(struct fdslot *s, int mode)
{
	return mode == 'r' ? &s->rmu : &s->wmu;
}

void fd_lockdir(struct fdslot *s, int mode)
{
	gort_mutex_lock(dirlock(s, mode));
}

void fd_unlockdir(struct fdslot *s, int mode)
{
	gort_mutex_unlock(dirlock(s, mode));
}

long fd_wait(struct fdref *r, int mode)
{
	struct fdslot *s = r->s;
	if (atomic_load_explicit(&s->gen, memory_order_acquire) != r->gen)
		return -EBADF;
	/* This wait takes the edge a read parking first would wait for. */
	if (mode == 'r')
		s->rdrained = false;
	if (netpollwait(&s->pd, mode) < 0)
		return -EBADF;
	return 0;
}

/* A timer's way to end a wait for mode on s: readiness that is not
   there. Harmless when it comes late, after the wait ended or the
   descriptor changed hands: whoever waits next tries its call again and
   waits again (a spurious wake-up, which the poller has anyway). */
static void poke(void *arg, uintptr_t mode)
{
	struct fdslot *s = arg;
	g *list = 0;
	netpollready(&list, &s->pd, (int)mode);
	while (list) {
		g *gp = list;
		list = gp->schedlink;
		goready(gp);
	}
}

long fd_waituntil(struct fdref *r, int mode, int64_t deadline)
{
	if (deadline < 0)
		return fd_wait(r, mode);
	/* The timer itself may live on our stack: time.c copies what it
	   needs before it drops the lock; arg is the slot, which lives for
	   ever. */
	timer t = { .when = deadline, .f = poke, .arg = r->s, .seq = (uintptr_t)mode, .idx = -1 };
	addtimer(&t);
	long ret = fd_wait(r, mode);
	deltimer(&t);
	return ret;
}

/* A read of a TCP socket that returned less than it asked for emptied
   the socket's receive queue: the kernel copies until the queue is empty
   or the buffer full, and stops short of that only at urgent data or the
   end of the stream, which the poller reports (pollDesc.rshort). Whatever
   arrives after it raises an edge, so the next read may wait for the
   poller first and skip the attempt that would most likely fail with
   EAGAIN, a system call per message for a server answering requests. Only
   plain reads count (read, recv with no flags): a peek empties nothing. */
static bool drains(const struct fdref *r, const struct sc *c, long ret)
{
	return (r->state & FD_TCP) && c->nr == SYS_recvfrom && c->a[3] == MSG_DONTWAIT && ret > 0 &&
	       ret < c->a[2];
}

long fd_loop(struct fdref *r, int mode, struct sc *c, fd_more more, void *ctx)
{
	struct fdslot *s = r->s;
	long done = 0, ret;
	gort_mutex_lock(dirlock(s, mode));
	bool parkfirst = false;
	if (mode == 'r') {
		parkfirst = s->rdrained && !atomic_load(&s->pd.rshort);
		s->rdrained = false;
	}
	for (;;) {
		if (atomic_load_explicit(&s->gen, memory_order_acquire) != r->gen) {
			ret = -EBADF;
			break;
		}
		if (parkfirst) {
			parkfirst = false;
			if (netpollwait(&s->pd, mode) < 0) {
				ret = -EBADF;
				break;
			}
			continue;
		}
		ret = sc_raw(c);
		if (mode == 'r' && drains(r, c, ret))
			s->rdrained = true;
		if (ret > 0 && more && more(c, ret, ctx)) {
			done += ret;
			continue;
		}
		if (ret != -EAGAIN)
			break;
		/* netpollwait fails once the descriptor is being closed; a
		   generation that moved means the same. */
		if (netpollwait(&s->pd, mode) < 0) {
			ret = -EBADF;
			break;
		}
	}
	gort_mutex_unlock(dirlock(s, mode));
	/* What was written stays written: report it, the error comes with
	   the next call (as a blocking write interrupted half way). */
	if (done)
		return ret >= 0 ? done + ret : done;
	return ret;
}

long fd_io(int fd, int mode, struct sc *c, struct sc *sock, fd_more more, void *ctx)
{
	if (!shim_curg())
		return fd_offg(fd, mode, c, true, more, ctx);
	if (mainalone())
		return sc_block(c);
	struct fdref r;
again:
	fd_lookup(fd, &r);
	switch (r.state & FD_KIND) {
	case FD_SOCK: {
		/* A socket with SO_RCVTIMEO or SO_SNDTIMEO for this direction
		   blocks in the kernel, which keeps the time (sockets keep the
		   user's O_NONBLOCK, so the call as made does block). */
		if (!sock || (r.timeo & (mode == 'r' ? FD_RTIMEO : FD_WTIMEO)))
			break;
		/* The user made it non-blocking: the MSG_DONTWAIT form gives
		   the same answer, and cannot hold the P should the flag have
		   been cleared behind gort's back (through a duplicate). */
		long ret = r.state & FD_USERNB ? sc_raw(sock) : fd_loop(&r, mode, sock, more, ctx);
		/* The socket was closed behind gort's back and the number now
		   names a file or a pipe (fopen does not tell us): look again. */
		if (ret == -ENOTSOCK && fd_stale(fd, &r))
			goto again;
		return ret;
	}
	case FD_NB:
		if (r.state & FD_USERNB)
			return sc_raw(c);
		return fd_loop(&r, mode, c, more, ctx);
	}
	return sc_block(c);
}

long fd_offg(int fd, int mode, struct sc *c, bool cp, fd_more more, void *ctx)
{
	struct fdref r;
	fd_peek(fd, &r);
	long ret = cp ? sc_cp(c) : sc_raw(c);
	if ((r.state & (FD_KIND | FD_USERNB)) != FD_NB)
		return ret;
	/* gort made it non-blocking; the user expects the call to block. */
	long done = 0;
	for (;;) {
		if (ret > 0 && more && more(c, ret, ctx))
			done += ret;
		else if (ret != -EAGAIN)
			break;
		else {
			struct pollfd p = { .fd = fd, .events = mode == 'r' ? POLLIN : POLLOUT };
			struct sc wait = { SYS_poll, { (long)&p, 1, -1 } };
			long pr = cp ? sc_cp(&wait) : sc_raw(&wait);
			if (pr < 0 && pr != -EINTR) {
				ret = pr;
				break;
			}
		}
		ret = cp ? sc_cp(c) : sc_raw(c);
	}
	if (done)
		return ret >= 0 ? done + ret : done;
	return ret;
}

long sc_nowait(const struct sc *c)
{
	return shim_curg() ? sc_raw(c) : sc_cp(c);
}

void fd_switch(int fd, struct fdref *r)
{
	struct fdslot *s = r->s;
	slock(s);
	uint32_t st = atomic_load(&s->state);
	if ((st & FD_KIND) == FD_SOCK && atomic_load(&s->gen) == r->gen) {
		long fl = getfl(fd);
		if (fl >= 0 && ((fl & O_NONBLOCK) || setfl(fd, fl | O_NONBLOCK) >= 0)) {
			st = FD_NB | FD_LISTEN | (st & (FD_USERNB | FD_TCP));
			atomic_store_explicit(&s->state, st, memory_order_release);
		}
	}
	sunlock(s);
	r->state = st;
}

/* Drop what s knew about fd: waiters wake and fail with EBADF (they see
   closing, then the new generation). slot->lock held. */
static void drop(struct fdslot *s, int fd, uint32_t st)
{
	atomic_fetch_add_explicit(&s->gen, 1, memory_order_release);
	s->nbhint = 0;
	s->tcp = false;
	atomic_store(&s->timeo, 0);
	uint32_t kind = st & FD_KIND;
	if ((kind == FD_SOCK || kind == FD_NB) && !atomic_load(&shim_forked)) {
		netpollunblock_all(&s->pd);
		/* The registration outlives fd if the file is open elsewhere. */
		netpollclose(fd);
	}
}

void fd_newsock(int fd, bool usernb, int timeo, bool tcp)
{
	fd_note(fd, -1);
	struct fdslot *s = slotget(fd, true);
	if (!s)
		return;
	gort_mutex_lock(&s->rmu);
	gort_mutex_lock(&s->wmu);
	slock(s);
	uint32_t st = atomic_load(&s->state);
	if ((st & FD_KIND) != FD_BUSY) {
		/* Anything here is stale: the number was closed behind our
		   back (a raw close system call). */
		if ((st & FD_KIND) != FD_UNSEEN)
			drop(s, fd, st);
		s->nbhint = 0;
		atomic_store(&s->timeo, (uint8_t)timeo);
		s->tcp = tcp;
		st = pdopen(s, fd) ? FD_SOCK | (usernb ? FD_USERNB : 0) | (tcp ? FD_TCP : 0) : FD_PLAIN;
		atomic_store_explicit(&s->state, st, memory_order_release);
	}
	sunlock(s);
	gort_mutex_unlock(&s->wmu);
	gort_mutex_unlock(&s->rmu);
}

/* Forget what s says about fd: whatever it says (gen < 0), or only if it
   still describes the socket of generation gen. True if it forgot. */
static bool unsee(struct fdslot *s, int fd, int64_t gen)
{
	if (!s)
		return false;
	slock(s);
	uint32_t st = atomic_load(&s->state);
	uint32_t kind = st & FD_KIND;
	bool stale = gen < 0 ? kind != FD_UNSEEN && kind != FD_BUSY
	                     : kind == FD_SOCK && atomic_load(&s->gen) == (uint32_t)gen;
	if (stale) {
		drop(s, fd, st);
		atomic_store_explicit(&s->state, FD_UNSEEN, memory_order_release);
	}
	sunlock(s);
	return stale;
}

void fd_fresh(int fd)
{
	fd_note(fd, -1);
	struct fdslot *s = slotget(fd, false);
	unsee(s, fd, -1);
	/* A hint left for the number (an inherited descriptor, or a socket
	   never used, closed behind our back) is not the new description's. */
	if (s) {
		slock(s);
		if ((atomic_load(&s->state) & FD_KIND) == FD_UNSEEN) {
			s->nbhint = HINT_NONE;
			s->tcp = false;
		}
		sunlock(s);
	}
}

void fd_tcp(int fd)
{
	struct fdslot *s = slotget(fd, true);
	if (!s)
		return;
	slock(s);
	if ((atomic_load(&s->state) & FD_KIND) == FD_UNSEEN)
		s->tcp = true;
	sunlock(s);
}

bool fd_stale(int fd, struct fdref *r)
{
	return unsee(r->s, fd, r->gen);
}

struct fdslot *fd_forget(int fd)
{
	struct fdslot *s = slotget(fd, false);
	if (!s)
		return 0;
	for (;;) {
		slock(s);
		uint32_t st = atomic_load(&s->state);
		if ((st & FD_KIND) != FD_BUSY || atomic_load(&shim_forked)) {
			atomic_store(&s->state, FD_BUSY);
			drop(s, fd, st);
			sunlock(s);
			return s;
		}
		/* Another close or dup2 of the same number is under way. */
		sunlock(s);
		pause_();
	}
}

void fd_forget_done(struct fdslot *s, int hint)
{
	if (!s)
		return;
	slock(s);
	s->nbhint = (uint8_t)hint;
	atomic_store_explicit(&s->state, FD_UNSEEN, memory_order_release);
	sunlock(s);
}

/* The hint for nfd, about to be a duplicate of ofd, which gort has not
   examined: what classify would make of ofd, the user's view being the
   kernel's flag as long as gort has not switched the description. One
   that descriptors 0-2 are to share stays blocking, as they do. */
static int unseenhint(int ofd, int nfd)
{
	struct stat st;
	if (rawsyscall6(SYS_fstat, ofd, (long)&st, 0, 0, 0, 0) < 0)
		return HINT_NONE;
	switch (st.st_mode & S_IFMT) {
	case S_IFIFO:
	case S_IFCHR:
	case 0:
		break;
	case S_IFSOCK:
		return HINT_NONE;  /* never switched but for accept, which examines */
	default:
		return HINT_PLAIN;
	}
	if (ofd <= 2 || nfd <= 2)
		return HINT_PLAIN;
	long fl = getfl(ofd);
	if (fl < 0)
		return HINT_NONE;
	return fl & O_NONBLOCK ? HINT_NONBLOCK : HINT_BLOCK;
}

int fd_nbhint(int ofd, int nfd)
{
	struct fdslot *s = slotget(ofd, true);
	if (!s)
		return HINT_NONE;
	slock(s);
	uint32_t st = atomic_load(&s->state);
	int h = HINT_NONE;
	switch (st & FD_KIND) {
	case FD_NB:
		h = st & FD_USERNB ? HINT_NONBLOCK : HINT_BLOCK;
		break;
	case FD_PLAIN:
		h = HINT_PLAIN;
		break;
	case FD_UNSEEN:
		/* Two numbers for one description, neither examined: both must
		   make the same choice, and once gort switches the description
		   through one, the other must not take the flag for the
		   user's. So ofd keeps the hint too. */
		if (s->nbhint == HINT_NONE) {
			h = unseenhint(ofd, nfd);
			if (ofd > 2)
				s->nbhint = (uint8_t)h;
		}
		h = s->nbhint ? s->nbhint : h;
		break;
	}
	sunlock(s);
	return h;
}

void fd_dupped(int ofd, int nfd)
{
	fd_note(nfd, ofd);
	int hint = fd_nbhint(ofd, nfd);
	struct fdref o;
	fd_peek(ofd, &o);
	struct fdslot *s = slotget(nfd, hint != 0 || o.timeo);
	if (!s)
		return;
	slock(s);
	uint32_t st = atomic_load(&s->state);
	if ((st & FD_KIND) != FD_BUSY) {
		if ((st & FD_KIND) != FD_UNSEEN)
			drop(s, nfd, st);
		s->nbhint = (uint8_t)hint;
		s->tcp = false;
		atomic_store(&s->timeo, o.timeo);
		atomic_store_explicit(&s->state, FD_UNSEEN, memory_order_release);
	}
	sunlock(s);
}

void fd_settimeo(int fd, int bit, bool on)
{
	struct fdslot *s = slotget(fd, on);
	if (!s)
		return;
	if (on)
		atomic_fetch_or(&s->timeo, (uint8_t)bit);
	else
		atomic_fetch_and(&s->timeo, (uint8_t)~bit);
}

long fd_userflags(int fd, long kflags)
{
	struct fdslot *s = slotget(fd, false);
	if (!s || kflags < 0)
		return kflags;
	uint32_t st = atomic_load(&s->state);
	int view;
	switch (st & FD_KIND) {
	case FD_SOCK:
	case FD_NB:
		view = st & FD_USERNB ? 2 : 1;
		break;
	case FD_UNSEEN:
		view = s->nbhint == HINT_PLAIN ? 0 : s->nbhint;
		break;
	default:
		view = 0;
	}
	if (view)
		kflags = (kflags & ~O_NONBLOCK) | (view == 2 ? O_NONBLOCK : 0);
	return kflags;
}

long fd_setuserflags(int fd, long flags)
{
	struct fdslot *s = slotget(fd, false);
	if (!s)
		return flags;
	bool nb = (flags & O_NONBLOCK) != 0;
	slock(s);
	uint32_t st = atomic_load(&s->state);
	switch (st & FD_KIND) {
	case FD_NB:
		flags |= O_NONBLOCK;
		/* fallthrough */
	case FD_SOCK:
		st = nb ? st | FD_USERNB : st & ~(uint32_t)FD_USERNB;
		atomic_store_explicit(&s->state, st, memory_order_release);
		break;
	case FD_UNSEEN:
		if (s->nbhint == HINT_BLOCK || s->nbhint == HINT_NONBLOCK) {
			s->nbhint = nb ? HINT_NONBLOCK : HINT_BLOCK;
			flags |= O_NONBLOCK;
		}
		break;
	}
	sunlock(s);
	return flags;
}
