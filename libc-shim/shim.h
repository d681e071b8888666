/*
 * shim.h: what the libc-shim wrappers share (docs/libc.md tells the story).
 *
 * Every wrapper asks one question first: is the caller a goroutine that
 * may block here? Only then does it park the goroutine or run the call
 * between entersyscall and exitsyscall. Anything else (a thread of the
 * program's own, the scheduler on g0, the runtime in a section marked by
 * m->locks (which lock() does not count), a
 * signal handler on the alternate stack, the child of a fork) gets what
 * plain musl would have done.
 */
#ifndef GORT_SHIM_H
#define GORT_SHIM_H

#include <errno.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>

#include "../runtime/runtime.h"
#include "../runtime/netpoll.h"

/* The head of musl 1.2.3's struct __libc (src/internal/libc.h). */
struct shim_libc {
	char can_do_threads;
	char threaded;
	char secure;
	volatile signed char need_locks;
	int threads_minus_1;
	size_t *auxv;
	void *tls_head;
	size_t tls_size, tls_align, tls_cnt;
	size_t page_size;
};
extern hidden struct shim_libc shim_libc __asm__("__libc");

/* The offset of tid in musl's struct pthread (tcb.c), the thread pointer's
   target: the calling thread's id to the C library, which for a goroutine
   is its own (tcb.c), and the owner musl records in locks. */
#define SHIM_TCB_TID 48
static inline int shim_selftid(void)
{
	int tid;
	__asm__ volatile("movl %%fs:48, %0" : "=r"(tid));
	return tid;
}

/* Set in the child of fork (fdtab.c's pthread_atfork handler): the child
   has one thread and a copy of the runtime's memory, and shares the epoll
   instance with the parent, so it must never schedule or poll. */
hidden extern _Atomic int shim_forked;

/* The goroutine that called us, if it may park or enter a system call:
   running on its own M with a P, no runtime lock held, and on its own
   stack (a signal handler on the alternate stack is not the goroutine). */
static inline g *shim_curg(void)
{
	g *gp = getg();
	if (!gp)
		return 0;
	m *mp = gp->m;
	if (!mp || mp->curg != gp || !mp->p || mp->locks)
		return 0;
	uintptr_t sp = (uintptr_t)__builtin_frame_address(0);
	if (sp < gp->stacklo || sp >= gp->stackhi)
		return 0;
	if (atomic_load_explicit(&shim_forked, memory_order_relaxed))
		return 0;
	return gp;
}

/* lock.c: futex waits for another thread or goroutine. On a goroutine the
   P is given away before the wait (entersyscallblock): the one to wake us
   may need it. priv is SHIM_FUTEX_PRIVATE or 0 (process-shared). */
enum {
	SHIM_FUTEX_WAIT = 0,
	SHIM_FUTEX_WAKE = 1,
	SHIM_FUTEX_WAIT_BITSET = 9,
	SHIM_FUTEX_PRIVATE = 128,
	SHIM_FUTEX_CLOCK_REALTIME = 256,
};
hidden void shim_futexwait(volatile int *addr, int val, int priv);
hidden void shim_futexwake(volatile int *addr, int n, int priv);


/* A system call, its number and arguments: the unit the wrappers pass to
   the blocking machinery. */
struct sc {
	long nr;
	long a[6];
};

static inline long sc_raw(const struct sc *c)
{
	return rawsyscall6(c->nr, c->a[0], c->a[1], c->a[2], c->a[3], c->a[4], c->a[5]);
}

/* musl's __syscall_ret: a kernel result to the C convention. */
static inline long sc_ret(long r)
{
	if ((unsigned long)r > -4096UL) {
		errno = (int)-r;
		return -1;
	}
	return r;
}

/* syscall_cp.c: musl's cancellation-point entry, which every blocking
   call of musl goes through; ours adds entersyscall on goroutines. */
hidden long __syscall_cp(long nr, long a, long b, long c, long d, long e, long f);
/* The same call with the P released around it, unconditionally (the
   caller knows it is on a goroutine). */
