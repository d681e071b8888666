/* harness.c: fork/exec a program with pipes for stdout and stderr, and a time limit. */
#include "harness.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

const int test_procs[3] = { 1, 2, 4 };

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

const char *build_path(const char *rel)
{
	static char buf[4096];
	const char *b = getenv("GORT_BUILD");
	snprintf(buf, sizeof buf, "%s/%s", b && *b ? b : "build", rel);
	return buf;
}

struct buf {
	char *p;
	size_t len, cap;
};

static void buf_add(struct buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->p = realloc(b->p, b->cap);
		if (!b->p)
			abort();
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = 0;
}

/* The child starts from an explicit environment, not the caller's: an
   exported GOMAXPROCS, GORTSTACK, GODEBUG or GOTRACEBACK would otherwise
   change what every test tests. Only what finding and running the tools
   needs (PATH, HOME, TMPDIR) is kept, the locale is C so tools' messages
   are the ones the tests expect, and env's entries come last, replacing
   any of those. Built before fork: the child only execs. */
static char **clean_env(const char *const *env)
{
	static const char *const keep[] = { "PATH", "HOME", "TMPDIR" };
	size_t n = 0, cap = 8;
	for (const char *const *e = env; e && *e; e++)
		cap++;
	char **v = calloc(cap, sizeof *v);
	if (!v)
		abort();
	for (int i = 0; i < 3; i++) {
		char *val = getenv(keep[i]);
		if (val && asprintf(&v[n++], "%s=%s", keep[i], val) < 0)
			abort();
	}
	v[n++] = strdup("LC_ALL=C");
	for (const char *const *e = env; e && *e; e++) {
		size_t k = strcspn(*e, "=");
		for (size_t i = 0; i < n; i++)
			if (v[i] && !strncmp(v[i], *e, k + 1)) {
				free(v[i]);
				v[i] = v[--n];
				v[n] = NULL;
				break;
			}
		v[n++] = strdup(*e);
	}
	v[n] = NULL;
	return v;
}

