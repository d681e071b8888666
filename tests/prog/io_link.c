/*
 * io_link.c: a program that uses every function whose musl object the
 * shim overrides, and the musl functions that call into those objects by
 * their internal names (freopen: __dup3, thrd_sleep: __clock_nanosleep,
 * POSIX AIO: a strong __aio_close, pthread_cancel: __syscall_cp_c), links
 * without a duplicate definition and runs them once each.
 */
#include <aio.h>
#include <errno.h>
#include <fcntl.h>
#include <gort.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <threads.h>
#include <time.h>
#include <unistd.h>

static void *idle(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return 0;
}

int main(void)
{
	int sp[2], p[2];
	char b[64];
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sp) || pipe(p))
		return 1;
	int ok = 0, n = 0;
#define T(e) (n++, ok += !!(e))
	T(write(sp[0], "a", 1) == 1 && read(sp[1], b, 1) == 1);
	struct iovec iov = { b, 1 };
	T(writev(sp[0], &iov, 1) == 1 && readv(sp[1], &iov, 1) == 1);
	T(send(sp[0], "b", 1, 0) == 1 && recv(sp[1], b, 1, 0) == 1);
	T(sendto(sp[0], "c", 1, 0, 0, 0) == 1 && recvfrom(sp[1], b, 1, 0, 0, 0) == 1);
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	T(sendmsg(sp[0], &mh, 0) == 1 && recvmsg(sp[1], &mh, 0) == 1);
	struct mmsghdr mm = { .msg_hdr = mh };
	T(sendmmsg(sp[0], &mm, 1, 0) == 1 && recvmmsg(sp[1], &mm, 1, 0, 0) == 1);
	struct pollfd pf = { sp[1], POLLIN, 0 };
	T(poll(&pf, 1, 0) == 0);
	T(fcntl(p[0], F_GETFL) >= 0);
	int on = 0;
	T(ioctl(p[0], FIONBIO, &on) == 0);
	int d = dup(p[0]);
	T(dup2(p[0], d) == d && dup3(p[0], d, O_CLOEXEC) == d && close(d) == 0);
	T(usleep(1) == 0 && sleep(0) == 0 && nanosleep(&(struct timespec){ 0, 1 }, 0) == 0);
	T(clock_nanosleep(CLOCK_MONOTONIC, 0, &(struct timespec){ 0, 1 }, 0) == 0);
	T(thrd_sleep(&(struct timespec){ 0, 1 }, 0) == 0);
	FILE *f = tmpfile();
	T(f && fputs("hello", f) >= 0 && fflush(f) == 0);
	T(flock(fileno(f), LOCK_EX) == 0);
	off_t off = 0;
	T(sendfile(sp[0], fileno(f), &off, 5) == 5 && read(sp[1], b, 5) == 5);
	T(freopen(0, "r", f) != 0);
	fclose(f);
	T(splice(p[0], 0, sp[0], 0, 1, SPLICE_F_NONBLOCK) < 0 && errno == EAGAIN);
	int q[2];
	T(pipe(q) == 0 && write(p[1], "t", 1) == 1 && tee(p[0], q[1], 1, 0) == 1);
	T(vmsplice(q[1], &iov, 1, 0) == 1);
	struct timeval tv = { 1, 0 };
	T(setsockopt(sp[0], SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) == 0);
	struct aiocb cb = { .aio_fildes = p[0], .aio_buf = b, .aio_nbytes = 1 };
	T(aio_read(&cb) == 0);
	const struct aiocb *list[] = { &cb };
	T(aio_suspend(list, 1, 0) == 0 && aio_return(&cb) == 1);
	pthread_t t;
	pthread_create(&t, 0, idle, 0);
	T(pthread_cancel(t) == 0 && pthread_join(t, 0) == 0);
	T(system("exit 3") != -1);
	FILE *pp = popen("echo popen", "r");
	T(pp && fgets(b, sizeof b, pp) && !strcmp(b, "popen\n") && pclose(pp) == 0);
	printf("%d of %d calls as expected\n", ok, n);
	return 0;
}
