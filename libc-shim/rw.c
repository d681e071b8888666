/*
 * rw.c: read, write, readv, writev park the goroutine
 * (overrides musl 1.2.3's src/unistd/read.c, write.c, readv.c, writev.c,
 * each of which defines only its function).
 *
 * musl's versions are one cancellation-point system call each. Ours send
 * the call through fd_io (fdtab.c): on a socket it is retried with
 * MSG_DONTWAIT as recvfrom/sendto/recvmsg/sendmsg (the same operation
 * for the kernel, without touching the descriptor's O_NONBLOCK), on a
 * pipe, FIFO or character device gort switched to O_NONBLOCK it is
 * retried as is; on EAGAIN the goroutine parks in the netpoller. Anything
 * else runs between entersyscall and exitsyscall. Off goroutines the call
 * is musl's, a cancellation point.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "shim.h"

bool more_buf(struct sc *c, long n, void *ctx)
{
	(void)ctx;
	c->a[1] += n;
	c->a[2] -= n;
	return c->a[2] > 0;
}

/* The copy has a mapping of its own, its length in front: a malloc here
   would link musl's allocator into every program (stdio writes come
   through here), and a write that stops inside one of several buffers
   is rare. */
static struct iovec *iovcopy(const struct iovec *iov, int cnt)
{
	size_t n = ((size_t)cnt + 1) * sizeof *iov;
	struct iovec *own = sysalloc(n);
	if (!own)
		return 0;
	own[0].iov_len = n;
	memcpy(own + 1, iov, (size_t)cnt * sizeof *iov);
	return own + 1;
}

void iovfree(struct iovec *own)
{
	if (own)
		sysfree(own - 1, own[-1].iov_len);
}

bool more_iov(struct sc *c, long n, void *ctx)
{
	struct iovcur *v = ctx;
	size_t left = (size_t)n;
	while (v->cnt > 0 && left >= v->iov[0].iov_len) {
		left -= v->iov[0].iov_len;
		v->iov++;
		v->cnt--;
	}
	while (v->cnt > 0 && v->iov[0].iov_len == 0) {
		v->iov++;
		v->cnt--;
	}
	if (v->cnt == 0)
		return false;
	if (left) {
		/* The user's array is const: change a copy of what is left. */
		if (!v->own) {
			v->own = iovcopy(v->iov, v->cnt);
			if (!v->own)
				return false;
			v->iov = v->own;
		}
		struct iovec *first = (struct iovec *)v->iov;
		first->iov_base = (char *)first->iov_base + left;
		first->iov_len -= left;
	}
	if (c->nr == SYS_sendmsg) {
		v->mh->msg_iov = (struct iovec *)v->iov;
		v->mh->msg_iovlen = v->cnt;
	} else {
		c->a[1] = (long)v->iov;
		c->a[2] = v->cnt;
	}
	return true;
}

/* Bytes an iovec array asks for; 0 also when it is malformed, in which
   case the plain call reports the error. */
static size_t iovlen(const struct iovec *iov, int cnt)
{
	size_t n = 0;
	if (cnt <= 0 || cnt > IOV_MAX)
		return 0;
	for (int i = 0; i < cnt; i++)
		n += iov[i].iov_len;
	return n;
}

ssize_t read(int fd, void *buf, size_t count)
{
	struct sc c = { SYS_read, { fd, (long)buf, (long)count } };
	/* A read of 0 bytes on a datagram socket returns 0; a recvfrom of
	   0 bytes would swallow a datagram. */
	struct sc s = { SYS_recvfrom, { fd, (long)buf, (long)count, MSG_DONTWAIT, 0, 0 } };
	return sc_ret(fd_io(fd, 'r', &c, count ? &s : 0, 0, 0));
}

ssize_t write(int fd, const void *buf, size_t count)
{
	struct sc c = { SYS_write, { fd, (long)buf, (long)count } };
	struct sc s = { SYS_sendto, { fd, (long)buf, (long)count, MSG_DONTWAIT, 0, 0 } };
	return sc_ret(fd_io(fd, 'w', &c, count ? &s : 0, more_buf, 0));
}

ssize_t readv(int fd, const struct iovec *iov, int cnt)
{
	struct sc c = { SYS_readv, { fd, (long)iov, cnt } };
	struct msghdr mh = { .msg_iov = (struct iovec *)iov, .msg_iovlen = cnt };
	struct sc s = { SYS_recvmsg, { fd, (long)&mh, MSG_DONTWAIT } };
	return sc_ret(fd_io(fd, 'r', &c, iovlen(iov, cnt) ? &s : 0, 0, 0));
}

ssize_t writev(int fd, const struct iovec *iov, int cnt)
{
	struct sc c = { SYS_writev, { fd, (long)iov, cnt } };
	struct msghdr mh = { .msg_iov = (struct iovec *)iov, .msg_iovlen = cnt };
	struct sc s = { SYS_sendmsg, { fd, (long)&mh, MSG_DONTWAIT } };
	struct iovcur v = { .iov = iov, .cnt = cnt, .mh = &mh };
	long r = fd_io(fd, 'w', &c, iovlen(iov, cnt) ? &s : 0, more_iov, &v);
	iovfree(v.own);
	return sc_ret(r);
}
