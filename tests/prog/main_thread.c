/* A C program that never starts a goroutine keeps one thread, as with
   plain musl: main parks (sleeps, waits for a pipe, a child, poll) and
   blocks in system calls long enough for sysmon to hand its P on, and
   still runs on the same thread afterwards, with the same __thread
   variables, pthread_self(), thread-specific data and ownership of an
   error-checking mutex. */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static __thread int *mine;
static long tid0;
static pthread_t self0;
static pthread_key_t key;
static int failures;

static void check(const char *after, int *want)
{
	long tid = syscall(SYS_gettid);
	if (tid != tid0 || mine != want || !pthread_equal(pthread_self(), self0) ||
	    pthread_getspecific(key) != want) {
		printf("after %s: thread %ld (was %ld), __thread %s, pthread_self %s, specific %s\n", after, tid, tid0,
		       mine == want ? "kept" : "lost", pthread_equal(pthread_self(), self0) ? "kept" : "changed",
		       pthread_getspecific(key) == want ? "kept" : "lost");
		failures++;
	}
}

/* A child that writes to the pipe after a while, so that main's read
   parks in the poller. */
static pid_t writer(int fd, int ms)
{
	pid_t pid = fork();
	if (pid == 0) {
		usleep((useconds_t)ms * 1000);
		if (write(fd, "x", 1) != 1)
			_exit(1);
		_exit(0);
	}
	return pid;
}

int main(void)
{
	int x = 42;
	mine = &x;
	tid0 = syscall(SYS_gettid);
	self0 = pthread_self();
	pthread_key_create(&key, NULL);
	pthread_setspecific(key, &x);
	pthread_mutexattr_t ma;
	pthread_mutexattr_init(&ma);
	pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_ERRORCHECK);
	pthread_mutex_t mu;
	pthread_mutex_init(&mu, &ma);
	pthread_mutex_lock(&mu);
	for (int i = 0; i < 20; i++) {
		nanosleep(&(struct timespec){ 0, 1000000 }, NULL);
		check("nanosleep", &x);
		struct timeval tv = { 0, 3000 };
		select(0, NULL, NULL, NULL, &tv);
		check("select", &x);
		int p[2];
		if (pipe(p) != 0) {
			perror("pipe");
			return 1;
		}
		pid_t pid = writer(p[1], 2);
		char c;
		if (read(p[0], &c, 1) != 1)
			perror("read");
		check("read", &x);
		struct pollfd pfd = { .fd = p[0], .events = POLLIN };
		poll(&pfd, 1, 2);
		check("poll", &x);
		waitpid(pid, NULL, 0);
		check("waitpid", &x);
		close(p[0]);
		close(p[1]);
	}
	int r = pthread_mutex_unlock(&mu);
	printf("main_thread: %d failures, unlock %s\n", failures, r == 0 ? "ok" : strerror(r));
	return failures != 0;
}
