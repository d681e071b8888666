/*
 * netpoll_epoll.c: the network poller on Linux epoll (Go's netpoll_epoll.go).
 *
 * Descriptors are registered once, edge-triggered, for both directions; an
 * eventfd lets another M cut a blocking epoll_wait short (netpollBreak),
 * which the scheduler uses when a timer earlier than the poller's deadline
 * is added. Nothing is opened until the first timer or descriptor needs it,
 * so a program that uses neither sees the descriptors it expects.
 */
#include <errno.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "netpoll.h"

static int epfd = -1;
static int breakfd = -1;
static int sigfd = -1;   /* signals no thread could take (signal.c) */
static _Atomic uint32_t netpollInited;
static _Atomic uint32_t netpollWakeSig;  /* a break is already on its way */
static mutex initlock;

void netpollinit(void)
{
	epfd = epoll_create1(EPOLL_CLOEXEC);
	if (epfd < 0) {
		printstr("runtime: epoll_create1 failed with ");
		printint(errno);
		printstr("\n");
		throw("runtime: netpollinit failed");
	}
	breakfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (breakfd < 0)
		throw("runtime: netpollinit failed to create eventfd");
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = &breakfd };
	if (epoll_ctl(epfd, EPOLL_CTL_ADD, breakfd, &ev) < 0)
		throw("runtime: netpollinit failed to register eventfd");
	sigfd = sigpendingfd();
	struct epoll_event sev = { .events = EPOLLIN | EPOLLET, .data.ptr = &sigfd };
	if (sigfd >= 0 && epoll_ctl(epfd, EPOLL_CTL_ADD, sigfd, &sev) < 0)
		sigfd = -1;
}

void netpollGenericInit(void)
{
	if (atomic_load_explicit(&netpollInited, memory_order_acquire))
		return;
	lock(&initlock);
	if (!atomic_load(&netpollInited)) {
		netpollinit();
		atomic_store_explicit(&netpollInited, 1, memory_order_release);
	}
	unlock(&initlock);
}

bool netpollinited(void)
{
	return atomic_load_explicit(&netpollInited, memory_order_acquire) != 0;
}

int netpollopen(int fd, pollDesc *pd)
{
	struct epoll_event ev = {
		.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLPRI | EPOLLET,
		.data.ptr = pd,
	};
	return epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) < 0 ? errno : 0;
}

int netpollclose(int fd)
{
	struct epoll_event ev = { 0 };
	return epoll_ctl(epfd, EPOLL_CTL_DEL, fd, &ev) < 0 ? errno : 0;
}

void netpollBreak(void)
{
	uint32_t z = 0;
	if (!atomic_compare_exchange_strong(&netpollWakeSig, &z, 1))
		return;
	uint64_t one = 1;
	/* Raw system calls: the runtime's own descriptor is none of the
	   libc-shim's business, even when a goroutine adds a timer. */
	for (;;) {
		long n = rawsyscall6(SYS_write, breakfd, (long)&one, sizeof one, 0, 0, 0);
		if (n == sizeof one || n == -EAGAIN)
			return;
		if (n != -EINTR)
			throw("runtime: netpollBreak write failed");
	}
}

/* Ready goroutines, linked by schedlink. delay < 0 blocks, 0 polls, > 0
   blocks for up to delay ns. */
g *netpoll(int64_t delay, int32_t *np)
{
	*np = 0;
	if (epfd < 0)
		return 0;
	int waitms;
	if (delay < 0)
		waitms = -1;
	else if (delay == 0)
		waitms = 0;
	else if (delay < 1000000)
		waitms = 1;   /* the kernel's granularity: round a short wait up */
	else if (delay < 1000000LL * 1000000)
		waitms = (int)(delay / 1000000);
	else
		waitms = 1000000000;
	struct epoll_event events[128];
	int n;
	for (;;) {
		/* A thread waiting here takes none of the program's signals,
		   unless no other can (sigfd, signal.c). */
		if (waitms != 0)
			sigmaskidle(getg()->m);
		n = epoll_wait(epfd, events, 128, waitms);
		if (n >= 0)
			break;
		if (errno != EINTR) {
			printstr("runtime: epoll_wait failed with ");
			printint(errno);
			printstr("\n");
			throw("runtime: netpoll failed");
		}
		/* A signal cut the wait short: return, the caller recomputes. */
		if (waitms > 0)
			return 0;
	}
	g *list = 0;
	for (int i = 0; i < n; i++) {
		struct epoll_event *ev = &events[i];
		if (ev->data.ptr == &sigfd) {
			sigpendingwake();
			continue;
		}
		if (ev->data.ptr == &breakfd) {
			if (delay != 0) {
				uint64_t v;
				rawsyscall6(SYS_read, breakfd, (long)&v, sizeof v, 0, 0, 0);
				atomic_store(&netpollWakeSig, 0);
			}
			continue;
		}
		int mode = 0;
		if (ev->events & (EPOLLPRI | EPOLLRDHUP | EPOLLHUP | EPOLLERR))
			atomic_store(&((pollDesc *)ev->data.ptr)->rshort, true);
		if (ev->events & (EPOLLIN | EPOLLPRI | EPOLLRDHUP | EPOLLHUP | EPOLLERR))
			mode += 'r';
		if (ev->events & (EPOLLOUT | EPOLLHUP | EPOLLERR))
			mode += 'w';
		if (mode) {
			g *before = list;
			netpollready(&list, ev->data.ptr, mode);
			for (g *x = list; x != before; x = x->schedlink)
				(*np)++;
		}
	}
	return list;
}
