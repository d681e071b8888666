/*
 * accept.c: accept, accept4 and connect park the goroutine (overrides
 * musl 1.2.3's src/network/accept.c, accept4.c and connect.c, one
 * function each).
 *
 * Neither call has a per-call non-blocking flag. A socket accept is
 * called on is a listening socket, which nothing else reads or writes:
 * gort sets O_NONBLOCK on it for good (the user's view stays what they
 * set, fcntl.c) and accept parks on EAGAIN. The accepted socket is
 * registered with the poller at once, with the O_NONBLOCK the user asked
 * for (SOCK_NONBLOCK) and nothing else changed.
 *
 * connect sets O_NONBLOCK only for the call itself, then waits for the
 * socket to become writable and reads the outcome with SO_ERROR, as Go's
 * netFD.connect does. A connect that cannot wait that way (EAGAIN: a
 * Unix socket whose listener's backlog is full) is made again, blocking,
 * under entersyscall.
 *
 * musl's accept4 falls back to accept plus fcntl on kernels without
 * accept4 (before 2.6.28); gort needs a newer kernel anyway (epoll_create1,
 * eventfd), so ours does not.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/socket.h>

#include "shim.h"

static int acceptx(long nr, int fd, struct sockaddr *addr, socklen_t *len, int flg)
{
	struct sc c = { nr, { fd, (long)addr, (long)len, flg } };
	if (!shim_curg())
		return (int)sc_ret(fd_offg(fd, 'r', &c, true, 0, 0));
	struct fdref r;
	if (mainalone()) {
		fd_peek(fd, &r);
		long ret = sc_block(&c);
		if (ret >= 0) {
			fd_fresh((int)ret);
			for (int bit = FD_RTIMEO; bit <= FD_WTIMEO; bit <<= 1)
				if (r.timeo & bit)
					fd_settimeo((int)ret, bit, true);
		}
		return (int)sc_ret(ret);
	}
	fd_lookup(fd, &r);
	/* With SO_RCVTIMEO the kernel must keep the time: leave it blocking. */
	if ((r.state & FD_KIND) == FD_SOCK && !(r.timeo & FD_RTIMEO))
		fd_switch(fd, &r);
	long ret;
	if ((r.state & FD_KIND) != FD_NB)
		ret = sc_block(&c);
	else if (r.state & FD_USERNB)
		ret = sc_raw(&c);
	else
		ret = fd_loop(&r, 'r', &c, 0, 0);
	if (ret >= 0)
		fd_newsock((int)ret, flg & SOCK_NONBLOCK, r.timeo, r.state & FD_TCP);
	return (int)sc_ret(ret);
}

int accept(int fd, struct sockaddr *restrict addr, socklen_t *restrict len)
{
	return acceptx(SYS_accept, fd, addr, len, 0);
}

int accept4(int fd, struct sockaddr *restrict addr, socklen_t *restrict len, int flg)
{
	return acceptx(SYS_accept4, fd, addr, len, flg);
}

/* After EINPROGRESS: wait until the connection is made or refused. The
   poller may wake us before it is decided (an unconnected socket reports
   a hang-up when it is registered; Go issues 14548, 19289), so a zero
   SO_ERROR is only believed once the socket has a peer. */
static long connwait(struct fdref *r, int fd)
{
	long ret;
	fd_lockdir(r->s, 'w');
	for (;;) {
		ret = fd_wait(r, 'w');
		if (ret < 0)
			break;
		int err = 0;
		socklen_t len = sizeof err;
		ret = rawsyscall6(SYS_getsockopt, fd, SOL_SOCKET, SO_ERROR, (long)&err, (long)&len, 0);
		if (ret < 0)
			break;
		if (err == 0) {
			struct sockaddr_storage ss;
			socklen_t sl = sizeof ss;
			ret = rawsyscall6(SYS_getpeername, fd, (long)&ss, (long)&sl, 0, 0, 0);
			if (ret == 0)
				break;
		} else if (err != EINPROGRESS && err != EALREADY && err != EINTR) {
			ret = -err;
			break;
		}
	}
	fd_unlockdir(r->s, 'w');
	return ret;
}

int connect(int fd, const struct sockaddr *addr, socklen_t len)
{
	struct sc c = { SYS_connect, { fd, (long)addr, len } };
	if (!shim_curg())
		return (int)sc_ret(fd_offg(fd, 'w', &c, true, 0, 0));
	if (mainalone())
		return (int)sc_ret(sc_block(&c));
	struct fdref r;
	fd_lookup(fd, &r);
	uint32_t kind = r.state & FD_KIND;
	if ((kind != FD_SOCK && kind != FD_NB) || (r.state & FD_USERNB))
		return (int)sc_ret(kind == FD_PLAIN ? sc_block(&c) : sc_raw(&c));
	/* SO_SNDTIMEO bounds a blocking connect: let the kernel keep it. */
	if (kind == FD_SOCK && (r.timeo & FD_WTIMEO))
		return (int)sc_ret(sc_block(&c));
	long ret;
	if (kind == FD_SOCK) {
		long fl = rawsyscall6(SYS_fcntl, fd, F_GETFL, 0, 0, 0, 0);
		if (fl < 0)
			return (int)sc_ret(fl);
		rawsyscall6(SYS_fcntl, fd, F_SETFL, fl | O_NONBLOCK, 0, 0, 0);
		ret = sc_raw(&c);
		rawsyscall6(SYS_fcntl, fd, F_SETFL, fl, 0, 0, 0);
	} else {
		ret = sc_raw(&c);
	}
	if (ret == -EAGAIN)
		ret = sc_block(&c);
	else if (ret == -EINPROGRESS)
		ret = connwait(&r, fd);
	return (int)sc_ret(ret);
}
