/*
 * close.c: closing or replacing a descriptor wakes its waiters
 * (overrides musl 1.2.3's src/unistd/close.c, dup.c, dup2.c and dup3.c,
 * which defines __dup3 with dup3 as a weak alias; and provides the weak
 * hook __aio_close that close.c and src/stdio/__stdio_close.c define as
 * a dummy).
 *
 * Before the system call that closes fd (close, or dup2/dup3 onto it),
 * fd_forget marks its slot busy, wakes any goroutine parked on it (they
 * return EBADF) and takes it out of the epoll set; the slot is forgotten
 * once the call returned, so that whatever gets the number next is
 * examined afresh. fclose closes with a raw system call and only tells
 * __aio_close: ours forgets the descriptor there. A program that uses
 * POSIX AIO links musl's strong __aio_close instead, and fclose then
 * does not tell gort (docs/libc.md).
 *
 * A duplicate shares the open file description, hence the O_NONBLOCK
 * gort may have set: it inherits the user's view of the flag (fd_dupped).
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "shim.h"

static int aio_close_hook(int fd)
{
	fd_note(fd, -1);
	fd_forget_done(fd_forget(fd), 0);
	return fd;
}

hidden int __aio_close(int fd) __attribute__((weak, alias("aio_close_hook")));

int close(int fd)
{
	/* musl's __aio_close when POSIX AIO is linked: it cancels the
	   descriptor's AIO first, as in musl's close. */
	if (__aio_close != aio_close_hook)
		fd = __aio_close(fd);
	fd_note(fd, -1);
	struct fdslot *s = fd_forget(fd);
	long r = __syscall_cp(SYS_close, fd, 0, 0, 0, 0, 0);
	/* Linux has closed fd even when interrupted (musl's close). */
	if (r == -EINTR)
		r = 0;
	fd_forget_done(s, 0);
	return (int)sc_ret(r);
}

int dup(int fd)
{
	long r = rawsyscall6(SYS_dup, fd, 0, 0, 0, 0, 0);
	if (r >= 0)
		fd_dupped(fd, (int)r);
	return (int)sc_ret(r);
}

/* The system call that makes nfd a copy of ofd, closing what nfd was. A
   call that fails before closing anything (ofd not open, nfd out of
   range) must not disturb nfd's waiters: check first. */
static long replace(long nr, int ofd, int nfd, int flags)
{
	if (rawsyscall6(SYS_fcntl, ofd, F_GETFD, 0, 0, 0, 0) < 0 || nfd < 0)
		return -EBADF;
	fd_note(nfd, ofd);
	int hint = fd_nbhint(ofd, nfd);
	struct fdslot *s = fd_forget(nfd);
	long r;
	/* EBUSY: nfd is being opened by another thread right now (musl). */
	while ((r = rawsyscall6(nr, ofd, nfd, flags, 0, 0, 0)) == -EBUSY)
		;
	fd_forget_done(s, r >= 0 ? hint : 0);
	return r;
}

int dup2(int old, int new)
{
	if (old == new) {
		/* Nothing is closed: dup2 only checks that old is open. */
		long r = rawsyscall6(SYS_fcntl, old, F_GETFD, 0, 0, 0, 0);
		return (int)sc_ret(r < 0 ? r : old);
	}
	return (int)sc_ret(replace(SYS_dup2, old, new, 0));
}

hidden int __dup3(int old, int new, int flags)
{
	if (old == new || (flags & ~O_CLOEXEC))
		return (int)sc_ret(-EINVAL);
	return (int)sc_ret(replace(SYS_dup3, old, new, flags));
}

int dup3(int old, int new, int flags) __attribute__((alias("__dup3")));
