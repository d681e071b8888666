/* A program that never starts a goroutine behaves like its musl build:
   stdio, fork/exec, popen, system, file locks, mmap, signals. Which part
   runs is chosen by argv[1]. */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

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
	printf("usage\n");
	return 1;
}
