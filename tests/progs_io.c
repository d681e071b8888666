/*
 * progs_io.c: whole programs for the libc shim, the netpoller, sysmon and
 * preemption (issue 4): ordinary blocking calls park the goroutine, not
 * the thread, under GOMAXPROCS=1 and 2 (and 4 where it is cheap).
 * Nothing here asserts on timing beyond generous bounds: the programs
 * report what happened and the tests check it.
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

#define LIMIT 60.0

#define expect_out(r, s) \
	cr_expect(strstr((r).out, (s)), "GOMAXPROCS=%d: stdout lacks \"%s\":\n%s\nstderr:\n%s", procs, (s), \
	          (r).out, (r).err)
/* Status 0 in time, and nothing on stderr: a runtime warning or a
   half-printed fatal error there is a failure too. */
#define expect_ok(r) \
	cr_expect((r).status == 0 && !(r).timedout && !*(r).err, "GOMAXPROCS=%d: status %d%s\n%s\nstderr:\n%s", \
	          procs, (r).status, (r).timedout ? " (timed out)" : "", (r).out, (r).err)

/* Ten thousand connections at GOMAXPROCS=4 too would double the suite's
   longest test for no path the other two do not take. */
static const int procs12[] = { 1, 2 };

/* prog exits 0 and prints exactly want under every GOMAXPROCS tested. */
static void expect_prints(const char *prog, const char *want)
{
	for (int i = 0; i < 3; i++) {
		int procs = test_procs[i];
		struct run r = run_prog(prog, NULL, NULL, procs, LIMIT);
		expect_ok(r);
		cr_expect_str_eq(r.out, want, "GOMAXPROCS=%d:\n%s", procs, r.out);
		run_free(&r);
	}
}

static int count(const char *s, const char *sub)
{
	int n = 0;
	for (const char *p = s; (p = strstr(p, sub)); p += strlen(sub))
		n++;
	return n;
}

Test(io, every_overridden_musl_object_links_and_works)
{
	for (int i = 0; i < 3; i++) {
		int procs = test_procs[i];
		struct run r = run_prog("io_link", NULL, NULL, procs, LIMIT);
		expect_ok(r);
		expect_out(r, "26 of 26 calls as expected\n");
		run_free(&r);
	}
}

Test(io, read_on_an_empty_pipe_parks_only_the_goroutine)
{
	for (int i = 0; i < 3; i++) {
		int procs = test_procs[i];
		struct run r = run_prog("io_pipe", NULL, NULL, procs, LIMIT);
		expect_ok(r);
		expect_out(r, "reader blocked, others ran; O_NONBLOCK visible: 0\n");
		expect_out(r, "reader got 5 bytes: hello\n");
		expect_out(r, "big: wrote 1048576 read 1048576 same 1 eof 0\n");
		run_free(&r);
	}
}

Test(io, close_under_a_waiter_wakes_it_with_ebadf)
{
	for (int i = 0; i < 3; i++) {
		int procs = test_procs[i];
		struct run r = run_prog("io_close", NULL, NULL, procs, LIMIT);
		expect_ok(r);
		expect_out(r, "parked: 7 of 7\n");
		cr_expect_eq(count(r.out, "read: woke ret=-1 errno=EBADF\n"), 3, "%s", r.out);
		expect_out(r, "accept: woke ret=-1 errno=EBADF\n");
		expect_out(r, "recv: woke ret=-1 errno=EBADF\n");
		expect_out(r, "write: woke ret=-1 errno=EBADF\n");
		expect_out(r, "fclose: woke ret=-1 errno=EBADF\n");
		expect_out(r, "new pipe: 2 ok\n");
		cr_expect(!strstr(r.out, "not blocked") && !strstr(r.out, "STILL"), "%s", r.out);
		run_free(&r);
	}
}