hidden long sc_block(const struct sc *c);
/* The call as musl makes it off goroutines: a cancellation point. */
hidden long sc_cp(const struct sc *c);

/*
 * fdtab.c: what gort knows about each descriptor.
 *
 * Kinds (fd_state & FD_KIND):
 *	FD_UNSEEN  not examined since it was last closed
 *	FD_BUSY    being examined, switched or closed right now: retry
 *	FD_PLAIN   a blocking call runs between entersyscall/exitsyscall:
 *	           regular files, directories, block devices, what epoll
 *	           refuses, pipes and terminals on descriptors 0-2
 *	FD_SOCK    a socket registered with the poller; its O_NONBLOCK flag
 *	           is the user's, and the wrappers ask for MSG_DONTWAIT
 *	FD_NB      registered, and gort set O_NONBLOCK on it: pipes, FIFOs,
 *	           character devices, event/timer/signal fds, and sockets
 *	           once accept was called on them
 * FD_USERNB: the user's view of O_NONBLOCK (EAGAIN goes back to them).
 */
enum {
	FD_UNSEEN = 0,
	FD_BUSY = 1,
	FD_PLAIN = 2,
	FD_SOCK = 3,
	FD_NB = 4,
	FD_KIND = 0xff,
	FD_USERNB = 0x100,
	FD_LISTEN = 0x200,  /* FD_NB because of accept: a socket */
	FD_TCP = 0x400,     /* a TCP socket (fd_loop's reads may park first) */
};

struct fdslot;

struct fdref {
	struct fdslot *s;   /* NULL: no slot (descriptor out of range): plain */
	uint32_t state;     /* kind and flags when looked up */
	uint32_t gen;       /* the slot's generation when looked up */
	uint8_t timeo;      /* FD_RTIMEO, FD_WTIMEO */
};

/* SO_RCVTIMEO / SO_SNDTIMEO is set on the socket (sockopt.c). */
enum { FD_RTIMEO = 1, FD_WTIMEO = 2 };

/* Look fd up for a goroutine, examining and registering it on first use. */
hidden void fd_lookup(int fd, struct fdref *r);
/* Look fd up without examining it (off goroutines): FD_UNSEEN if unknown. */
hidden void fd_peek(int fd, struct fdref *r);
/* A write the kernel took only part of (n bytes): move c past them and
   say whether some is left. A blocking write or send on a stream gives
   all or an error; the non-blocking attempt gort makes may stop short,
   so the wrappers carry on, holding the write lock (as Go's fd.Write). */
typedef bool (*fd_more)(struct sc *c, long n, void *ctx);

/* rw.c: the usual continuations. more_buf: c->a[1] is the buffer and
   c->a[2] its length (write, send, sendto). more_iov: ctx is a struct
   iovcur, c a writev or a sendmsg whose header is mh. */
struct iovcur {
	const struct iovec *iov;   /* what is left to write */
	int cnt;
	struct iovec *own;         /* our copy once an entry had to change; iovfree it */
	struct msghdr *mh;
};
hidden bool more_buf(struct sc *c, long n, void *ctx);
hidden bool more_iov(struct sc *c, long n, void *ctx);
hidden void iovfree(struct iovec *own);

/* One call on fd that may have to wait for mode ('r' or 'w'): c is the
   call as the user made it, sock its MSG_DONTWAIT form for FD_SOCK (NULL:
   none, the call blocks under entersyscall); more, if set, continues a
   partial write. Returns the kernel's result (bytes, or -errno). */
hidden long fd_io(int fd, int mode, struct sc *c, struct sc *sock, fd_more more, void *ctx);
/* The retry loop of fd_io for a descriptor already looked up (FD_SOCK or
   FD_NB, not FD_USERNB): try c without blocking, and on EAGAIN park
   until the poller says mode is ready; -EBADF when fd is closed under us. */
hidden long fd_loop(struct fdref *r, int mode, struct sc *c, fd_more more, void *ctx);
/* The pieces of fd_loop, for a wait that is not "retry on EAGAIN"
   (connect): hold the direction's lock, and park until the poller
   reports mode (0) or the descriptor is closed (-EBADF). */
