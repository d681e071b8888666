/*
 * print.c: formatted output without the C library (Go's print.go):
 * gort_printf, gort_write and gort_errno for programs, fmt and vfmt for
 * the runtime's own messages.
 *
 * Nothing here calls the C library, takes a lock or touches thread-local
 * state but errno on failure: it works before musl is up (boottrace),
 * inside a fatal report, in a signal handler and in bare mode, where there
 * is no C library at all. Leaving printf out also keeps musl's 10 KB of it
 * out of every binary that does not use it.
 *
 * gort_printf formats into a buffer on the caller's stack and writes it
 * with one system call when it is full and at the end: an output of at
 * most PRINTBUF bytes is one write(2), which the kernel does not interleave
 * with other writers' on a pipe (PIPE_BUF) or a file; a longer one is
 * written in pieces that may interleave.
 */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <sys/syscall.h>

#include <gort.h>

#include "runtime.h"

enum {
	PRINTBUF = 4096,   /* PIPE_BUF: one atomic write on a pipe */
};

struct fmtout {
	char *buf, *p, *end;  /* the buffer, where the next byte goes, its end */
	int fd;               /* a full buffer is written to fd; -1: the rest is dropped */
	size_t n;             /* bytes produced, written or dropped */
	bool failed;          /* a write failed: errno is set, the rest is dropped */
};

/* One conversion's flags, width and precision. */
struct spec {
	bool minus, zero, plus, space, alt, upper;
	bool ptr;             /* %p: 0x even before 0 */
	int width;
	int prec;             /* -1: none */
};

ssize_t gort_write(int fd, const void *buf, size_t n)
{
	long r;
	do
		r = rawsyscall6(SYS_write, fd, (long)buf, (long)n, 0, 0, 0);
	while (r == -EINTR);
	if (r < 0) {
		errno = (int)-r;
		return -1;
	}
	return r;
}

/* For bare mode's <errno.h>, which has no C library's errno to use. */
int *gort_errno(void)
{
	return &errno;
}

/* All of it, or stop at the first error. A descriptor in non-blocking
   mode (a duplicate of one gort switched, docs/libc.md) is waited for
   with poll(2) rather than given up on. */
static bool writeall(int fd, const char *s, size_t n)
{
	while (n > 0) {
		long r = rawsyscall6(SYS_write, fd, (long)s, (long)n, 0, 0, 0);
		if (r == -EINTR)
			continue;
		if (r == -EAGAIN) {
			struct pollfd pfd = { fd, POLLOUT, 0 };
			rawsyscall6(SYS_poll, (long)&pfd, 1, -1, 0, 0, 0);
			continue;
		}
		if (r < 0) {
			errno = (int)-r;
			return false;
		}
		s += r;
		n -= (size_t)r;
	}
	return true;
}

static void flush(struct fmtout *o)
{
	if (o->fd >= 0 && !o->failed && o->p > o->buf && !writeall(o->fd, o->buf, (size_t)(o->p - o->buf)))
		o->failed = true;
	o->p = o->buf;
}

static void put(struct fmtout *o, char c)
{
	o->n++;
	if (o->p == o->end) {
		if (o->fd < 0)
			return;
		flush(o);
	}
	*o->p++ = c;
}

static void pad(struct fmtout *o, char c, int n)
{
	while (n-- > 0)
		put(o, c);
}

/* s, n bytes of it, within the width. */
static void putfield(struct fmtout *o, const char *s, size_t n, const struct spec *sp)
{
	int fill = sp->width > 0 && (size_t)sp->width > n ? sp->width - (int)n : 0;
	if (!sp->minus)
		pad(o, ' ', fill);
	while (n-- > 0)
		put(o, *s++);
	if (sp->minus)
		pad(o, ' ', fill);
}

/* An integer: sign or 0x, zeros up to the precision (or, with the 0
   flag, the width), the digits. */
static void putnum(struct fmtout *o, uint64_t v, bool neg, unsigned base, const struct spec *sp)
{
	const char *digits = sp->upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int nd = 0;
	bool hex = base == 16 && (sp->ptr || (sp->alt && v != 0));
	if (v != 0 || sp->prec != 0)
		do
			tmp[nd++] = digits[v % base];
		while (v /= base);
	char pre[3];
	int np = 0;
	if (neg)
		pre[np++] = '-';
	else if (sp->plus)
		pre[np++] = '+';
	else if (sp->space)
		pre[np++] = ' ';
	if (hex) {
		pre[np++] = '0';
		pre[np++] = sp->upper ? 'X' : 'x';
	}
	int zeros = sp->prec > nd ? sp->prec - nd : 0;
	int fill = sp->width - np - zeros - nd;
	if (sp->zero && !sp->minus && sp->prec < 0 && fill > 0)
		zeros += fill, fill = 0;
	if (!sp->minus)
		pad(o, ' ', fill);
	for (int i = 0; i < np; i++)
		put(o, pre[i]);
	pad(o, '0', zeros);
	while (nd > 0)
		put(o, tmp[--nd]);
	if (sp->minus)
		pad(o, ' ', fill);
}

