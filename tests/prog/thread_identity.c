/*
 * thread_identity.c: every goroutine is a thread to the C library
 * (libc-shim/tcb.c): __thread variables, pthread keys and their
 * destructors, pthread_self(), the owner of recursive and error-checking
 * mutexes and of FILE locks, locales, raise and pthread_kill, setgid on
 * every thread, and gort_lockosthread. Each scenario parks its goroutines
 * between setting a value and reading it back, so that at GOMAXPROCS > 1
 * they resume on other threads.
 */
#include <errno.h>
#include <gort.h>
#include <locale.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "gotest.h"

static gort_waitgroup wg = GORT_WAITGROUP_INIT;

/* The scenario: 200 goroutines, 30 rounds each. */
enum { NG = 200, ROUNDS = 30 };
static __thread long tlsval;
static pthread_key_t key;
static pthread_mutex_t rmu, emu;
static _Atomic int losttls, lostkey, mutexfail, selfmoved, inside;

static void worker(void *arg)
{
	long id = (long)arg;
	pthread_t me = pthread_self();
	for (int r = 0; r < ROUNDS; r++) {
		tlsval = id;
		pthread_setspecific(key, (void *)id);
		mutexfail += pthread_mutex_lock(&rmu) != 0;
		mutexfail += pthread_mutex_lock(&rmu) != 0;
		mutexfail += pthread_mutex_lock(&emu) != 0;
		/* Exclusion: nobody else inside while we sleep in here. */
		if (inside++ != 0)
			mutexfail++;
		usleep(100);
		inside--;
		/* Relocking an error-checking mutex we hold is EDEADLK. */
		mutexfail += pthread_mutex_lock(&emu) != EDEADLK;
		mutexfail += pthread_mutex_unlock(&emu) != 0;
		mutexfail += pthread_mutex_unlock(&rmu) != 0;
		mutexfail += pthread_mutex_unlock(&rmu) != 0;
		/* Not ours any more. */
		mutexfail += pthread_mutex_unlock(&emu) != EPERM;
		usleep(50);
		losttls += tlsval != id;
		lostkey += pthread_getspecific(key) != (void *)id;
		selfmoved += !pthread_equal(me, pthread_self());
	}
	gort_wg_done(&wg);
}

static void scenario(void)
{
	pthread_mutexattr_t a;
	pthread_mutexattr_init(&a);
	pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(&rmu, &a);
	pthread_mutexattr_settype(&a, PTHREAD_MUTEX_ERRORCHECK);
	pthread_mutex_init(&emu, &a);
	pthread_key_create(&key, 0);
	gort_wg_add(&wg, NG);
	for (long i = 1; i <= NG; i++)
		start(worker, (void *)i);
	gort_wg_wait(&wg);
	printf("scenario: lost __thread %d, lost key %d, mutex failures %d, pthread_self moved %d\n",
	       losttls, lostkey, mutexfail, selfmoved);
}

/* Key destructors run when a goroutine ends, by returning or by
   pthread_exit, with the goroutine's own value. */
static pthread_key_t dkey;
static _Atomic long dtorsum;
static void dtor(void *v)
{
	dtorsum += (long)v;
}

static void keyret(void *arg)
{
	pthread_setspecific(dkey, arg);
	usleep(100);
	gort_wg_done(&wg);
}

static void keyexit(void *arg)
{
	pthread_setspecific(dkey, arg);
	usleep(100);
	gort_wg_done(&wg);
	pthread_exit(0);
}

static void keys(void)
{
	pthread_key_create(&dkey, dtor);
	long want = 0;
	gort_wg_add(&wg, 40);
	for (long i = 1; i <= 20; i++) {
		start(keyret, (void *)i);
		start(keyexit, (void *)(100 * i));
		want += 101 * i;
	}
	gort_wg_wait(&wg);
	/* wg_done comes before the destructors: wait for them to finish. */
	for (int i = 0; i < 100000 && dtorsum != want; i++)
		usleep(100);
	printf("keys: destructors %s\n", dtorsum == want ? "ran once each" : "wrong");
}

