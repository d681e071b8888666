/*
 * newfd.c: socket, socketpair, pipe and pipe2 tell the descriptor table
 * that their numbers are new (overrides musl 1.2.3's src/network/socket.c,
 * socketpair.c and src/unistd/pipe.c, pipe2.c, one function each).
 *
 * The table (fdtab.c) learns what a descriptor is on first use and
 * forgets it on close, dup2 and fclose. musl closes a few descriptors of
 * its own with a raw system call (the netlink socket of getifaddrs and
 * if_nameindex, the DNS resolver's socket), and a program may too; the
 * next descriptor with that number would be taken for the old one: a
 * socket the user made blocking would answer EAGAIN, or wait on a poller
 * registration that is gone. Every socket and pipe a program makes comes
 * through here, so that cannot happen to them. A file opened by fopen on
 * such a number is caught where it is used instead (fd_io's ENOTSOCK).
 *
 * musl falls back to fcntl for SOCK_CLOEXEC, SOCK_NONBLOCK and pipe2's
 * flags on kernels older than 2.6.27; gort needs a newer kernel anyway
 * (epoll_create1, eventfd), so ours does not.
 */
#include <sys/socket.h>
#include <unistd.h>

#include "shim.h"

int socket(int domain, int type, int protocol)
{
	long r = rawsyscall6(SYS_socket, domain, type, protocol, 0, 0, 0);
	if (r >= 0)
		fd_fresh((int)r);
	return (int)sc_ret(r);
}

int socketpair(int domain, int type, int protocol, int fd[2])
{
	long r = rawsyscall6(SYS_socketpair, domain, type, protocol, (long)fd, 0, 0);
	if (r >= 0) {
		fd_fresh(fd[0]);
		fd_fresh(fd[1]);
	}
	return (int)sc_ret(r);
}

int pipe2(int fd[2], int flags)
{
	long r = rawsyscall6(SYS_pipe2, (long)fd, flags, 0, 0, 0, 0);
	if (r >= 0) {
		fd_fresh(fd[0]);
		fd_fresh(fd[1]);
	}
	return (int)sc_ret(r);
}

int pipe(int fd[2])
{
	return pipe2(fd, 0);
}
