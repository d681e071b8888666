/*
 * sockopt.c: socket timeouts keep working on goroutines (overrides musl
 * 1.2.3's src/network/setsockopt.c, which defines only setsockopt; its
 * time64 conversions are for 32-bit machines and do nothing on x86-64).
 *
 * A goroutine's call on a socket is made without blocking and parks in
 * the poller, so the kernel never applies SO_RCVTIMEO or SO_SNDTIMEO to
 * it. fdtab.c remembers which sockets have a timeout set; their calls in
 * that direction block in the kernel under entersyscall instead (the
 * socket's O_NONBLOCK is the user's, so the call as made blocks), and
 * time out as with plain libc. Such a socket costs a thread while it
 * waits; only sockets with timeouts pay it.
 */
#include <sys/socket.h>
#include <sys/time.h>

#include "shim.h"

int setsockopt(int fd, int level, int optname, const void *optval, socklen_t optlen)
{
	long r = rawsyscall6(SYS_setsockopt, fd, level, optname, (long)optval, optlen, 0);
	if (r == 0 && level == SOL_SOCKET && (optname == SO_RCVTIMEO || optname == SO_SNDTIMEO) &&
	    optlen >= sizeof(struct timeval)) {
		const struct timeval *tv = optval;
		fd_settimeo(fd, optname == SO_RCVTIMEO ? FD_RTIMEO : FD_WTIMEO, tv->tv_sec || tv->tv_usec);
	}
	return (int)sc_ret(r);
}
