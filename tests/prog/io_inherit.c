/*
 * io_inherit.c: a pipe the process inherited stays blocking (fdtab.c,
 * markinherited). The program runs itself as a child with the read end of
 * a pipe on descriptor 100, as make hands its jobserver pipe down; the child
 * reads from it on a goroutine, and from a duplicate, while the parent
 * writes late. The parent, which keeps its own copy of the read end (the
 * same open file description), then checks that the kernel's O_NONBLOCK
 * is still clear: gort used to set it, for every process sharing the pipe.
 *
 * gort lists the inherited descriptors only when a goroutine first uses a
 * descriptor, after the child has made a pipe of its own and a duplicate
 * of each: those the program made (and their duplicates) must still be
 * told from those it inherited, and a goroutine's read switches the
 * child's own pipe to O_NONBLOCK, as any pipe the program made.
 */
#include <errno.h>
#include <fcntl.h>
#include <gort.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "parked.h"

enum { INFD = 100, READYFD = 101 };  /* above whatever the test harness leaves open */

static gort_chan *done;

static void reader(void *arg)
{
	int fd = (int)(intptr_t)arg;
	char c = 0;
	long n = read(fd, &c, 1);
	int v = n == 1 ? c : -errno;
	gort_chan_send(done, &v);
}

static int child(void)
{
	done = gort_chan_make(sizeof(int), 2);
	int own[2];
	if (pipe(own) < 0)
		return 1;
	int owndup = dup(own[0]);
	int d = dup(INFD);
	go(reader, (void *)(intptr_t)INFD);
	go(reader, (void *)(intptr_t)d);
	/* Both readers blocked in read on the empty pipe, their threads in
	   the kernel since the pipe stays blocking: the parent may write. */
	int parked = waitthreadsin(2, SYS_read);
	if (write(READYFD, "r", 1) != 1)
		return 1;
	close(READYFD);
	int a, b;
	gort_chan_recv(done, &a);
	gort_chan_recv(done, &b);
	long fl = syscall(SYS_fcntl, INFD, F_GETFL);
	printf("child: both blocked %d, read %c%c, kernel nb=%d\n", parked >= 2, a > 0 ? (a < b ? a : b) : '?',
	       a > 0 ? (a < b ? b : a) : '?', (fl & O_NONBLOCK) != 0);
	if (write(own[1], "o", 1) != 1)
		return 1;
	go(reader, (void *)(intptr_t)owndup);
	gort_chan_recv(done, &a);
	fl = syscall(SYS_fcntl, own[0], F_GETFL);
	printf("child: own pipe read %c, kernel nb=%d\n", a > 0 ? a : '?', (fl & O_NONBLOCK) != 0);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "child"))
		return child();
	int p[2], ready[2];
	if (pipe(p) < 0 || pipe(ready) < 0)
		return 1;
	fflush(stdout);
	pid_t pid = fork();
	if (pid < 0)
		return 2;
	if (pid == 0) {
		dup2(p[0], INFD);
		dup2(ready[1], READYFD);
		close(p[1]);
		close(ready[0]);
		execl("/proc/self/exe", argv[0], "child", (char *)0);
		_exit(127);
	}
	close(ready[1]);
	char c;
	if (read(ready[0], &c, 1) != 1)
		printf("parent: child never said it was ready\n");
	if (write(p[1], "ab", 2) != 2)
		return 3;
	int st;
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		printf("parent: child failed (status %d)\n", st);
	long fl = syscall(SYS_fcntl, p[0], F_GETFL);
	printf("parent: kernel nb=%d\n", (fl & O_NONBLOCK) != 0);
	return 0;
}
