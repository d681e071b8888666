/*
 * poll.c: poll does not hold the P while it waits (overrides musl 1.2.3's
 * src/select/poll.c, which defines only poll).
 *
 * On a goroutine, poll first looks without waiting; only if nothing is
 * ready and the caller is willing to wait does it wait in the kernel,
 * between entersyscall and exitsyscall, so that sysmon can hand the P to
 * another M. That costs a thread per goroutine waiting in poll, which is
 * fine for the usual few (a resolver query, a helper waiting on a pipe)
 * and not for thousands: those should use read and write, which park.
 * poll with no descriptors and a timeout is a sleep and parks on gort's
 * timers. ppoll, select and pselect reach the kernel through
 * __syscall_cp and wait under entersyscall the same way.
 */
#include <poll.h>

#include <gort.h>

#include "shim.h"

int poll(struct pollfd *fds, nfds_t n, int timeout)
{
	struct sc c = { SYS_poll, { (long)fds, (long)n, timeout } };
	if (!shim_curg())
		return (int)sc_ret(sc_cp(&c));
	if (n == 0 && timeout > 0) {
		gort_sleep((int64_t)timeout * 1000000);
		return 0;
	}
	if (timeout == 0)
		return (int)sc_ret(sc_raw(&c));
	struct sc now = c;
	now.a[2] = 0;
	long r = sc_raw(&now);
	if (r != 0)
		return (int)sc_ret(r);
	return (int)sc_ret(sc_block(&c));
}