/* A FILE lock held across parks stays the goroutine's: another goroutine
   waits for it instead of writing into the middle. */
static void filelocker(void *arg)
{
	long id = (long)arg;
	for (int r = 0; r < 5; r++) {
		flockfile(stdout);
		printf("[%ld", id);
		usleep(100);
		printf(" %ld]", id);
		funlockfile(stdout);
		usleep(10);
	}
	gort_wg_done(&wg);
}

static void filelock(void)
{
	gort_wg_add(&wg, 8);
	for (long i = 1; i <= 8; i++)
		start(filelocker, (void *)i);
	gort_wg_wait(&wg);
	printf("\nfilelock: done\n");
}

/* uselocale is per thread: per goroutine here. */
static _Atomic int localebad;
static void localeuser(void *arg)
{
	locale_t c = newlocale(LC_ALL_MASK, "C.UTF-8", 0);
	bool mine = (long)arg & 1;
	if (mine)
		uselocale(c);
	for (int r = 0; r < 10; r++) {
		usleep(100);
		locale_t now = uselocale(0);
		localebad += mine ? now != c : now != LC_GLOBAL_LOCALE;
	}
	if (mine)
		uselocale(LC_GLOBAL_LOCALE);
	freelocale(c);
	gort_wg_done(&wg);
}

static void locales(void)
{
	gort_wg_add(&wg, 20);
	for (long i = 0; i < 20; i++)
		start(localeuser, (void *)i);
	gort_wg_wait(&wg);
	printf("locale: %s\n", localebad ? "mixed up" : "per goroutine");
}

/* raise and pthread_kill from a goroutine reach the program's handler,
   on the thread running the goroutine. */
static _Atomic int handled;
static __thread int handledhere;
static void onusr1(int s)
{
	(void)s;
	handled++;
	handledhere++;
}

static void raiser(void *arg)
{
	(void)arg;
	usleep(100);
	int before = handledhere;
	if (raise(SIGUSR1) != 0)
		fail("raise: %s", strerror(errno));
	int r = pthread_kill(pthread_self(), SIGUSR1);
	if (r != 0)
		fail("pthread_kill: %s", strerror(r));
	printf("raise: handled %d, on this goroutine %d\n", handled, handledhere - before);
	gort_wg_done(&wg);
}

static void raising(void)
{
	signal(SIGUSR1, onusr1);
	gort_wg_add(&wg, 1);
	start(raiser, 0);
	gort_wg_wait(&wg);
}

/* A locked goroutine keeps its kernel thread across parks, and nothing
   else runs there meanwhile; once unlocked it may move again. */
static gort_chan *ping, *pong;
static _Atomic int otherontid;
static _Atomic long lockedtid;

static void ponger(void *arg)
{
	(void)arg;
	for (;;) {
		int v = recvint(ping);
		if (v < 0)
			break;
		if (gettid() == lockedtid)
			otherontid++;
		sendint(pong, v);
	}
	gort_wg_done(&wg);
}

static void busy(void *arg)
{
	(void)arg;
	for (int i = 0; i < 200; i++) {
		if (gettid() == lockedtid)
			otherontid++;
		gort_yield();
	}
	gort_wg_done(&wg);
}

static void locked(void *arg)
{
	(void)arg;
	gort_lockosthread();
	gort_lockosthread();
	gort_unlockosthread();   /* still locked: nested */
	lockedtid = gettid();
	int moved = 0;
	for (int i = 0; i < 50; i++) {
		sendint(ping, i);
		recvint(pong);
		usleep(20);
		moved += gettid() != lockedtid;
	}
	gort_unlockosthread();
	lockedtid = 0;
	sendint(ping, -1);
	printf("lockosthread: moved %d times in 50 parks\n", moved);
	gort_wg_done(&wg);
}