Test(io, user_nonblocking_descriptors_still_get_eagain)
{
	static const char want[] =
		"pipe2 O_NONBLOCK: read EAGAIN, F_GETFL nb=1\n"
		"after F_SETFL 0: nb=0 read ok\n"
		"plain pipe: read ok nb=0\n"
		"FIONBIO 1: nb=1 read EAGAIN\n"
		"FIONBIO 0: nb=0 read ok\n"
		"F_SETFL O_NONBLOCK: nb=1 read EAGAIN\n"
		"dup: nb=0 read ok\n"
		"F_DUPFD_CLOEXEC: nb=0\n"
		"dup before use: original nb=0 read ok\n"
		"dup before use, user non-blocking: read EAGAIN nb=1, original read EAGAIN nb=1\n"
		"dup of stdout: written\n"
		"dup of stdout: kernel nb=0\n"
		"SOCK_NONBLOCK: recv EAGAIN read EAGAIN nb=1\n"
		"MSG_DONTWAIT: recv EAGAIN nb=0\n"
		"MSG_ERRQUEUE: recvmsg EAGAIN\n"
		"blocking socket: recv ok\n"
		"listener SOCK_NONBLOCK: accept EAGAIN nb=1\n"
		"accept4 SOCK_NONBLOCK: ok listener nb=0 accepted nb=1 recv EAGAIN\n"
		"listener made non-blocking: accept EAGAIN nb=1\n"
		"switched pipe on stdout: write 200000 fwrite 200000 error 0 nb=0\n";
	expect_prints("io_nonblock", want);
}

/* Each blocking read seen blocked in the kernel (tests/prog/parked.h)
   before it is woken or cancelled. */
Test(io, wrappers_on_a_plain_pthread_behave_like_libc)
{
	static const char want[] =
		"goroutine read: 1, F_GETFL nb=0\n"
		"pthread read on a switched pipe: 4 'late' (blocked until data)\n"
		"pthread read(-1): -1 EBADF\n"
		"pthread usleep 20ms: slept >= 20ms: 1\n"
		"pthread_cancel of a thread in read (plain pipe): cancelled\n"
		"pthread_cancel of a thread in read (switched pipe): cancelled\n"
		"goroutine read, fd closed by a pthread: -1 EBADF\n";
	expect_prints("io_pthread", want);
}

Test(io, sleeping_goroutines_park_and_use_no_cpu)
{
	for (int i = 0; i < 3; i++) {
		int procs = test_procs[i];
		struct run r = run_prog("io_sleep", NULL, NULL, procs, LIMIT);
		expect_ok(r);
		expect_out(r, "usleep 30ms: r=0 slept>=30ms 1 others ran 1\n");
		expect_out(r, "sleep(0)=0 nanosleep 2ms r=0 rem untouched 1 slept 1\n");
		expect_out(r, "nanosleep bad tv_nsec: -1 EINVAL\n");
		expect_out(r, "clock_nanosleep negative: EINVAL\n");
		expect_out(r, "clock_nanosleep thread CPU clock: EINVAL\n");
		expect_out(r, "clock_nanosleep TIMER_ABSTIME: r=0 not early 1\n");
		expect_out(r, "cpu while all asleep: low");
		expect_out(r, "1000 sleepers woke\n");
		run_free(&r);
	}
}

Test(io, blocking_system_calls_release_the_p)
{
	for (int i = 0; i < 3; i++) {
		int procs = test_procs[i];
		struct run r = run_prog("io_syscall", NULL, NULL, procs, LIMIT);
		expect_ok(r);
		expect_out(r, "waitpid: others ran while it blocked: 1, still blocked: 1\n");
		expect_out(r, "waitpid: child status 7\n");
		expect_out(r, "flock: others ran while it blocked: 1, still blocked: 1\n");
		expect_out(r, "flock: got the lock after the holder let go: 1\n");
		expect_out(r, "pthread_mutex_lock: others ran while it blocked: 1, still blocked: 1\n");
		expect_out(r, "pthread_mutex_lock: got it\n");
		static const char *const multi[] = { "select", "ppoll", "epoll_wait" };
		for (int k = 0; k < 3; k++) {
			char want[128];
			snprintf(want, sizeof want, "%s: others ran while it blocked: 1, still blocked: 1\n%s: woke with 1 ready\n",
			         multi[k], multi[k]);
			expect_out(r, want);
		}
		run_free(&r);
	}
}

