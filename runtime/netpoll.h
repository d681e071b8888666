/*
 * netpoll.h: descriptors registered with the network poller (Go's pollDesc).
 *
 * Each of rg and wg is a tiny state machine:
 *	PD_NONE   nothing happened since the last wait
 *	PD_READY  an I/O readiness notification is pending: the next wait
 *	          consumes it and does not park
 *	PD_WAIT   a goroutine is committing to park
 *	a g *     the goroutine parked waiting for readiness
 * netpollready (from netpoll, on any M) moves the word to PD_READY or wakes
 * the parked goroutine; netpollwait moves it to PD_WAIT, then to the G.
 */
#ifndef GORT_NETPOLL_H
#define GORT_NETPOLL_H

#include "runtime.h"

#define PD_NONE ((uintptr_t)0)
#define PD_READY ((uintptr_t)1)
#define PD_WAIT ((uintptr_t)2)

typedef struct pollDesc {
	struct pollDesc *link;   /* free list */
	int fd;
	_Atomic uintptr_t rg;
	_Atomic uintptr_t wg;
	_Atomic bool closing;    /* set by netpollunblock_all: waiters wake with an error */
	_Atomic uint32_t seq;    /* bumped on reuse, guards against stale events */
	/* The poller reported urgent data, the end of the stream or an error:
	   a read may now stop short of data that gives no further edge, so
	   reads stop parking before they try (fdtab.c's fd_loop). Set by
	   netpoll before it readies the reader; cleared on registration. */
	_Atomic bool rshort;
} pollDesc;

/* netpoll.c: the generic half */
hidden pollDesc *netpollopen_fd(int fd, int *errp);  /* register fd; NULL + *errp on failure */
hidden void netpollclose_fd(pollDesc *pd);            /* deregister and free */
hidden void netpollunblock_all(pollDesc *pd);         /* closing: wake every waiter */
hidden int netpollwait(pollDesc *pd, int mode);       /* 'r' or 'w': 0 ready, -1 closing */
hidden void netpollready(g **list, pollDesc *pd, int mode); /* mode: 'r', 'w' or 'r'+'w' */

/* netpoll_epoll.c: the OS half */
hidden int netpollopen(int fd, pollDesc *pd);         /* 0, or an errno value */
hidden int netpollclose(int fd);

#endif