static void lockosthread(void)
{
	ping = mkchan(sizeof(int), 0);
	pong = mkchan(sizeof(int), 0);
	gort_wg_add(&wg, 6);
	start(ponger, 0);
	start(locked, 0);
	for (int i = 0; i < 4; i++)
		start(busy, 0);
	gort_wg_wait(&wg);
	printf("lockosthread: other goroutines on the locked thread %d\n", otherontid);
}

/* A goroutine that ends locked takes its thread with it. */
static _Atomic long goneTid;
static void endlocked(void *arg)
{
	(void)arg;
	gort_lockosthread();
	usleep(100);
	goneTid = gettid();
	gort_wg_done(&wg);
}

static void lockexit(void)
{
	/* main's own thread cannot end without ending the process: a goroutine
	   that ends locked there leaves it asleep. Of two in turn, at least one
	   ran on another thread, which must have ended. */
	int ended = 0, checked = 0;
	for (int round = 0; round < 2; round++) {
		gort_wg_add(&wg, 1);
		start(endlocked, 0);
		gort_wg_wait(&wg);
		if (goneTid == getpid())
			continue;
		char path[64];
		snprintf(path, sizeof path, "/proc/self/task/%ld", (long)goneTid);
		checked++;
		/* The thread ends just after wg_done: wait for it, boundedly. */
		for (int i = 0; i < 20000; i++) {
			if (access(path, F_OK) != 0) {
				ended++;
				break;
			}
			usleep(500);
		}
	}
	printf("lockexit: %s\n", checked > 0 && ended == checked ? "threads ended" : "a thread is still there");
	/* The program goes on with its other threads. */
	gort_wg_add(&wg, 4);
	for (int i = 0; i < 4; i++)
		start(busy, 0);
	gort_wg_wait(&wg);
	printf("lockexit: others still run\n");
}

/* setgid from a goroutine reaches every thread of the process (musl's
   __synccall), not only the one running it. */
static _Atomic int setdone, spinning;

static void setgidder(void *arg)
{
	(void)arg;
	/* The others are busy on their threads, in their own blocks. */
	while (spinning < 2)
		usleep(100);
	if (setegid(4242) != 0)
		fail("setegid: %s", strerror(errno));
	setdone = 1;
	gort_wg_done(&wg);
}

static void spinner(void *arg)
{
	(void)arg;
	spinning++;
	volatile unsigned long n = 0;
	while (!setdone)
		n++;
	gort_wg_done(&wg);
}

static void setgid_(void)
{
	if (geteuid() != 0) {
		printf("setgid: every thread (not root: skipped)\n");
		return;
	}
	gort_wg_add(&wg, 3);
	for (int i = 0; i < 2; i++)
		start(spinner, 0);
	start(setgidder, 0);
	gort_wg_wait(&wg);
	/* Every thread of the process now has egid 4242. */
	int bad = 0, n = 0;
	FILE *f = popen("grep -h '^Gid:' /proc/$PPID/task/*/status", "r");
	char line[256];
	while (f && fgets(line, sizeof line, f)) {
		unsigned r, e;
		if (sscanf(line, "Gid: %u %u", &r, &e) == 2) {
			n++;
			bad += e != 4242;
		}
	}
	if (f)
		pclose(f);
	printf("setgid: %s\n", n > 0 && bad == 0 ? "every thread" : "not every thread");
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "scenario";
	if (!strcmp(mode, "scenario"))
		scenario();
	else if (!strcmp(mode, "keys"))
		keys();
	else if (!strcmp(mode, "filelock"))
		filelock();
	else if (!strcmp(mode, "locale"))
		locales();
	else if (!strcmp(mode, "raise"))
		raising();
	else if (!strcmp(mode, "lockosthread"))
		lockosthread();
	else if (!strcmp(mode, "lockexit"))
		lockexit();
	else if (!strcmp(mode, "setgid"))
		setgid_();
	else
		fail("unknown mode %s", mode);
	return 0;
}
