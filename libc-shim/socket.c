/*
 * socket.c: recv, recvfrom, recvmsg, send, sendto, sendmsg park the
 * goroutine (overrides musl 1.2.3's src/network/recv.c, recvfrom.c,
 * recvmsg.c, send.c, sendto.c, sendmsg.c; recvmsg.o also defines
 * __convert_scm_timestamps, which only recvmsg uses and which does
 * nothing where time_t is 64 bits).
 *
 * On a socket registered with the poller the call is tried with
 * MSG_DONTWAIT added, and on EAGAIN the goroutine parks. A call the user
 * made with MSG_DONTWAIT returns EAGAIN as always. A read of the error
 * queue (MSG_ERRQUEUE) never waits where sockets have one; on a goroutine
 * it is made with MSG_DONTWAIT, so that a socket without one (which takes
 * it for a plain receive) cannot hold the P. MSG_WAITALL asks the kernel
 * to wait for the whole buffer, which a non-blocking attempt cannot do:
 * such a receive blocks under entersyscall.
 *
 * musl's struct msghdr and struct cmsghdr have padding where the kernel's
 * have wider fields; like musl we pass the kernel a copy with the padding
 * zeroed (and the control data copied, at most 1024 bytes, for sendmsg).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "shim.h"

/* A receive that must not wait: MSG_DONTWAIT or MSG_ERRQUEUE; flag is
   the index of the flags argument in c. */
static long nowait(struct sc *c, int flag)
{
	if (!shim_curg())
		return sc_cp(c);
	c->a[flag] |= MSG_DONTWAIT;
	return sc_raw(c);
}

ssize_t recvfrom(int fd, void *restrict buf, size_t len, int flags, struct sockaddr *restrict addr,
                 socklen_t *restrict alen)
{
	struct sc c = { SYS_recvfrom, { fd, (long)buf, (long)len, flags, (long)addr, (long)alen } };
	if (flags & (MSG_DONTWAIT | MSG_ERRQUEUE))
		return sc_ret(nowait(&c, 3));
	struct sc s = c;
	s.a[3] |= MSG_DONTWAIT;
	return sc_ret(fd_io(fd, 'r', &c, flags & MSG_WAITALL ? 0 : &s, 0, 0));
}

ssize_t recv(int fd, void *buf, size_t len, int flags)
{
	return recvfrom(fd, buf, len, flags, 0, 0);
}

ssize_t recvmsg(int fd, struct msghdr *msg, int flags)
{
	struct msghdr h, *mp = msg;
	if (msg) {
		h = *msg;
		h.__pad1 = h.__pad2 = 0;
		mp = &h;
	}
	struct sc c = { SYS_recvmsg, { fd, (long)mp, flags } };
	long r;
	if (flags & (MSG_DONTWAIT | MSG_ERRQUEUE)) {
		r = nowait(&c, 2);
	} else {
		struct sc s = c;
		s.a[2] |= MSG_DONTWAIT;
		r = fd_io(fd, 'r', &c, flags & MSG_WAITALL ? 0 : &s, 0, 0);
	}
	if (msg)
		*msg = h;
	return sc_ret(r);
}

ssize_t sendto(int fd, const void *buf, size_t len, int flags, const struct sockaddr *addr,
               socklen_t alen)
{
	struct sc c = { SYS_sendto, { fd, (long)buf, (long)len, flags, (long)addr, alen } };
	if (flags & MSG_DONTWAIT)
		return sc_ret(sc_nowait(&c));
	struct sc s = c;
	s.a[3] |= MSG_DONTWAIT;
	return sc_ret(fd_io(fd, 'w', &c, &s, more_buf, 0));
}

ssize_t send(int fd, const void *buf, size_t len, int flags)
{
	return sendto(fd, buf, len, flags, 0, 0);
}

/* After part of a sendmsg went out, the rest goes without the ancillary
   data (it went with the first part) and, on a stream, without a name. */
static bool more_msg(struct sc *c, long n, void *ctx)
{
	struct iovcur *v = ctx;
	v->mh->msg_control = 0;
	v->mh->msg_controllen = 0;
	return more_iov(c, n, ctx);
}

ssize_t sendmsg(int fd, const struct msghdr *msg, int flags)
{
	struct msghdr h;
	struct cmsghdr chbuf[1024 / sizeof(struct cmsghdr) + 1];
	if (msg) {
		h = *msg;
		h.__pad1 = h.__pad2 = 0;
		msg = &h;
		if (h.msg_controllen) {
			if (h.msg_controllen > 1024) {
				errno = ENOMEM;
				return -1;
			}
			memcpy(chbuf, h.msg_control, h.msg_controllen);
			h.msg_control = chbuf;
			for (struct cmsghdr *ch = CMSG_FIRSTHDR(&h); ch; ch = CMSG_NXTHDR(&h, ch))
				ch->__pad1 = 0;
		}
	}
	struct sc c = { SYS_sendmsg, { fd, (long)msg, flags } };
	if (!msg || (flags & MSG_DONTWAIT))
		return sc_ret(sc_nowait(&c));
	struct sc s = c;
	s.a[2] |= MSG_DONTWAIT;
	struct iovcur v = { .iov = h.msg_iov, .cnt = h.msg_iovlen, .mh = &h };
	long r = fd_io(fd, 'w', &c, &s, more_msg, &v);
	iovfree(v.own);
	return sc_ret(r);
}