Test(io, signals_keep_their_default_behaviour)
{
	static const struct {
		const char *mode;
		int status;
		const char *out;
	} cases[] = {
		{ "sigpipe", 128 + SIGPIPE, "" },
		{ "sigpipe-ign", 0, "write returned -1 EPIPE\n" },
		{ "sigpipe-sock", 128 + SIGPIPE, "" },
		{ "sigint", 128 + SIGINT, "parked\n" },
		{ "sigterm", 128 + SIGTERM, "parked\n" },
		{ "handler", 0, "handler ran\nread returned 1\n" },
	};
	for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
		for (int i = 0; i < 3; i++) {
			int procs = test_procs[i];
			const char *args[] = { cases[c].mode, NULL };
			struct run r = run_prog("io_signals", args, NULL, procs, LIMIT);
			cr_expect_eq(r.status, cases[c].status, "%s GOMAXPROCS=%d: status %d\n%s%s", cases[c].mode,
			             procs, r.status, r.out, r.err);
			cr_expect_str_eq(r.out, cases[c].out, "%s", cases[c].mode);
			cr_expect_str_empty(r.err, "%s GOMAXPROCS=%d: stderr:\n%s", cases[c].mode, procs, r.err);
			run_free(&r);
		}
	}
}

Test(io, pause_wakes_whichever_m_main_is_on)
{
	const char *args[] = { "pause", NULL };
	const char *want[] = { "pause: -1, caught SIGALRM: 1\n", NULL };
	run_ok("signal_mask", args, want, LIMIT);
}

Test(io, sigwait_takes_a_signal_blocked_process_wide)
{
	const char *args[] = { "sigwait", NULL };
	const char *want[] = { "sigwait: 0, signal SIGUSR1, still blocked: 1\n", NULL };
	run_ok("signal_mask", args, want, LIMIT);
}

Test(io, sigsuspend_wakes_for_the_signal_it_unblocks)
{
	const char *args[] = { "sigsuspend", NULL };
	const char *want[] = { "sigsuspend: woke, child status 7\n", NULL };
	run_ok("signal_mask", args, want, LIMIT);
}

Test(io, signal_mask_is_the_programs_not_the_threads)
{
	const char *args[] = { "shared", NULL };
	const char *want[] = { "shared: seen blocked by 8 of 8, pending until unblocked: 1\n", NULL };
	run_ok("signal_mask", args, want, LIMIT);
}

Test(io, handler_may_call_sigprocmask_and_siglongjmp_restores_the_mask)
{
	const char *nested[] = { "nested", NULL }, *jump[] = { "siglongjmp", NULL };
	const char *wantnested[] = { "nested: handler ran 20 of 20\n", NULL };
	const char *wantjump[] = { "siglongjmp: jumped 1, SIGINT blocked 0, SIGUSR2 blocked 0\n", NULL };
	run_ok("signal_mask", nested, wantnested, LIMIT);
	run_ok("signal_mask", jump, wantjump, LIMIT);
}

Test(io, handler_cuts_a_blocking_call_short)
{
	const char *args[] = { "eintr", NULL };
	const char *want[] = { "eintr: read -1, EINTR\n", NULL };
	run_ok("signal_mask", args, want, LIMIT);
}

Test(io, inherited_pipes_stay_blocking)
{
	const char *want[] = { "child: both blocked 1, read ab, kernel nb=0\n", "child: own pipe read o, kernel nb=1\n",
			       "parent: kernel nb=0\n", NULL };
	run_ok("io_inherit", NULL, want, LIMIT);
}

/* The child of a fork after the first go() is plain C: its calls never
   park (the parent's poller is shared). */
Test(io, fork_child_is_plain_libc)
{
	const char *want[] = { "child: nanosleep interrupted 1\n", NULL };
	run_ok("fork_child", NULL, want, LIMIT);
}