hidden void fd_lockdir(struct fdslot *s, int mode);
hidden void fd_unlockdir(struct fdslot *s, int mode);
hidden long fd_wait(struct fdref *r, int mode);
/* fd_wait, but also return (0) once nanotime passes deadline (< 0: never). */
hidden long fd_waituntil(struct fdref *r, int mode, int64_t deadline);
/* accept: make a socket FD_NB (listening sockets only ever accept). */
hidden void fd_switch(int fd, struct fdref *r);
/* A socket just made by accept: register it as FD_SOCK at once. It
   inherits the listener's timeouts (the kernel copies them) and, with
   tcp, its being a TCP socket. */
hidden void fd_newsock(int fd, bool usernb, int timeo, bool tcp);
/* fd was just made by socket() as a TCP socket: say so when it is
   examined (FD_TCP). */
hidden void fd_tcp(int fd);
/* fd was just made (socket, socketpair, pipe, pipe2): anything its slot
   holds is stale, left by a close gort did not see. musl closes some
   descriptors of its own with a raw system call (getifaddrs' netlink
   socket, the DNS resolver's socket in res_msend). */
hidden void fd_fresh(int fd);
/* A socket call on r's descriptor failed with ENOTSOCK: the slot was
   stale (see fd_fresh) if it still says FD_SOCK; forget it and say so. */
hidden bool fd_stale(int fd, struct fdref *r);
/* setsockopt SO_RCVTIMEO (FD_RTIMEO) or SO_SNDTIMEO (FD_WTIMEO) on fd. */
hidden void fd_settimeo(int fd, int bit, bool on);
/* Before fd is closed or replaced: wake its waiters with EBADF, forget
   it. fd_forget_done after the system call that closed it. */
hidden struct fdslot *fd_forget(int fd);
/* Until gort lists the descriptors the process started with (fdtab.c):
   the program made fd (from < 0: opened it, or closed what it was) or
   made it a duplicate of from. */
hidden void fd_note(int fd, int from);
hidden void fd_forget_done(struct fdslot *s, int hint);
/* What nfd, a duplicate of ofd, inherits (fd_nbhint), kept in its slot
   until it is examined: gort switched, or may switch, the open file
   description they share, and the user's view of O_NONBLOCK is HINT_BLOCK
   or HINT_NONBLOCK; or HINT_PLAIN, the description is one gort leaves
   blocking (reachable through descriptors 0-2, or a regular file). */
enum { HINT_NONE, HINT_BLOCK, HINT_NONBLOCK, HINT_PLAIN };
hidden int fd_nbhint(int ofd, int nfd);
/* nfd is a duplicate of ofd (dup, dup2, dup3, F_DUPFD): it shares the
   open file description, hence the O_NONBLOCK gort may have set. */
hidden void fd_dupped(int ofd, int nfd);
/* fcntl/ioctl: the user's view of O_NONBLOCK. fd_userflags turns the
   kernel's F_GETFL into what the user set; fd_setuserflags records a
   F_SETFL or FIONBIO and returns the flags to give the kernel. */
hidden long fd_userflags(int fd, long kflags);
hidden long fd_setuserflags(int fd, long flags);
/* Off goroutines, a descriptor gort set O_NONBLOCK on behind the user's
   back must still block: poll for it (a cancellation point, as the call
   itself would have been). */
hidden long fd_offg(int fd, int mode, struct sc *c, bool cp, fd_more more, void *ctx);
/* A call the user made non-blocking (MSG_DONTWAIT): as musl makes it. */
hidden long sc_nowait(const struct sc *c);

/* vgheap.c: the heap under valgrind, for malloc.c. */
hidden void *vgmalloc(size_t n, size_t align, bool zero);
/* vgheap.c (linked with -g) or vgheap_none.c: whether vgmalloc works. */
hidden extern const bool vgheap;
static inline bool vgon(void)
{
	return unlikely(onvalgrind) && vgheap;
}
hidden bool vgfree(void *p);
hidden bool vgsize(void *p, size_t *n);

#endif
