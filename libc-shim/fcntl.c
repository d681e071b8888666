/*
 * fcntl.c: the user's view of O_NONBLOCK (overrides musl 1.2.3's
 * src/fcntl/fcntl.c and src/misc/ioctl.c, one function each).
 *
 * gort sets O_NONBLOCK on pipes, FIFOs, character devices and listening
 * sockets it parks goroutines on (fdtab.c). F_GETFL shows the flag as the
 * user last set it, F_SETFL and ioctl FIONBIO record what the user wants
 * and leave the kernel's flag set, and the wrappers return EAGAIN only
 * when the user asked for it. F_SETLKW waits under entersyscall (musl
 * makes it a cancellation point, through __syscall_cp). A duplicate made
 * with F_DUPFD inherits the user's view (close.c).
 *
 * Departures from musl, none visible on the kernels gort runs on: musl
 * retries F_DUPFD_CLOEXEC as F_DUPFD + FD_CLOEXEC on kernels older than
 * 2.6.24, and its ioctl converts a few time64 structures on 32-bit
 * machines (dead code on x86-64).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <sys/ioctl.h>

#include "shim.h"

static long rawfcntl(int fd, int cmd, long arg)
{
	return rawsyscall6(SYS_fcntl, fd, cmd, arg, 0, 0, 0);
}

int fcntl(int fd, int cmd, ...)
{
	va_list ap;
	va_start(ap, cmd);
	unsigned long arg = va_arg(ap, unsigned long);
	va_end(ap);
	long r;
	switch (cmd) {
	case F_GETFL:
		r = fd_userflags(fd, rawfcntl(fd, F_GETFL, 0));
		break;
	case F_SETFL:
		r = rawfcntl(fd, F_SETFL, fd_setuserflags(fd, (long)(arg | O_LARGEFILE)));
		break;
	case F_SETLKW:
		r = __syscall_cp(SYS_fcntl, fd, cmd, (long)arg, 0, 0, 0);
		break;
	case F_GETOWN: {
		/* A process group comes back as a negative number, which the
		   plain F_GETOWN cannot return (it looks like an error). */
		struct f_owner_ex ex;
		r = rawfcntl(fd, F_GETOWN_EX, (long)&ex);
		if (r == -EINVAL)
			r = rawfcntl(fd, F_GETOWN, 0);
		else if (r == 0)
			return ex.type == F_OWNER_PGRP ? -ex.pid : ex.pid;
		break;
	}
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		r = rawfcntl(fd, cmd, (long)arg);
		if (r >= 0)
			fd_dupped(fd, (int)r);
		break;
	default:
		r = rawfcntl(fd, cmd, (long)arg);
	}
	return (int)sc_ret(r);
}

int ioctl(int fd, int req, ...)
{
	va_list ap;
	va_start(ap, req);
	void *arg = va_arg(ap, void *);
	va_end(ap);
	if (req == FIONBIO && arg) {
		/* Same as F_SETFL with O_NONBLOCK changed, for the kernel too. */
		long fl = rawfcntl(fd, F_GETFL, 0);
		if (fl >= 0) {
			fl = fd_userflags(fd, fl);
			fl = *(int *)arg ? fl | O_NONBLOCK : fl & ~(long)O_NONBLOCK;
			fl = rawfcntl(fd, F_SETFL, fd_setuserflags(fd, fl));
			return (int)sc_ret(fl < 0 ? fl : 0);
		}
	}
	return (int)sc_ret(rawsyscall6(SYS_ioctl, fd, req, (long)arg, 0, 0, 0));
}
