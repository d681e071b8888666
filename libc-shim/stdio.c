/*
 * stdio.c: musl's stdio waits like the rest of the program (overrides
 * musl 1.2.3's src/stdio/__stdio_read.c and __stdio_write.c, one
 * function each, and __lockfile.c, which defines __lockfile and
 * __unlockfile).
 *
 * Every FILE that musl opens on a descriptor (stdin, stdout, stderr,
 * fopen, fdopen, popen) reads with __stdio_read and writes with
 * __stdio_write, which make their readv/writev with a plain system call,
 * not through __syscall_cp. Ours go through fd_io like read and write:
 * on a goroutine the call parks or releases the P, and a descriptor gort
 * switched to O_NONBLOCK does not make stdio report EAGAIN as an error.
 *
 * The FILE lock, held around those calls, records its owner as the
 * thread id in the caller's thread control block. When goroutines have
 * blocks of their own (tcb.c), that is the goroutine's: one that parks
 * holding the lock still owns it when it resumes on another M. When they
 * share their M's, a goroutine that parks holding it may resume on
 * another M, and meanwhile another goroutine on the first M would take the
 * lock as its own (musl lets a thread re-enter a FILE it holds, and
 * getc/putc test the owner inline). So before a call that may park the
 * owner is set to OWNER_PARKED, which no thread has (Linux thread ids stay
 * below 2^22, and goroutines' ids below it), and afterwards to the id of
 * the M the goroutine then runs on. Either way __lockfile, when it must
 * wait for another holder, gives the P away first (lock.c): the holder may
 * be a goroutine waiting for the very P this M would otherwise keep.
 *
 * struct file mirrors the head of musl 1.2.3's struct _IO_FILE
 * (src/internal/stdio_impl.h), which is not installed; tests/prog/
 * io_stdio.c checks the fields used here against a FILE the test opens.
 */
#include <limits.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "shim.h"

struct file {
	unsigned flags;
	unsigned char *rpos, *rend;
	int (*close)(FILE *);
	unsigned char *wend, *wpos;
	unsigned char *mustbezero_1;
	unsigned char *wbase;
	size_t (*read)(FILE *, unsigned char *, size_t);
	size_t (*write)(FILE *, const unsigned char *, size_t);
	off_t (*seek)(FILE *, off_t, int);
	unsigned char *buf;
	size_t buf_size;
	FILE *prev, *next;
	int fd;
	int pipe_pid;
	long lockcount;
	int mode;
	volatile int lock;
};

enum {
	F_EOF = 16,
	F_ERR = 32,
	MAYBE_WAITERS = 0x40000000,
	OWNER_PARKED = 0x3ffffffe,
};

/* Swap the owner of f's lock from `from` to `to`, keeping the waiters
   bit, if `from` owns it. */
static bool setowner(struct file *f, int from, int to)
{
	_Atomic int *l = (_Atomic int *)&f->lock;
	int old = atomic_load(l);
	while ((old & ~MAYBE_WAITERS) == from) {
		if (atomic_compare_exchange_weak(l, &old, to | (old & MAYBE_WAITERS)))
			return true;
	}
	return false;
}

/* The call c on f's descriptor, for stdio. */
static long fileio(struct file *f, int mode, struct sc *c, struct sc *sock, fd_more more, void *ctx)
{
	if (!shim_curg())
		return fd_offg(f->fd, mode, c, false, more, ctx);
	if (tcbon)
		return fd_io(f->fd, mode, c, sock, more, ctx);
	bool parked = f->lock > 0 && setowner(f, shim_selftid(), OWNER_PARKED);
	long r = fd_io(f->fd, mode, c, sock, more, ctx);
	if (parked)
		setowner(f, OWNER_PARKED, shim_selftid());
	return r;
}

hidden size_t __stdio_read(FILE *f0, unsigned char *buf, size_t len)
{
	struct file *f = (struct file *)f0;
	/* Into the caller's buffer, all but the last byte, then refill
	   the FILE's own buffer, in one call (musl's design). */
	struct iovec iov[2] = {
		{ .iov_base = buf, .iov_len = len - !!f->buf_size },
		{ .iov_base = f->buf, .iov_len = f->buf_size },
	};
	struct msghdr mh = { .msg_iov = iov, .msg_iovlen = 2 };
	long cnt;
	if (iov[0].iov_len) {
		struct sc c = { SYS_readv, { f->fd, (long)iov, 2 } };
		struct sc s = { SYS_recvmsg, { f->fd, (long)&mh, MSG_DONTWAIT } };
		cnt = fileio(f, 'r', &c, &s, 0, 0);
	} else {
		struct sc c = { SYS_read, { f->fd, (long)f->buf, (long)f->buf_size } };
		struct sc s = { SYS_recvfrom, { f->fd, (long)f->buf, (long)f->buf_size, MSG_DONTWAIT } };
		cnt = fileio(f, 'r', &c, f->buf_size ? &s : 0, 0, 0);
	}
	if (cnt <= 0) {
		f->flags |= cnt ? F_ERR : F_EOF;
		sc_ret(cnt);
		return 0;
	}
	if ((size_t)cnt <= iov[0].iov_len)
		return (size_t)cnt;
	cnt -= (long)iov[0].iov_len;
	f->rpos = f->buf;
	f->rend = f->buf + cnt;
	if (f->buf_size)
		buf[len - 1] = *f->rpos++;
	return len;
}