Test(io, libc_lock_waiters_give_up_the_p)
{
	const char *file[] = { "file", NULL }, *sock[] = { "socket", NULL };
	const char *wantfile[] = { "file: 2 of 2 done\n", NULL };
	const char *wantsock[] = { "socket: 3 of 3 done\n", NULL };
	run_ok("libc_lock", file, wantfile, LIMIT);
	run_ok("libc_lock", sock, wantsock, LIMIT);
}

Test(io, stdio_parks_and_keeps_lines_whole)
{
	for (int i = 0; i < 3; i++) {
		int procs = test_procs[i];
		struct run r = run_prog("io_stdio", NULL, NULL, procs, LIMIT);
		cr_expect(r.status == 0 && !r.timedout, "GOMAXPROCS=%d: status %d\n%s", procs, r.status, r.err);
		/* stderr through stdio too, and nothing else there. */
		cr_expect_str_eq(r.err, "printers done\n", "GOMAXPROCS=%d: stderr:\n%s", procs, r.err);
		expect_out(r, "FILE layout matches musl 1.2.3: 1 1\n");
		expect_out(r, "fgets on a pipe: others ran meanwhile, got 7 bytes\n");
		expect_out(r, "stdio on a socket: sent 1 echoed 1 back 1048576 same 1\n");
		/* 50 goroutines x 200 lines, each whole. */
		int whole = 0, lines = 0;
		for (char *l = r.out; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : 0) {
			long id;
			int k, n = 0;
			if (strncmp(l, "line ", 5))
				continue;
			lines++;
			if (sscanf(l, "line %ld %d %n", &id, &k, &n) == 2 && n &&
			    !strncmp(l + n, "...............................................\n", 48))
				whole++;
		}
		cr_expect(lines == 10000 && whole == 10000, "GOMAXPROCS=%d: %d lines, %d whole", procs, lines, whole);
		run_free(&r);
	}
}

Test(net, ten_thousand_concurrent_loopback_connections, .timeout = 300)
{
	for (int i = 0; i < 2; i++) {
		int procs = procs12[i];
		struct run r = run_prog("net_echo", NULL, NULL, procs, 120);
		if (strstr(r.out, "skip:"))
			cr_skip_test("%s", r.out);
		expect_ok(r);
		expect_out(r, "client: 10000 connections, 10000 completed all 3 round trips (30000 in all)\n");
		expect_out(r, "server: peak 10000 concurrent connections, served 10000, client exit 0\n");
		run_free(&r);
	}
}

Test(net, emfile_on_accept_keeps_the_server_serving)
{
	for (int i = 0; i < 3; i++) {
		int procs = test_procs[i];
		struct run r = run_prog("net_emfile", NULL, NULL, procs, LIMIT);
		expect_ok(r);
		expect_out(r, "echoed 40 of 40; accepted 40; EMFILE seen: yes\n");
		run_free(&r);
	}
}

Test(net, resets_and_refusals_reach_the_waiters)
{
	for (int i = 0; i < 3; i++) {
		int procs = test_procs[i];
		struct run r = run_prog("net_reset", NULL, NULL, procs, LIMIT);
		expect_ok(r);
		expect_out(r, "server read after client reset: ECONNRESET\n");
		expect_out(r, "server write after reset: -1 failed as it should\n");
		expect_out(r, "client read after server reset: ECONNRESET\n");
		expect_out(r, "connect to a closed port: -1 ECONNREFUSED\n");
		expect_out(r, "500 concurrent connects: 500 echoed\n");
		run_free(&r);
	}
}

Test(net, poll_on_one_descriptor_parks)
{
	for (int i = 0; i < 3; i++) {
		int procs = test_procs[i];
		struct run r = run_prog("net_poll", NULL, NULL, procs, LIMIT);
		expect_ok(r);
		expect_out(r, "2000 goroutines in poll: parked 2000, few threads 1\n");
		cr_expect(!strstr(r.out, "never parked"), "%s", r.out);
		expect_out(r, "woke with POLLIN and read: 2000\n");
		expect_out(r, "timed out after >= 30ms: 2000, threads few 1\n");
		expect_out(r, "timeout: poll returned 0 after >= 40ms: 1\n");
		expect_out(r, "closed under poll: 1 POLLNVAL\n");
		expect_out(r, "writable: 1 POLLOUT\n");
		expect_out(r, "two descriptors: 1 ready, second POLLIN\n");
		expect_out(r, "no descriptors: 0 after >= 20ms: 1\n");
		run_free(&r);
	}
}

