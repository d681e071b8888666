/*
 * sysmon.c: the system monitor, on its own M without a P (Go's sysmon).
 *
 * It wakes every 20 µs while the program is busy, backing off to 10 ms when
 * there is nothing to do, and sleeps outright while every P is idle (until
 * the next timer, or until an M picks up a P again and wakes it). Each round:
 * poll the network if nobody has for 10 ms, retake Ps whose M is blocked in
 * a system call, ask goroutines that ran for more than 10 ms to stop, print
 * schedtrace, and give back the pages of free stacks.
 */
#include "runtime.h"

enum {
	FORCE_PREEMPT_NS = 10000000,
	SYSCALL_RETAKE_NS = 10000000,
	SCAVENGE_PERIOD_NS = 1000000000,
};

/* Does anything else want pp's time? Only then is a long-running goroutine
   worth interrupting: a program with one busy goroutine gets no signals. */
static bool wantspreempt(p *pp, int64_t now)
{
	if (!runqempty(pp) || sched.runqsize != 0 || atomic_load(&sched.gcwaiting))
		return true;
	int64_t w = atomic_load(&pp->timer0when);
	return w != 0 && w <= now;
}

static uint32_t retake(int64_t now)
{
	uint32_t n = 0;
	lock(&allplock);
	for (int32_t i = 0; i < gomaxprocs; i++) {
		p *pp = allp[i];
		uint32_t s = atomic_load(&pp->status);
		bool sysretake = false;
		if (s == Prunning || s == Psyscall) {
			uint32_t t = pp->schedtick;
			if (pp->sysmon_schedtick != t) {
				pp->sysmon_schedtick = t;
				pp->sysmon_schedwhen = now;
			} else if (pp->sysmon_schedwhen + FORCE_PREEMPT_NS <= now) {
				if (s == Prunning && wantspreempt(pp, now))
					preemptone(pp);
				sysretake = true;
			}
		}
		if (s != Psyscall)
			continue;
		uint32_t t = atomic_load(&pp->syscalltick);
		if (!sysretake && pp->sysmon_syscalltick != t) {
			pp->sysmon_syscalltick = t;
			pp->sysmon_syscallwhen = now;
			continue;
		}
		/* Leave a P with nothing queued to its M while other Ms can serve
		   new work anyway: the system call is likely to return soon. */
		if (runqempty(pp) && atomic_load(&sched.nmspinning) + atomic_load(&sched.npidle) > 0 &&
		    pp->sysmon_syscallwhen + SYSCALL_RETAKE_NS > now)
			continue;
		unlock(&allplock);
		/* Until handoffp has given pp to an M or to the idle list, an M
		   leaving its system call finds no P, queues its goroutine and
		   goes idle; checkdead must not take that for a deadlock. Once
		   the hand-off is done, look again: it may have found no work. */
		lock(&sched.lock);
		sched.nretaking++;
		unlock(&sched.lock);
		uint32_t want = Psyscall;
		if (atomic_compare_exchange_strong(&pp->status, &want, Pidle)) {
			n++;
			atomic_fetch_add(&pp->syscalltick, 1);
			handoffp(pp);
		}
		lock(&sched.lock);
		sched.nretaking--;
		checkdead();
		unlock(&sched.lock);
		lock(&allplock);
	}
	unlock(&allplock);
	return n;
}

/* Free stacks are scavenged in the pool (stack.c): the caches of idle Ps
   go there now (nobody owns an idle P while sched.lock is held), running
   Ps are asked to send theirs at their next scheduling round. */
static void stackcachesflush(void)
{
	lock(&sched.lock);
	for (p *pp = sched.pidle; pp; pp = pp->link)
		if (pp->nstackcache > 0)
			stackcache_release(pp);
	unlock(&sched.lock);
	lock(&allplock);
	for (int32_t i = 0; i < gomaxprocs; i++) {
		p *pp = allp[i];
		if (pp->nstackcache > 0 && atomic_load(&pp->status) != Pidle)
			atomic_store(&pp->stackflush, true);
	}
	unlock(&allplock);
}

/* Do free stacks hold memory that stackscavenge would give back? sched.lock
   held (allp is stable). */
static bool stackspending(void)
{
	if (stackscavengepending())
		return true;
	for (int32_t i = 0; i < gomaxprocs; i++)
		if (allp[i]->nstackcache > 0)
			return true;
	return false;
}

/* Earliest timer on any P, 0 if none. */
static int64_t timeSleepUntil(void)
{
	int64_t next = 0;
	lock(&allplock);
	for (int32_t i = 0; i < gomaxprocs; i++) {
		int64_t w = atomic_load(&allp[i]->timer0when);
		if (w != 0 && (next == 0 || w < next))
			next = w;
	}
	unlock(&allplock);
	return next;
}

void sysmon(void)
{
	int64_t delay = 0, lasttrace = 0, lastscavenge = nanotime();
	int idle = 0;
	sigmaskidle(getg()->m);   /* never the program's: signal.c */
	for (;;) {
		if (idle == 0)
			delay = 20;
		else if (idle > 50)
			delay *= 2;
		if (delay > 10000)
			delay = 10000;
		usleep_(delay);
		int64_t now = nanotime();
		if (debug_schedtrace <= 0 &&
		    (atomic_load(&sched.gcwaiting) || atomic_load(&sched.npidle) == gomaxprocs)) {
			lock(&sched.lock);
			if (atomic_load(&sched.gcwaiting) || atomic_load(&sched.npidle) == gomaxprocs) {
				int64_t next = timeSleepUntil();
				if (next == 0 || next > now) {
					atomic_store(&sched.sysmonwait, 1);
					unlock(&sched.lock);
					int64_t sleep = 60000000000LL;
					if (next != 0 && next - now < sleep)
						sleep = next - now;
					/* Free stacks still hold memory: give it back
					   before sleeping for long. */
					if (sleep > SCAVENGE_PERIOD_NS && stackspending())
						sleep = SCAVENGE_PERIOD_NS;
					futexsleep(&sched.sysmonwait, 1, sleep);
					lock(&sched.lock);
					atomic_store(&sched.sysmonwait, 0);
				}
			}
			unlock(&sched.lock);
			now = nanotime();
		}
		int64_t lastpoll = atomic_load(&sched.lastpoll);
		if (netpollinited() && lastpoll != 0 && lastpoll + 10000000 < now &&
		    atomic_compare_exchange_strong(&sched.lastpoll, &lastpoll, now)) {
			int32_t n;
			g *list = netpoll(0, &n);
			if (list)
				injectglist(list);
		}
		if (retake(now) != 0)
			idle = 0;
		else
			idle++;
		if (debug_schedtrace > 0 && lasttrace + (int64_t)debug_schedtrace * 1000000 <= now) {
			lasttrace = now;
			schedtrace(debug_scheddetail > 0);
		}
		if (now - lastscavenge > SCAVENGE_PERIOD_NS) {
			lastscavenge = now;
			stackcachesflush();
			stackscavenge(now);
		}
	}
}

/* Called when a P gets busy again: sysmon may be asleep for a long time.
   A futex word rather than a note: any number of Ms may race to wake it. */
void wakesysmon(void)
{
	if (atomic_load_explicit(&sched.sysmonwait, memory_order_relaxed) == 0)
		return;
	if (atomic_exchange(&sched.sysmonwait, 0))
		futexwakeup(&sched.sysmonwait, 1);
}
