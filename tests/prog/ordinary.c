/* A program that never starts a goroutine behaves like its musl build:
   stdio, fork/exec, popen, system, file locks, mmap, signals, and calls
   that wait cut short by a handler (EINTR) or restarted (SA_RESTART), on
   pipes and sockets it made itself, which stay blocking for its children.
   Which part runs is chosen by argv[1]. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t alarms;

static void onalarm(int sig)
{
	(void)sig;
	alarms++;
}

static const char *eintr(long r)
{
	return r < 0 && errno == EINTR ? "EINTR" : "no EINTR";
}

/* Cut short by SIGALRM (no SA_RESTART), as with musl. */
static void waits(void)
{
	struct sigaction sa = { 0 };
	sa.sa_handler = onalarm;
	sigaction(SIGALRM, &sa, 0);
	int p[2], sv[2];
	if (pipe(p) || socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		exit(1);
	char c;
	ualarm(50000, 0);
	printf("pipe read: %s\n", eintr(read(p[0], &c, 1)));
	ualarm(50000, 0);
	printf("socket recv: %s\n", eintr(recv(sv[0], &c, 1, 0)));
	struct pollfd pf = { .fd = p[0], .events = POLLIN };
	ualarm(50000, 0);
	printf("poll: %s\n", eintr(poll(&pf, 1, 5000)));
	struct timespec req = { 5, 0 }, rem = { 0, 0 };
	ualarm(50000, 0);
	long r = nanosleep(&req, &rem);
	printf("nanosleep: %s, remainder over 4 s: %d\n", eintr(r), rem.tv_sec >= 4);
	/* With SA_RESTART the read carries on until the data comes. */
	sa.sa_flags = SA_RESTART;
	sigaction(SIGALRM, &sa, 0);
	pid_t pid = fork();
	if (pid == 0) {
		/* The pipe is still blocking in the kernel for a child. */
		long fl = syscall(SYS_fcntl, p[1], F_GETFL);
		usleep(150000);
		if (write(p[1], fl & O_NONBLOCK ? "n" : "b", 1) != 1)
			_exit(1);
		_exit(0);
	}
	ualarm(50000, 0);
	long n = read(p[0], &c, 1);
	waitpid(pid, 0, 0);
	printf("SA_RESTART read: %ld '%c', alarms %d\n", n, n == 1 ? c : '?', (int)alarms);
}

int main(int argc, char **argv)
{
	const char *what = argc > 1 ? argv[1] : "";
	if (strcmp(what, "noflush") == 0) {
		printf("unterminated line");
		return 3;
	}
	if (strcmp(what, "exit") == 0) {
		printf("via exit");
		exit(4);
	}
	if (strcmp(what, "raise") == 0) {
		printf("about to raise\n");
		fflush(stdout);
		raise(SIGTERM);
		return 0;
	}
	if (strcmp(what, "abort") == 0)
		abort();
	if (strcmp(what, "killsegv") == 0) {
		kill(getpid(), SIGSEGV);
		printf("survived\n");
		return 0;
	}
	if (strcmp(what, "segv") == 0) {
		volatile int *p = 0;
		return *p;
	}
	if (strcmp(what, "procs") == 0) {
		pid_t pid = fork();
		if (pid == 0) {
			execlp("sh", "sh", "-c", "echo from exec; exit 5", (char *)0);
			_exit(127);
		}
		int st;
		waitpid(pid, &st, 0);
		printf("child exit %d\n", WEXITSTATUS(st));
		FILE *f = popen("echo from popen", "r");
		char buf[64] = "";
		if (!f || !fgets(buf, sizeof buf, f))
			return 1;
		printf("popen read: %s", buf);
		printf("pclose %d\n", pclose(f));
		fflush(stdout);
		printf("system %d\n", WEXITSTATUS(system("exit 6")));
		return 0;
	}
	if (strcmp(what, "files") == 0) {
		char path[] = "/tmp/gort-ordinary-XXXXXX";
		int fd = mkstemp(path);
		if (fd < 0)
			return 1;
		printf("first fd %d\n", fd);
		printf("flock %d\n", flock(fd, LOCK_EX));
		if (ftruncate(fd, 4096))
			return 1;
		char *p = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (p == MAP_FAILED)
			return 1;
		strcpy(p, "mapped");
		munmap(p, 4096);
		char buf[8] = "";
		if (pread(fd, buf, 6, 0) != 6)
			return 1;
		printf("read back %s\n", buf);
		flock(fd, LOCK_UN);
		close(fd);
		unlink(path);
		return 0;
	}
	if (strcmp(what, "waits") == 0) {
		waits();
		return 0;
	}
	printf("usage\n");
	return 1;
}