struct run run_cmd(const char *const *argv, const char *const *env, double limit)
{
	struct run r = { 0 };
	int po[2], pe[2];
	if (pipe2(po, O_CLOEXEC) || pipe2(pe, O_CLOEXEC))
		abort();
	char **envp = clean_env(env);
	double start = now();
	pid_t pid = fork();
	if (pid < 0)
		abort();
	if (pid == 0) {
		dup2(po[1], 1);
		dup2(pe[1], 2);
		setpgid(0, 0);
		execvpe(argv[0], (char *const *)argv, envp);
		fprintf(stderr, "harness: exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	for (char **e = envp; *e; e++)
		free(*e);
	free(envp);
	close(po[1]);
	close(pe[1]);
	struct buf out = { 0 }, err = { 0 };
	buf_add(&out, "", 0);
	buf_add(&err, "", 0);
	struct pollfd fds[2] = { { po[0], POLLIN, 0 }, { pe[0], POLLIN, 0 } };
	int open = 2;
	while (open > 0) {
		double left = limit - (now() - start);
		if (left <= 0) {
			r.timedout = true;
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			break;
		}
		int n = poll(fds, 2, (int)(left * 1000) + 1);
		if (n < 0 && errno == EINTR)
			continue;
		for (int i = 0; i < 2; i++) {
			if (fds[i].fd < 0 || !fds[i].revents)
				continue;
			char tmp[65536];
			ssize_t k = read(fds[i].fd, tmp, sizeof tmp);
			if (k <= 0) {
				close(fds[i].fd);
				fds[i].fd = -1;
				open--;
				continue;
			}
			buf_add(i == 0 ? &out : &err, tmp, (size_t)k);
		}
	}
	for (int i = 0; i < 2; i++)
		if (fds[i].fd >= 0)
			close(fds[i].fd);
	int st = 0;
	/* The pipes close at exit; wait with the same limit in case a child
	   closed them early and kept running. */
	while (waitpid(pid, &st, WNOHANG) == 0) {
		if (now() - start > limit) {
			r.timedout = true;
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			waitpid(pid, &st, 0);
			break;
		}
		usleep(1000);
	}
	r.status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	r.out = out.p;
	r.err = err.p;
	r.secs = now() - start;
	return r;
}

static struct run run_path(const char *path, const char *const *args,
                           const char *const *env, int procs, double limit)
{
	const char *argv[64];
	char gmp[64];
	const char *envv[64];
	int n = 0, ne = 0;
	argv[n++] = path;
	for (const char *const *a = args; a && *a && n < 63; a++)
		argv[n++] = *a;
	argv[n] = NULL;
	if (procs > 0) {
		snprintf(gmp, sizeof gmp, "GOMAXPROCS=%d", procs);
		envv[ne++] = gmp;
	}
	for (const char *const *e = env; e && *e && ne < 63; e++)
		envv[ne++] = *e;
	envv[ne] = NULL;
	return run_cmd(argv, envv, limit);
}

struct run run_prog(const char *name, const char *const *args,
                    const char *const *env, int procs, double limit)
{
	char path[4096];
	snprintf(path, sizeof path, "%s", build_path("tests/prog/"));
	strncat(path, name, sizeof path - strlen(path) - 1);
	return run_path(path, args, env, procs, limit);
}

static void variant_path(char *path, size_t size, const char *variant, const char *name)
{
	char rel[512];
	snprintf(rel, sizeof rel, "tests/prog-%s/%s", variant, name);
	snprintf(path, size, "%s", build_path(rel));
}

struct run run_variant(const char *variant, const char *name, const char *const *args,
                       const char *const *env, int procs, double limit)
{
	char path[4096];
	variant_path(path, sizeof path, variant, name);
	return run_path(path, args, env, procs, limit);
}

static double mtime(const char *path)
{
	struct stat st;
	if (stat(path, &st))
		return -1;
	return st.st_mtim.tv_sec + st.st_mtim.tv_nsec / 1e9;
}

/* The newest of what a program's binary depends on: its source, the
   shared header, gortcc and the runtime archives and objects in lib/. */
static double inputs_mtime(const char *src)
{
	double t = mtime(src);
	const char *more[] = { "tests/prog/bare.h", "bin/gortcc" };
	for (int i = 0; i < 2; i++)
		if (mtime(more[i]) > t)
			t = mtime(more[i]);
	DIR *d = opendir("lib");
	for (struct dirent *e; d && (e = readdir(d));) {
		char p[512];
		snprintf(p, sizeof p, "lib/%s", e->d_name);
		if (mtime(p) > t)
			t = mtime(p);
	}
	if (d)
		closedir(d);
	return t;
}

struct run build_prog(const char *variant, const char *name, const char *const *flags)
{
	char src[512], out[4096], tmp[4200], dir[4096];
	snprintf(src, sizeof src, "tests/prog/%s.c", name);
	variant_path(out, sizeof out, variant, name);
	double t = mtime(out);
	if (t >= 0 && t >= inputs_mtime(src))
		return (struct run){ .out = strdup(""), .err = strdup("") };
	snprintf(dir, sizeof dir, "%s", out);
	*strrchr(dir, '/') = 0;
	mkdir(dir, 0777);
	snprintf(tmp, sizeof tmp, "%s.%d", out, (int)getpid());
	const char *argv[64] = { "bin/gortcc", "-std=c11", "-Wall", "-Wextra", "-Werror", "-O2", "-g" };
	int n = 7;
	for (const char *const *f = flags; f && *f && n < 59; f++)
		argv[n++] = *f;
	argv[n++] = "-o";
	argv[n++] = tmp;
	argv[n++] = src;
	argv[n] = NULL;
	struct run r = run_cmd(argv, NULL, 120);
	if (r.status == 0 && !r.timedout && rename(tmp, out) != 0)
		r.status = 1;
	unlink(tmp);
	return r;
}

void run_free(struct run *r)
{
	free(r->out);
	free(r->err);
	r->out = r->err = NULL;
}

void run_ok(const char *name, const char *const *args, const char *const *want, double limit_secs)
{
	for (int i = 0; i < 3; i++) {
		struct run r = run_prog(name, args, NULL, test_procs[i], limit_secs);
		cr_expect(!r.timedout, "%s GOMAXPROCS=%d timed out\n%s%s", name, test_procs[i], r.out, r.err);
		cr_expect_eq(r.status, 0, "%s GOMAXPROCS=%d status %d\n%s%s", name, test_procs[i], r.status, r.out, r.err);
		cr_expect_str_empty(r.err, "%s GOMAXPROCS=%d stderr:\n%s", name, test_procs[i], r.err);
		for (const char *const *w = want; *w; w++)
			cr_expect(strstr(r.out, *w), "stdout lacks \"%s\":\n%s\nstderr:\n%s", *w, r.out, r.err);
		run_free(&r);
	}
}