/* A number in the format (or *, from the arguments); the format moves on. */
static int getint(const char **f, va_list *ap)
{
	if (**f == '*') {
		(*f)++;
		return va_arg(*ap, int);
	}
	int v = 0;
	while (**f >= '0' && **f <= '9')
		if (v < INT_MAX / 10)
			v = v * 10 + (*(*f)++ - '0');
		else
			(*f)++;
	return v;
}

/* The formatter: the conversions of the manual page gort_printf(3).
   An unknown conversion is written as %!c and takes no argument, as Go's
   fmt writes a bad verb. */
static void format(struct fmtout *o, const char *f, va_list *ap)
{
	for (; *f; f++) {
		if (*f != '%') {
			put(o, *f);
			continue;
		}
		f++;
		struct spec sp = { .prec = -1 };
		for (;; f++) {
			if (*f == '-')
				sp.minus = true;
			else if (*f == '0')
				sp.zero = true;
			else if (*f == '+')
				sp.plus = true;
			else if (*f == ' ')
				sp.space = true;
			else if (*f == '#')
				sp.alt = true;
			else
				break;
		}
		sp.width = getint(&f, ap);
		if (sp.width < 0)
			sp.minus = true, sp.width = -sp.width;
		if (*f == '.') {
			f++;
			sp.prec = getint(&f, ap);
			if (sp.prec < 0)
				sp.prec = -1;
		}
		/* The size: 0 int, 1 long, 2 long long, 3 size_t, -1 short, -2 char. */
		int size = 0;
		if (*f == 'l' && f[1] == 'l')
			size = 2, f += 2;
		else if (*f == 'l')
			size = 1, f++;
		else if (*f == 'z')
			size = 3, f++;
		else if (*f == 'h' && f[1] == 'h')
			size = -2, f += 2;
		else if (*f == 'h')
			size = -1, f++;
		switch (*f) {
		case 'd':
		case 'i': {
			int64_t v = size == 1 ? va_arg(*ap, long) : size == 2 ? va_arg(*ap, long long)
			          : size == 3 ? (int64_t)va_arg(*ap, size_t) : va_arg(*ap, int);
			if (size == -1)
				v = (short)v;
			else if (size == -2)
				v = (signed char)v;
			putnum(o, v < 0 ? -(uint64_t)v : (uint64_t)v, v < 0, 10, &sp);
			break;
		}
		case 'u':
		case 'x':
		case 'X': {
			uint64_t v = size == 1 ? va_arg(*ap, unsigned long) : size == 2 ? va_arg(*ap, unsigned long long)
			           : size == 3 ? va_arg(*ap, size_t) : va_arg(*ap, unsigned);
			if (size == -1)
				v = (unsigned short)v;
			else if (size == -2)
				v = (unsigned char)v;
			sp.upper = *f == 'X';
			putnum(o, v, false, *f == 'u' ? 10 : 16, &sp);
			break;
		}
		case 'p':
			/* Go's print: 0x and the hex digits, 0x0 for NULL. */
			sp.ptr = true;
			putnum(o, (uintptr_t)va_arg(*ap, void *), false, 16, &sp);
			break;
		case 's': {
			const char *s = va_arg(*ap, const char *);
			if (!s)
				s = "(null)";
			size_t n = 0;
			while ((sp.prec < 0 || n < (size_t)sp.prec) && s[n])
				n++;
			putfield(o, s, n, &sp);
			break;
		}
		case 'c': {
			char c = (char)va_arg(*ap, int);
			putfield(o, &c, 1, &sp);
			break;
		}
		case '%':
			put(o, '%');
			break;
		case 0:
			put(o, '%');
			return;
		default:
			put(o, '%');
			put(o, '!');
			put(o, *f);
		}
	}
}

void vfmt(char *buf, size_t size, const char *f, va_list ap)
{
	if (size == 0)
		return;
	struct fmtout o = { buf, buf, buf + size - 1, -1, 0, false };
	va_list aq;
	va_copy(aq, ap);
	format(&o, f, &aq);
	va_end(aq);
	*o.p = 0;
}

void fmt(char *buf, size_t size, const char *f, ...)
{
	va_list ap;
	va_start(ap, f);
	vfmt(buf, size, f, ap);
	va_end(ap);
}

int gort_printf(const char *f, ...)
{
	char buf[PRINTBUF];
	struct fmtout o = { buf, buf, buf + sizeof buf, 1, 0, false };
	va_list ap;
	va_start(ap, f);
	format(&o, f, &ap);
	va_end(ap);
	flush(&o);
	if (o.failed)
		return -1;
	if (o.n > INT_MAX) {
		errno = EOVERFLOW;
		return -1;
	}
	return (int)o.n;
}
