/* fork_child: the child of a fork made after the first go() is plain C
   (fdtab.c's pthread_atfork handler, set at the first go()): its
   nanosleep is the kernel's, cut short by a handler without SA_RESTART,
   where a goroutine's would park on a timer and never see EINTR. */
#include <errno.h>
#include <gort.h>
#include <signal.h>
#include <stdio.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void noop(void *arg)
{
	(void)arg;
}

static void onalarm(int sig)
{
	(void)sig;
}

int main(void)
{
	go(noop, 0);
	gort_yield();
	fflush(stdout);
	pid_t pid = fork();
	if (pid < 0)
		return 1;
	if (pid == 0) {
		struct sigaction sa = { .sa_handler = onalarm };
		sigaction(SIGALRM, &sa, 0);
		/* Every millisecond, so that one comes while it sleeps. */
		struct itimerval it = { { 0, 1000 }, { 0, 1000 } };
		setitimer(ITIMER_REAL, &it, 0);
		struct timespec rem = { 0, 0 };
		int r = nanosleep(&(struct timespec){ 20, 0 }, &rem);
		_exit(r < 0 && errno == EINTR && rem.tv_sec > 0 ? 0 : 3);
	}
	int st;
	if (waitpid(pid, &st, 0) != pid)
		return 2;
	printf("child: nanosleep interrupted %d\n", WIFEXITED(st) && WEXITSTATUS(st) == 0);
	return 0;
}
