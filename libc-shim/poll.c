/*
 * poll.c: poll does not hold the P while it waits (overrides musl 1.2.3's
 * src/select/poll.c, which defines only poll).
 *
 * On a goroutine, the common case of a server waiting for one connection
 * with a timeout, poll on a single descriptor the poller has (a socket, or
 * a pipe gort switched) for reading or for writing, parks the goroutine:
 * it looks with a zero timeout, waits in the netpoller for the next edge or
 * the deadline (a timer), and looks again. It holds the descriptor's lock
 * for that direction meanwhile, so a goroutine already parked reading the
 * same descriptor delays it. Any other poll (several descriptors, both
 * directions, POLLPRI, a regular file) looks without waiting first, then
 * waits in the kernel between entersyscall and exitsyscall: a thread per
 * such waiter, fine for a few. poll with no descriptors and a timeout is
 * a sleep and parks on gort's timers. ppoll, select and pselect reach the
 * kernel through __syscall_cp and wait under entersyscall.
 */
#include <poll.h>

#include <gort.h>

#include "shim.h"

enum { NOTPARKED = -2 };

static int pollpark(struct pollfd *pfd, int timeout)
{
	short ev = pfd->events;
	bool rd = ev & (POLLIN | POLLRDNORM | POLLRDHUP), wr = ev & (POLLOUT | POLLWRNORM);
	if (rd == wr || (ev & (POLLPRI | POLLRDBAND | POLLWRBAND)) || pfd->fd < 0)
		return NOTPARKED;
	int mode = rd ? 'r' : 'w';
	struct fdref r;
	fd_lookup(pfd->fd, &r);
	uint32_t kind = r.state & FD_KIND;
	if (kind != FD_SOCK && kind != FD_NB)
		return NOTPARKED;
	int64_t deadline = timeout < 0 ? -1 : gort_nanotime() + (int64_t)timeout * 1000000;
	struct sc look = { SYS_poll, { (long)pfd, 1, 0 } };
	long ret;
	fd_lockdir(r.s, mode);
	for (;;) {
		ret = sc_raw(&look);
		if (ret != 0 || (deadline >= 0 && gort_nanotime() >= deadline))
			break;
		if (fd_waituntil(&r, mode, deadline) < 0) {
			/* Closed under us: as poll reports a descriptor that is
			   not open. */
			pfd->revents = POLLNVAL;
			ret = 1;
			break;
		}
	}
	fd_unlockdir(r.s, mode);
	return (int)ret;
}

int poll(struct pollfd *fds, nfds_t n, int timeout)
{
	struct sc c = { SYS_poll, { (long)fds, (long)n, timeout } };
	if (!shim_curg())
		return (int)sc_ret(sc_cp(&c));
	if (mainalone())
		return (int)sc_ret(sc_block(&c));
	if (n == 0 && timeout > 0) {
		gort_sleep((int64_t)timeout * 1000000);
		return 0;
	}
	if (timeout == 0)
		return (int)sc_ret(sc_raw(&c));
	if (n == 1) {
		int r = pollpark(fds, timeout);
		if (r != NOTPARKED)
			return (int)sc_ret(r);
	}
	struct sc now = c;
	now.a[2] = 0;
	long r = sc_raw(&now);
	if (r != 0)
		return (int)sc_ret(r);
	return (int)sc_ret(sc_block(&c));
}
