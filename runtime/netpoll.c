/*
 * netpoll.c: the generic half of the network poller (Go's netpoll.go):
 * pollDesc lifetimes and the park/ready protocol described in netpoll.h.
 *
 * pollDescs are never freed, only reused through a free list, so a late
 * event from epoll for a closed descriptor finds valid memory (and a bumped
 * seq) rather than freed memory.
 */
#include <errno.h>
#include <stdlib.h>

#include "netpoll.h"

static mutex pdlock;               /* guards pdfree */
static pollDesc *pdfree;
static _Atomic int32_t nwaiters;   /* goroutines parked in netpollwait */

bool netpollanyWaiters(void)
{
	return atomic_load(&nwaiters) > 0;
}

pollDesc *netpollopen_fd(int fd, int *errp)
{
	netpollGenericInit();
	lock(&pdlock);
	pollDesc *pd = pdfree;
	if (pd)
		pdfree = pd->link;
	unlock(&pdlock);
	if (!pd) {
		pd = persistentalloc(sizeof *pd, _Alignof(pollDesc));
		if (!pd) {
			*errp = ENOMEM;
			return 0;
		}
	}
	pd->fd = fd;
	atomic_store(&pd->rg, PD_NONE);
	atomic_store(&pd->wg, PD_NONE);
	atomic_store(&pd->closing, false);
	atomic_store(&pd->rshort, false);
	atomic_fetch_add(&pd->seq, 1);
	int err = netpollopen(fd, pd);
	if (err) {
		lock(&pdlock);
		pd->link = pdfree;
		pdfree = pd;
		unlock(&pdlock);
		*errp = err;
		return 0;
	}
	return pd;
}

void netpollclose_fd(pollDesc *pd)
{
	netpollunblock_all(pd);
	netpollclose(pd->fd);
	atomic_fetch_add(&pd->seq, 1);
	lock(&pdlock);
	pd->link = pdfree;
	pdfree = pd;
	unlock(&pdlock);
}

/* Take the G parked on *gpp, if any, leaving PD_READY behind when ioready
   (or when nobody was waiting, a pending notification). */
static g *netpollunblock(_Atomic uintptr_t *gpp, bool ioready)
{
	for (;;) {
		uintptr_t old = atomic_load(gpp);
		if (old == PD_READY)
			return 0;
		if (old == PD_NONE && !ioready)
			return 0;
		uintptr_t new = ioready ? PD_READY : PD_NONE;
		if (atomic_compare_exchange_weak(gpp, &old, new)) {
			if (old == PD_WAIT || old == PD_NONE)
				return 0;
			atomic_fetch_sub(&nwaiters, 1);
			return (g *)old;
		}
	}
}

void netpollready(g **list, pollDesc *pd, int mode)
{
	g *rg = 0, *wg = 0;
	if (mode == 'r' || mode == 'r' + 'w')
		rg = netpollunblock(&pd->rg, true);
	if (mode == 'w' || mode == 'r' + 'w')
		wg = netpollunblock(&pd->wg, true);
	if (rg) {
		rg->schedlink = *list;
		*list = rg;
	}
	if (wg) {
		wg->schedlink = *list;
		*list = wg;
	}
}

void netpollunblock_all(pollDesc *pd)
{
	atomic_store(&pd->closing, true);
	g *rg = netpollunblock(&pd->rg, false);
	g *wg = netpollunblock(&pd->wg, false);
	if (rg)
		goready(rg);
	if (wg)
		goready(wg);
}

static bool netpollcommit(g *gp, void *arg)
{
	_Atomic uintptr_t *gpp = arg;
	uintptr_t w = PD_WAIT;
	bool ok = atomic_compare_exchange_strong(gpp, &w, (uintptr_t)gp);
	if (ok)
		atomic_fetch_add(&nwaiters, 1);
	return ok;
}

/* Park until fd is ready for mode ('r' or 'w'). 0: go and try the I/O;
   -1: the descriptor is being closed. */
int netpollwait(pollDesc *pd, int mode)
{
	_Atomic uintptr_t *gpp = mode == 'r' ? &pd->rg : &pd->wg;
	for (;;) {
		if (atomic_load(&pd->closing))
			return -1;
		uintptr_t old = atomic_load(gpp);
		if (old == PD_READY) {
			if (atomic_compare_exchange_strong(gpp, &old, PD_NONE))
				return 0;
			continue;
		}
		if (old != PD_NONE)
			throw("runtime: double wait on a descriptor");
		if (atomic_compare_exchange_strong(gpp, &old, PD_WAIT))
			break;
	}
	/* Re-check closing after PD_WAIT is published: a racing close either
	   sees PD_WAIT (and leaves PD_NONE) or we see closing here. */
	if (!atomic_load(&pd->closing))
		gopark(netpollcommit, (void *)gpp, waitReasonIOWait);
	else
		atomic_store(gpp, PD_NONE);
	/* Woken: by readiness (PD_READY consumed below) or by close. */
	uintptr_t old = atomic_exchange(gpp, PD_NONE);
	if (old > PD_WAIT)
		throw("runtime: corrupted polldesc");
	return atomic_load(&pd->closing) && old != PD_READY ? -1 : 0;
}