/* After a read that stopped short, the next one parks before it tries:
   unless the poller said the stream may hold data that no edge will
   announce (urgent data, the end of the stream). */
Test(net, a_read_after_a_short_read_still_sees_urgent_data_and_eof)
{
	static const char *const cases[][2] = {
		{ "urgent", "client: got 1\nclient: got 2\nclient: got 2\n" },
		{ "eof", "client: got 1\nclient: got 1\nclient: eof\n" },
	};
	for (int k = 0; k < 2; k++) {
		for (int i = 0; i < 3; i++) {
			int procs = test_procs[i];
			const char *args[] = { cases[k][0], NULL };
			struct run r = run_prog("net_shortread", args, NULL, procs, LIMIT);
			expect_ok(r);
			cr_expect_str_eq(r.out, cases[k][1], "%s, GOMAXPROCS=%d:\n%s", cases[k][0], procs, r.out);
			run_free(&r);
		}
	}
}

/* A goroutine queued on a P whose M never comes back to the scheduler (a
   spin with asynchronous preemption off) is taken by the M kept busy by
   network work within a few of its polls (proc.c's stealstalled). */
Test(net, goroutines_behind_a_stalled_m_are_stolen)
{
	static const char *const env[] = { "GODEBUG=asyncpreemptoff=1", NULL };
	for (int i = 0; i < 3; i++) {
		int procs = test_procs[i];
		struct run r = run_prog("net_stalled", NULL, env, procs, LIMIT);
		expect_ok(r);
		expect_out(r, "a goroutine queued behind a spinning one ran\n");
		run_free(&r);
	}
}

Test(net, socket_timeouts_still_time_out)
{
	for (int i = 0; i < 3; i++) {
		int procs = test_procs[i];
		struct run r = run_prog("net_timeo", NULL, NULL, procs, LIMIT);
		expect_ok(r);
		expect_out(r, "recv with SO_RCVTIMEO: EAGAIN after >= 50ms: 1\n");
		expect_out(r, "read with SO_RCVTIMEO: EAGAIN after >= 50ms: 1\n");
		expect_out(r, "others ran meanwhile: 1\n");
		expect_out(r, "accept with SO_RCVTIMEO: EAGAIN after >= 50ms: 1\n");
		expect_out(r, "send with SO_SNDTIMEO: EAGAIN after >= 50ms: 1\n");
		expect_out(r, "send without timeout: all sent\n");
		run_free(&r);
	}
}

Test(preempt, a_tight_loop_does_not_starve_the_others)
{
	const char *nspin[] = { "1", "3" };
	for (int k = 0; k < 2; k++) {
		for (int i = 0; i < 3; i++) {
			int procs = test_procs[i];
			const char *args[] = { nspin[k], NULL };
			struct run r = run_prog("preempt_spin", args, NULL, procs, LIMIT);
			expect_ok(r);
			char want[128];
			snprintf(want, sizeof want, "%s spinners started, the napper napped 5 times, main returns (in time)\n",
			         nspin[k]);
			expect_out(r, want);
			run_free(&r);
		}
	}
}

/* General, SSE and AVX registers survive asynchronous preemption: results
   bit-exact with main's, and at GOMAXPROCS=1 the loops were preempted. */
Test(preempt, registers_and_vector_state_survive_preemption)
{
	const char *want[] = { "bit-exact: 4 of 4, switches >= 20: 1\n", NULL };
	run_ok("preempt_regs", NULL, want, LIMIT);
}

