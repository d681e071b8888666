/*
 * newfd.c: open, openat, socket, socketpair, pipe and pipe2 tell the
 * descriptor table that their numbers are new (overrides musl 1.2.3's
 * src/fcntl/open.c and openat.c, each one function and its weak *64
 * alias, and src/network/socket.c, socketpair.c, src/unistd/pipe.c,
 * pipe2.c, one function each).
 *
 * The table (fdtab.c) learns what a descriptor is on first use and
 * forgets it on close, dup2 and fclose. musl closes a few descriptors of
 * its own with a raw system call (the netlink socket of getifaddrs and
 * if_nameindex, the DNS resolver's socket), and a program may too; the
 * next descriptor with that number would be taken for the old one: a
 * socket the user made blocking would answer EAGAIN, or wait on a poller
 * registration that is gone. Every socket, pipe and opened file a program
 * makes comes through here, so that cannot happen to them. A file that
 * musl's fopen opens on such a number (with a raw system call) is caught
 * where it is used instead (fd_io's ENOTSOCK).
 *
 * open and openat are cancellation points in musl and may block (a FIFO
 * waits for its other end): they go through __syscall_cp, which runs them
 * under entersyscall on a goroutine (syscall_cp.c). musl falls back to
 * fcntl for O_CLOEXEC, SOCK_CLOEXEC, SOCK_NONBLOCK and pipe2's flags on
 * kernels older than 2.6.27; gort needs a newer kernel anyway
 * (epoll_create1, eventfd), so ours does not.
 */
#include <fcntl.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <sys/socket.h>
#include <unistd.h>

#include "shim.h"

/* r: a new descriptor, or -errno. */
static int opened(long r)
{
	if (r >= 0)
		fd_fresh((int)r);
	return (int)sc_ret(r);
}

/* The mode argument is there only when the file may be created. */
static bool hasmode(int flags)
{
	return (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE;
}

int openat(int dirfd, const char *path, int flags, ...)
{
	va_list ap;
	va_start(ap, flags);
	mode_t mode = hasmode(flags) ? va_arg(ap, mode_t) : 0;
	va_end(ap);
	return opened(__syscall_cp(SYS_openat, dirfd, (long)path, flags | O_LARGEFILE, mode, 0, 0));
}

/* For the kernel, open(path) is openat(AT_FDCWD, path). */
int open(const char *path, int flags, ...)
{
	va_list ap;
	va_start(ap, flags);
	mode_t mode = hasmode(flags) ? va_arg(ap, mode_t) : 0;
	va_end(ap);
	return openat(AT_FDCWD, path, flags, mode);
}

/* fcntl.h makes these names macros for open and openat under _GNU_SOURCE. */
#undef open64
#undef openat64
int open64(const char *path, int flags, ...) __attribute__((weak, alias("open")));
int openat64(int dirfd, const char *path, int flags, ...) __attribute__((weak, alias("openat")));

int socket(int domain, int type, int protocol)
{
	int fd = opened(rawsyscall6(SYS_socket, domain, type, protocol, 0, 0, 0));
	/* A stream of the internet families is TCP unless another protocol
	   (SCTP, MPTCP) is named. */
	if (fd >= 0 && (domain == AF_INET || domain == AF_INET6) && (type & 0xf) == SOCK_STREAM &&
	    (protocol == 0 || protocol == IPPROTO_TCP))
		fd_tcp(fd);
	return fd;
}

/* r: 0 with two new descriptors in fd, or -errno. */
static int openedpair(long r, int fd[2])
{
	if (r >= 0) {
		fd_fresh(fd[0]);
		fd_fresh(fd[1]);
	}
	return (int)sc_ret(r);
}

int socketpair(int domain, int type, int protocol, int fd[2])
{
	return openedpair(rawsyscall6(SYS_socketpair, domain, type, protocol, (long)fd, 0, 0), fd);
}

int pipe2(int fd[2], int flags)
{
	return openedpair(rawsyscall6(SYS_pipe2, (long)fd, flags, 0, 0, 0, 0), fd);
}

int pipe(int fd[2])
{
	return pipe2(fd, 0);
}