hidden size_t __stdio_write(FILE *f0, const unsigned char *buf, size_t len)
{
	struct file *f = (struct file *)f0;
	/* What is buffered, then the caller's bytes. */
	struct iovec iovs[2] = {
		{ .iov_base = f->wbase, .iov_len = (size_t)(f->wpos - f->wbase) },
		{ .iov_base = (void *)buf, .iov_len = len },
	};
	struct iovec *iov = iovs;
	size_t rem = iov[0].iov_len + iov[1].iov_len;
	int iovcnt = 2;
	for (;;) {
		struct msghdr mh = { .msg_iov = iov, .msg_iovlen = iovcnt };
		struct sc c = { SYS_writev, { f->fd, (long)iov, iovcnt } };
		struct sc s = { SYS_sendmsg, { f->fd, (long)&mh, MSG_DONTWAIT } };
		long cnt = fileio(f, 'w', &c, rem ? &s : 0, 0, 0);
		if (cnt >= 0 && (size_t)cnt == rem) {
			f->wend = f->buf + f->buf_size;
			f->wpos = f->wbase = f->buf;
			return len;
		}
		if (cnt < 0) {
			sc_ret(cnt);
			f->wpos = f->wbase = f->wend = 0;
			f->flags |= F_ERR;
			return iovcnt == 2 ? 0 : len - iov[0].iov_len;
		}
		rem -= (size_t)cnt;
		if ((size_t)cnt > iov[0].iov_len) {
			cnt -= (long)iov[0].iov_len;
			iov++;
			iovcnt--;
		}
		iov[0].iov_base = (char *)iov[0].iov_base + cnt;
		iov[0].iov_len -= (size_t)cnt;
	}
}

hidden int __lockfile(FILE *f0)
{
	struct file *f = (struct file *)f0;
	_Atomic int *l = (_Atomic int *)&f->lock;
	int tid = shim_selftid();
	int owner = atomic_load(l);
	if ((owner & ~MAYBE_WAITERS) == tid)
		return 0;
	owner = 0;
	if (atomic_compare_exchange_strong(l, &owner, tid))
		return 1;
	for (;;) {
		/* Having waited, take it with the waiters bit: others may
		   still be asleep behind us. The wait may have moved this
		   goroutine to another M, with another thread id. */
		owner = 0;
		if (atomic_compare_exchange_strong(l, &owner, shim_selftid() | MAYBE_WAITERS))
			return 1;
		if (!(owner & MAYBE_WAITERS)) {
			int want = owner;
			if (!atomic_compare_exchange_strong(l, &want, owner | MAYBE_WAITERS))
				continue;
		}
		shim_futexwait(&f->lock, owner | MAYBE_WAITERS, SHIM_FUTEX_PRIVATE);
	}
}

/* Is f's lock held by another thread? A negative lock is musl's "no
   locking yet" (one thread). */
static bool stdiobusy(FILE *f0)
{
	struct file *f = (struct file *)f0;
	int owner = f->lock;
	return owner > 0 && (owner & ~MAYBE_WAITERS) != shim_selftid();
}

/* Flush a stream unless another holds its lock: the holder may be a
   goroutine that can never run again (it waits for a P that an M, which
   the runtime failed to create, would have given it), and waiting for it
   would hang the dying process. */
static void flushifunlocked(FILE *f)
{
	if (!stdiobusy(f))
		fflush(f);
}

/* A dying process (runtime/panic.c) flushes what the program wrote with
   stdio before its report. */
void dopanic_flush(void)
{
	flushifunlocked(stdout);
	flushifunlocked(stderr);
}

hidden void __unlockfile(FILE *f0)
{
	struct file *f = (struct file *)f0;
	if (atomic_exchange((_Atomic int *)&f->lock, 0) & MAYBE_WAITERS)
		shim_futexwake(&f->lock, 1, SHIM_FUTEX_PRIVATE);
}
