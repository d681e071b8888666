/*
 * block.c: blocking calls musl does not make cancellation points
 * (overrides musl 1.2.3's src/linux/flock.c, sendfile.c, which also
 * defines sendfile64 as a weak alias, splice.c, tee.c and vmsplice.c).
 *
 * musl makes these with a plain system call, so __syscall_cp never sees
 * them, yet they can wait for long: flock for another process's lock,
 * sendfile and the splice family for a peer or a pipe. On a goroutine
 * they run between entersyscall and exitsyscall. The descriptors they
 * move data between may be ones gort switched to O_NONBLOCK (fdtab.c);
 * then an EAGAIN the user did not ask for is waited out with poll, under
 * entersyscall too, and the call made again.
 */
#include <fcntl.h>
#include <poll.h>
#include <sys/file.h>
#include <sys/sendfile.h>

#include "shim.h"

/* Did gort make fd non-blocking behind the user's back? */
static bool switched(int fd)
{
	struct fdref r;
	fd_peek(fd, &r);
	return (r.state & (FD_KIND | FD_USERNB)) == FD_NB;
}

static bool usernb(int fd)
{
	struct fdref r;
	fd_peek(fd, &r);
	uint32_t k = r.state & FD_KIND;
	return (k == FD_NB || k == FD_SOCK) && (r.state & FD_USERNB);
}

static long call(const struct sc *c, bool ong)
{
	return ong ? sc_block(c) : sc_raw(c);
}

/* c moves data from in to out (either may be -1: none). */
static long twofd(int in, int out, const struct sc *c, bool nonblock)
{
	bool ong = shim_curg() != 0;
	if (nonblock || (!switched(in) && !switched(out)))
		return call(c, ong);
	if ((in >= 0 && usernb(in)) || (out >= 0 && usernb(out)))
		return call(c, ong);
	for (;;) {
		long r = sc_raw(c);
		if (r != -EAGAIN)
			return r;
		struct pollfd p[2] = {
			{ .fd = in, .events = POLLIN },
			{ .fd = out, .events = POLLOUT },
		};
		struct sc wait = { SYS_poll, { (long)p, 2, -1 } };
		r = call(&wait, ong);
		if (r < 0 && r != -EINTR)
			return r;
	}
}

int flock(int fd, int op)
{
	struct sc c = { SYS_flock, { fd, op } };
	return (int)sc_ret(call(&c, shim_curg() && !(op & LOCK_NB)));
}

ssize_t sendfile(int out, int in, off_t *ofs, size_t count)
{
	struct sc c = { SYS_sendfile, { out, in, (long)ofs, (long)count } };
	return sc_ret(twofd(in, out, &c, false));
}

/* <sys/sendfile.h> makes sendfile64 a macro for sendfile; musl's object
   also exports the name, and a program that calls it must find ours. */
#undef sendfile64
ssize_t sendfile64(int, int, off_t *, size_t) __attribute__((alias("sendfile")));

ssize_t splice(int in, off_t *off_in, int out, off_t *off_out, size_t len, unsigned flags)
{
	struct sc c = { SYS_splice, { in, (long)off_in, out, (long)off_out, (long)len, flags } };
	return sc_ret(twofd(in, out, &c, flags & SPLICE_F_NONBLOCK));
}

ssize_t tee(int in, int out, size_t len, unsigned flags)
{
	struct sc c = { SYS_tee, { in, out, (long)len, flags } };
	return sc_ret(twofd(in, out, &c, flags & SPLICE_F_NONBLOCK));
}

ssize_t vmsplice(int fd, const struct iovec *iov, size_t cnt, unsigned flags)
{
	struct sc c = { SYS_vmsplice, { fd, (long)iov, (long)cnt, flags } };
	return sc_ret(twofd(fd, fd, &c, flags & SPLICE_F_NONBLOCK));
}