Test(samples, spin_finishes)
{
	const char *argv[] = { build_path("samples/spin"), NULL };
	struct run r = run_cmd(argv, NULL, LIMIT);
	int procs = 1;
	expect_ok(r);
	expect_out(r, "main: tick 5, the spinner counted to ");
	expect_out(r, "main returns; the spinner is still spinning\n");
	run_free(&r);
}

/* Start a sample server on a free port; returns its pid and port. */
static pid_t startserver(const char *name, int *port)
{
	int p[2];
	cr_assert(pipe(p) == 0);
	pid_t pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0) {
		dup2(p[1], 1);
		close(p[0]);
		const char *path = build_path(name);
		execl(path, path, "0", (char *)0);
		_exit(127);
	}
	close(p[1]);
	FILE *f = fdopen(p[0], "r");
	char line[256] = "";
	cr_assert(fgets(line, sizeof line, f), "%s printed nothing", name);
	fclose(f);
	char *colon = strrchr(line, ':');
	cr_assert(colon, "%s", line);
	*port = atoi(colon + 1);
	cr_assert(*port > 0, "%s", line);
	return pid;
}

static int dial(int port)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert(connect(fd, (struct sockaddr *)&a, sizeof a) == 0);
	return fd;
}

static void stopserver(pid_t pid)
{
	kill(pid, SIGTERM);
	int st;
	waitpid(pid, &st, 0);
	cr_expect(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM, "status %#x", st);
}

static size_t readfull(int fd, char *buf, size_t len)
{
	size_t have = 0;
	while (have < len) {
		ssize_t n = read(fd, buf + have, len - have);
		if (n <= 0)
			break;
		have += (size_t)n;
	}
	return have;
}

Test(samples, echo_serves_many_clients)
{
	int port;
	pid_t pid = startserver("samples/echo", &port);
	enum { N = 100 };
	int fds[N];
	for (int i = 0; i < N; i++)
		fds[i] = dial(port);
	for (int i = 0; i < N; i++) {
		char msg[32], back[32];
		int len = snprintf(msg, sizeof msg, "message %d", i);
		cr_assert(write(fds[i], msg, (size_t)len) == len);
		cr_expect(readfull(fds[i], back, (size_t)len) == (size_t)len && !memcmp(msg, back, (size_t)len));
	}
	for (int i = 0; i < N; i++)
		close(fds[i]);
	stopserver(pid);
}

Test(samples, httpd_keeps_connections_alive)
{
	int port;
	pid_t pid = startserver("samples/httpd", &port);
	int fd = dial(port);
	static const char req[] = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
	static const char resp[] = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 14\r\n\r\n"
	                           "Hello, World!\n";
	char buf[256];
	for (int i = 0; i < 3; i++) {
		cr_assert(write(fd, req, sizeof req - 1) == (ssize_t)(sizeof req - 1));
		size_t n = readfull(fd, buf, sizeof resp - 1);
		cr_expect(n == sizeof resp - 1 && !memcmp(buf, resp, n), "request %d: %.*s", i, (int)n, buf);
	}
	/* Two pipelined requests, the second asking to close. */
	static const char two[] = "GET /a HTTP/1.1\r\n\r\nGET /b HTTP/1.1\r\nConnection: close\r\n\r\n";
	cr_assert(write(fd, two, sizeof two - 1) == (ssize_t)(sizeof two - 1));
	size_t n = readfull(fd, buf, sizeof buf);
	cr_expect_eq(n, 2 * (sizeof resp - 1), "%.*s", (int)n, buf);
	close(fd);
	stopserver(pid);
}

/* musl closes its own netlink and DNS sockets with a raw system call; the
   next descriptor with the number must not pass for the old socket. */
Test(io, descriptors_closed_behind_gorts_back_are_not_mistaken)
{
	static const char want[] =
		"read after getifaddrs: ok\n"
		"read(2) of a file: same number ok\n"
		"fgets of a file: same number ok\n"
		"poll of a FIFO: same number ready\n"
		"socketpair: same number\n"
		"blocking socket read: got hello\n";
	expect_prints("io_stale", want);
}
