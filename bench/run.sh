#!/bin/bash
# bench/run.sh: the same workloads written in Go (bench/go) and in gort C
# (bench/c), built and run alternately (Go, gort, Go, gort, ...) in one
# invocation, summed up in one table: stdout and build/bench/results.md.
#
#   BENCH_RUNS=n      runs of each side per workload (default 5)
#   BENCH_ONLY=a,b    only the workloads named (or whose program is named;
#                     "bare": every NAME-bare row)
#   BENCH_TIMEOUT=s   a run taking longer counts as hung (default 120)
#   BENCH_EXECS=n     hyperfine runs per batch for the start-up workload (100)
#   BENCH_STRICT=1    exit 1 when a target is missed, not only on failures
#
# Called by `make bench`, after `make setup all`; run from anywhere.
#
# shellcheck disable=SC2317 # the kind_ functions are called by name
set -u
cd "$(dirname "$0")/.." || exit 1

RUNS=${BENCH_RUNS:-5}
ONLY=${BENCH_ONLY:-}
TIMEOUT=${BENCH_TIMEOUT:-120}
EXECS=${BENCH_EXECS:-100}
OUT=build/bench
GORTCC=bin/gortcc
CFLAGS_BENCH="-std=c11 -Wall -Wextra -Werror -O2"

# The workloads. One line each:
#   name  program  env  args  kind  check  target
# program: bench/go/PROGRAM.go and bench/c/PROGRAM.c.
# env, args: comma-separated (VAR=value,... / arg,...), "-" for none.
# kind: how it is measured, the function kind_KIND below:
#   time  the program prints check=... time_ns=...; target is the highest
#         gort/Go time ratio that passes
#   mem   the program prints check=... kib_per_g=...; target is the highest
#         gort KiB per parked goroutine that passes
#   exec  whole-process wall time and binary size of a trivial program,
#         against musl-gcc -static too; target is the highest gort/musl
#         time ratio that passes (size must stay under 100 KiB)
#   echo, http  a server on 127.0.0.1 under load from another process
#         (kind_server); args: CONNS,idle|active[,SECS]: the load's
#         connections, then whether RSS is read with 10,000 idle
#         connections after the load or during it, and the load's
#         seconds (BENCH_SERVER_SECS by default); target is the lowest
#         gort/Go requests-per-second ratio that passes, then, after a
#         slash, the lowest gort/threads one: bench/threads/PROGRAM.c,
#         one thread per connection, built with musl-gcc -static -pthread,
#         runs beside the two when it exists
# check: what the program must print as check= (a wrong answer is a failure).
# A name ending in -bare measures bench/c/PROGRAM.c built in bare mode
# (gortcc -nolibc) in gort's column, with the same target, and also runs
# the default mode's build in the same alternation: the bare/default
# ratio goes to a second table (target: bare at least as fast, see bare_ratio).
# A new kind of measurement (say a server driven by wrk from 127.0.0.1)
# is a kind_NAME function that calls `row` for each line of the table.
WORKLOADS='
spawn        spawn     -             -   time  1000000       0.5
yield        yield     GOMAXPROCS=1  -   time  2000000       0.5
pingpong-p1  pingpong  GOMAXPROCS=1  -   time  1000000       0.5
pingpong-p2  pingpong  GOMAXPROCS=2  -   time  1000000       0.5
spawn-bare        spawn     -             -   time  1000000  0.5
yield-bare        yield     GOMAXPROCS=1  -   time  2000000  0.5
pingpong-p1-bare  pingpong  GOMAXPROCS=1  -   time  1000000  0.5
pingpong-p2-bare  pingpong  GOMAXPROCS=2  -   time  1000000  0.5
hello-bare        hello     -             -   exec  -        1.3
ring         ring      -             -   time  1000000       0.5
skynet       skynet    -             -   time  499999500000  0.6
sieve        sieve     -             -   time  48611         0.7
mutex        mutex     -             -   time  1000000       1.0
parked       parked    -             -   mem   100000        8
echo         echo      -             50,idle           echo  -  1.5/1.25
echo-10k     echo      -             10000,active,3    echo  -  1.0
httpd        httpd     -             100,idle          http  -  1.5
hello        hello     -             -   exec  -             1.3
'

# ---- set-up: what a fresh Debian 12 machine lacks (mirrors make setup) ----

setup() {
	local need="" sudo=""
	[ "$(id -u)" = 0 ] || sudo=sudo
	command -v go >/dev/null || need="$need golang-go"
	command -v hyperfine >/dev/null || need="$need hyperfine"
	command -v musl-gcc >/dev/null || need="$need musl-tools"
	command -v wrk >/dev/null || need="$need wrk"
	if [ -n "$need" ]; then
		echo "installing:$need" >&2
		# shellcheck disable=SC2086
		if ! $sudo apt-get update -qq ||
			! $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need >/dev/null; then
			echo "bench: could not install$need" >&2
			exit 1
		fi
	fi
}

# ---- small helpers ----

selected() { # name program
	[ -z "$ONLY" ] && return 0
	case ",$ONLY," in *",$1,"* | *",$2,"*) return 0 ;; esac
	case ",$ONLY,/$1" in *,bare,*/*-bare) return 0 ;; esac
	return 1
}

bare() { case $1 in *-bare) return 0 ;; esac; return 1; } # name

median() { # numbers...
	printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 }
		END { if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}

ms() { # nanoseconds -> "12.3 ms" with about three significant digits
	awk -v ns="$1" 'BEGIN { v = ns / 1e6
		if (v < 10) printf "%.2f ms", v; else if (v < 100) printf "%.1f ms", v; else printf "%.0f ms", v }'
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
le() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a <= b) }'; }
field() { sed -n "s/.*[ :]$1=\\([^ ]*\\).*/\\1/p" | tail -1; } # KEY < output

ROWS=()
FAILED=0
MISSED=0
row() { # workload go gort ratio target verdict [threads gort/threads]
	ROWS+=("$1|$2|$3|$4|$5|$6|${7:-}|${8:-}")
	case $6 in fail) MISSED=1 ;; pass) ;; *) FAILED=1 ;; esac
}

# waitline PID FILE TEXT WHO: wait until FILE says TEXT or PID has ended,
# however long that takes on a busy machine (PID's own timeout bounds it),
# and note in raw.txt how long it was.
waitline() {
	local t0=$SECONDS
	while kill -0 "$1" 2>/dev/null; do
		grep -q "$3" "$2" && break
		sleep 0.1
	done
	echo "$4 $3 after $((SECONDS - t0)) s" >>"$OUT/raw.txt"
}

# run SIDE PROG ENV ARGS: one run of build/bench/SIDE/PROG; its output goes to
# $RUNOUT, and $RUNERR says why it failed when it returns non-zero.
RUNOUT=$OUT/run.out
run() {
	local side=$1 prog=$2 envs=() args=()
	[ "$3" = - ] || IFS=, read -ra envs <<<"$3"
	[ "$4" = - ] || IFS=, read -ra args <<<"$4"
	env ${envs[@]+"${envs[@]}"} timeout -k 5 "$TIMEOUT" "$OUT/$side/$prog" \
		${args[@]+"${args[@]}"} >"$RUNOUT" 2>"$RUNOUT.err"
	local st=$?
	cat "$RUNOUT" "$RUNOUT.err" >>"$OUT/raw.txt"
	case $st in
	0) RUNERR= ; return 0 ;;
	124 | 137) RUNERR="hung (> ${TIMEOUT}s)" ;;
	*) RUNERR="exit status $st: $(head -c 60 "$RUNOUT.err" | head -1)" ;;
	esac
	return 1
}

# ---- kinds of measurement ----

# In-program monotonic clock around the workload; start-up and exit excluded.
kind_time() { # name prog env args check target
	local name=$1 prog=$2 check=$5 target=$6 side i v sides="go c"
	local -A err=() samples=()
	bare "$name" && sides="go c bare"
	for side in $sides; do
		[ -x "$OUT/$side/$prog" ] || err[$side]="build failed"
	done
	for ((i = 1; i <= RUNS; i++)); do
		for side in $sides; do
			[ -n "${err[$side]:-}" ] && continue
			if ! run "$side" "$prog" "$3" "$4"; then
				err[$side]=$RUNERR
				continue
			fi
			v=$(field check <"$RUNOUT")
			if [ "$v" != "$check" ]; then
				err[$side]="wrong result: check=$v, want $check"
				continue
			fi
			samples[$side]="${samples[$side]:-} $(field time_ns <"$RUNOUT")"
		done
	done
	bare "$name" && bare_ratio "${name%-bare}"
	report "$name" "$target" "≤ ${target}x Go" time
}

# RSS growth per parked goroutine, as the program reports it from statm.
kind_mem() { # name prog env args check target
	local name=$1 prog=$2 check=$5 target=$6 side i v
	local -A err=() samples=()
	for side in go c; do
		[ -x "$OUT/$side/$prog" ] || err[$side]="build failed"
	done
	for ((i = 1; i <= RUNS; i++)); do
		for side in go c; do
			[ -n "${err[$side]:-}" ] && continue
			if ! run "$side" "$prog" "$3" "$4"; then
				err[$side]=$RUNERR
				continue
			fi
			v=$(field check <"$RUNOUT")
			if [ "$v" != "$check" ]; then
				err[$side]="wrong result: check=$v, want $check"
				continue
			fi
			samples[$side]="${samples[$side]:-} $(field kib_per_g <"$RUNOUT")"
		done
	done
	report "$name" "$target" "≤ $target KiB (gort)" mem
}

# Whole-process wall time (exec to exit, measured by hyperfine without a
# shell) of a trivial program: Go, gort and musl-gcc -static, batches
# alternating; plus the three binaries' sizes.
kind_exec() { # name prog env args check target
	local name=$1 prog=$2 target=$6 side i v
	local -A err=() samples=()
	local sides="go c musl" envs=()
	bare "$name" && sides="go c bare musl"
	[ "$3" = - ] || IFS=, read -ra envs <<<"$3"
	for side in $sides; do
		[ -x "$OUT/$side/$prog" ] || err[$side]="build failed"
	done
	for ((i = 1; i <= RUNS; i++)); do
		for side in $sides; do
			[ -n "${err[$side]:-}" ] && continue
			if ! env ${envs[@]+"${envs[@]}"} hyperfine -N --style none --warmup 5 \
				--runs "$EXECS" --export-csv "$OUT/hyperfine.csv" \
				"$OUT/$side/$prog" >/dev/null 2>"$RUNOUT.err"; then
				err[$side]="hyperfine failed: $(head -1 "$RUNOUT.err")"
				continue
			fi
			# command,mean,stddev,median,...: seconds.
			v=$(awk -F, 'NR == 2 { printf "%.0f", $4 * 1e9 }' "$OUT/hyperfine.csv")
			echo "$side/$prog exec median_ns=$v" >>"$OUT/raw.txt"
			samples[$side]="${samples[$side]:-} $v"
		done
	done
	bare "$name" && bare_ratio "${name%-bare} (exec to exit)"
	local musl=""
	if [ -z "${err[musl]:-}" ]; then
		# shellcheck disable=SC2086
		musl=$(median ${samples[musl]})
	fi
	if [ -n "$musl" ]; then
		report "$name (exec to exit)" "$target" "≤ ${target}x musl ($(ms "$musl"))" exec "$musl"
	else
		row "$name (exec to exit)" "" "" "" "musl-gcc -static hello: ${err[musl]}" "error"
	fi

	local sz=() kib gort=c max="< 100 KiB"
	# Bare mode: the bare hello in gort's column; the issue's limit is 64 KiB.
	bare "$name" && gort=bare max="≤ 64 KiB"
	for side in go $gort musl; do
		if [ -f "$OUT/$side/$prog" ]; then
			kib=$(($(stat -c %s "$OUT/$side/$prog") / 1024))
			sz+=("$kib")
		else
			sz+=("")
		fi
	done
	local verdict=error r=""
	if [ -n "${sz[0]}" ] && [ -n "${sz[1]}" ]; then
		r=$(ratio "${sz[1]}" "${sz[0]}")
		verdict=fail
		if [ "$gort" = bare ]; then
			[ "$(stat -c %s "$OUT/bare/$prog")" -le 65536 ] && verdict=pass
		else
			[ "${sz[1]}" -lt 100 ] && verdict=pass
		fi
	fi
	row "$name (binary size)" "${sz[0]:+${sz[0]} KiB}" "${sz[1]:+${sz[1]} KiB}" "$r" \
		"$max (musl ${sz[2]:-?} KiB)" "$verdict"
}

# Servers: the program serves on 127.0.0.1 (argument 0: it picks a port and
# prints "listening on ...:PORT"). Another process loads it for
# BENCH_SERVER_SECS seconds (or the workload's SECS) over CONNS connections:
# wrk for http, the load mode of bench/c/echo for echo (closed loop, 64-byte
# messages; it counts from the moment every connection is up). With idle,
# echo's idle mode then opens 10,000 connections, makes one exchange on each
# (a GET for http) and holds them while the server's VmRSS is read; with
# active, VmRSS is read a second into the load. Go, gort and, if there is
# one, the thread-per-connection server take turns. Three rows: requests per
# second (gort/Go and gort/threads at least the targets), p99 latency (no
# worse than either), RSS (below Go's).
SERVER_SECS=${BENCH_SERVER_SECS:-5}
IDLE_CONNS=10000

rssof() { awk '$1 == "VmRSS:" { print $2 }' "/proc/$1/status"; }

serve_once() { # side prog env kind conns mode secs: sets RPS, P99 (us), RSS (KiB), or RUNERR
	local side=$1 prog=$2 kind=$4 conns=$5 mode=$6 secs=$7 envs=() pid port="" w
	[ "$3" = - ] || IFS=, read -ra envs <<<"$3"
	: >"$OUT/server.out"
	env ${envs[@]+"${envs[@]}"} "$OUT/$side/$prog" 0 >"$OUT/server.out" 2>&1 &
	pid=$!
	for ((w = 0; w < 100; w++)); do
		sleep 0.1
		port=$(sed -n 's|^listening on .*:\([0-9][0-9]*\)/*$|\1|p' "$OUT/server.out")
		[ -n "$port" ] && break
	done
	RPS="" P99="" RSS=""
	if [ -z "$port" ]; then
		RUNERR="no server: $(head -c 60 "$OUT/server.out" | head -1)"
	elif [ "$kind" = http ]; then
		timeout -k 5 "$TIMEOUT" wrk -t2 -c"$conns" -d"${secs}s" --latency \
			"http://127.0.0.1:$port/" >"$RUNOUT" 2>&1
		if ! grep -q -E "Non-2xx|Socket errors" "$RUNOUT"; then
			RPS=$(awk '$1 == "Requests/sec:" { print $2 }' "$RUNOUT")
			P99=$(awk '$1 == "99%" { v = $2; u = $2; sub(/[a-z]+$/, "", v); sub(/^[0-9.]+/, "", u)
				print v * (u == "s" ? 1e6 : u == "ms" ? 1e3 : 1) }' "$RUNOUT")
		fi
	else
		# Emptied first: the background job's own redirection may come
		# after the first look, which would find the last run's line.
		: >"$RUNOUT"
		timeout -k 5 "$TIMEOUT" "$OUT/c/echo" load "$port" "$conns" "$secs" 64 >"$RUNOUT" 2>&1 &
		local loader=$!
		if [ "$mode" = active ]; then
			waitline "$loader" "$RUNOUT" "connections up" "$side/$prog"
			if grep -q "load: $conns of $conns connections up" "$RUNOUT"; then
				sleep 1
				RSS=$(rssof "$pid")
			fi
		fi
		wait "$loader" && RPS=$(field rps <"$RUNOUT") P99=$(field p99_us <"$RUNOUT")
	fi
	[ -n "$port" ] && { echo "$side/$prog:"; cat "$RUNOUT"; } >>"$OUT/raw.txt"
	if [ -n "$port" ] && [ -z "$RPS$P99" ]; then
		RUNERR="load failed: $(grep -m1 -E "error|failed|Non-2xx" "$RUNOUT" | head -c 60)"
	elif [ -n "$port" ] && [ "$mode" = active ]; then
		[ -n "$RSS" ] || RUNERR="load failed: not all connections up"
	elif [ -n "$port" ]; then
		: >"$OUT/idle.out"
		timeout -k 5 "$TIMEOUT" "$OUT/c/echo" idle "$port" "$IDLE_CONNS" "$kind" 3 >"$OUT/idle.out" 2>&1 &
		local idler=$!
		waitline "$idler" "$OUT/idle.out" "connections ready" "$side/$prog: idle"
		if grep -q "idle: $IDLE_CONNS of $IDLE_CONNS connections ready" "$OUT/idle.out"; then
			sleep 1
			RSS=$(rssof "$pid")
		fi
		wait "$idler"
		cat "$OUT/idle.out" >>"$OUT/raw.txt"
		[ -n "$RSS" ] || RUNERR="idle connections failed: $(head -c 60 "$OUT/idle.out" | head -1)"
	fi
	# A server still serving ends by our SIGTERM (143); any other status
	# means it died by itself on the way.
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	local st=$?
	if [ -n "$port" ] && [ "$st" != 143 ]; then
		RUNERR="server died (status $st): $(tail -1 "$OUT/server.out" | head -c 60)"
		RSS=""
		{ echo "$side/$prog server died (status $st):"; cat "$OUT/server.out"; } >>"$OUT/raw.txt"
	fi
	[ -n "$RSS" ]
}

kind_echo() { kind_server echo "$@"; }
kind_http() { kind_server http "$@"; }

kind_server() { # kind name prog env args check target
	local kind=$1 name=$2 prog=$3 target=${7%/*} ttarget="" side i args=()
	local -A err=() rps=() p99=() rss=()
	case $7 in */*) ttarget=${7#*/} ;; esac
	IFS=, read -ra args <<<"$5"
	local conns=${args[0]} mode=${args[1]:-idle} secs=${args[2]:-$SERVER_SECS}
	local sides="go c"
	[ -f "bench/threads/$prog.c" ] && sides="go c threads"
	# The load and the idle connections come from bench/c/echo.
	[ -x "$OUT/c/echo" ] || build echo server
	for side in $sides; do
		[ -x "$OUT/$side/$prog" ] || err[$side]="build failed"
	done
	[ -x "$OUT/c/echo" ] || err[go]="no load program" err[c]="no load program"
	for ((i = 1; i <= RUNS; i++)); do
		for side in $sides; do
			[ -n "${err[$side]:-}" ] && continue
			if ! serve_once "$side" "$prog" "$4" "$kind" "$conns" "$mode" "$secs"; then
				err[$side]=$RUNERR
				continue
			fi
			rps[$side]="${rps[$side]:-} $RPS" p99[$side]="${p99[$side]:-} $P99"
			rss[$side]="${rss[$side]:-} $RSS"
		done
	done
	for side in $sides; do
		echo "$name $side: rps [${rps[$side]:-} ]; p99 us [${p99[$side]:-} ]; rss KiB [${rss[$side]:-} ]" >&2
	done
	if [ -n "${err[go]:-}${err[c]:-}" ]; then
		row "$name" "${err[go]:+failed: ${err[go]}}" "${err[c]:+failed: ${err[c]}}" "" "" error
		return
	fi
	local g c t="" r v tr="" tshow="" tv
	# med ARRAY SIDE: the median of a side's samples.
	# shellcheck disable=SC2086 # the sample lists are split on purpose
	med() { local -n a=$1; [ -n "${a[$2]:-}" ] && median ${a[$2]}; }
	thcol() { # ARRAY: sets t, tr, tshow (unformatted) for the threads column
		t="" tr="" tshow=""
		case " $sides " in *" threads "*) ;; *) return ;; esac
		if [ -n "${err[threads]:-}" ]; then
			tshow="failed: ${err[threads]}"
			return
		fi
		t=$(med "$1" threads)
		tr=$(ratio "$c" "$t")
	}
	g=$(med rps go) c=$(med rps c) r=$(ratio "$c" "$g")
	thcol rps
	[ -n "$t" ] && tshow=$(printf %.0f "$t")
	le "$target" "$r" && v=pass || v=fail
	local text="≥ ${target}x Go"
	if [ -n "$ttarget" ]; then
		text="$text, ≥ ${ttarget}x threads"
		tv=fail
		[ -n "$t" ] && le "$ttarget" "$tr" && tv=pass
		[ "$tv" = pass ] || v=fail
	fi
	row "$name requests/s ($conns connections)" "$(printf %.0f "$g")" "$(printf %.0f "$c")" "$r" "$text" "$v" "$tshow" "$tr"
	g=$(med p99 go) c=$(med p99 c) r=$(ratio "$c" "$g")
	thcol p99
	[ -n "$t" ] && tshow=$(ms "$(awk -v u="$t" 'BEGIN { print u * 1000 }')")
	le "$c" "$g" && v=pass || v=fail
	text="≤ Go"
	if [ -n "$t" ]; then
		text="≤ Go, ≤ threads"
		le "$c" "$t" || v=fail
	fi
	row "$name p99 latency" "$(ms "$(awk -v u="$g" 'BEGIN { print u * 1000 }')")" \
		"$(ms "$(awk -v u="$c" 'BEGIN { print u * 1000 }')")" "$r" "$text" "$v" "$tshow" "$tr"
	g=$(med rss go) c=$(med rss c) r=$(ratio "$c" "$g")
	thcol rss
	[ -n "$t" ] && tshow=$(awk -v k="$t" 'BEGIN { printf "%.1f MiB", k / 1024 }')
	awk -v a="$c" -v b="$g" 'BEGIN { exit !(a < b) }' && v=pass || v=fail
	local what="$IDLE_CONNS idle connections"
	[ "$mode" = active ] && what="$conns active connections"
	row "$name RSS, $what" "$(awk -v k="$g" 'BEGIN { printf "%.1f MiB", k / 1024 }')" \
		"$(awk -v k="$c" 'BEGIN { printf "%.1f MiB", k / 1024 }')" "$r" "< Go" "$v" "$tshow" "$tr"
}

# report NAME TARGET TARGETTEXT UNIT [BASE]: the row of a workload from the
# samples and err arrays of the calling kind_ function. The verdict compares
# gort/Go with TARGET, or for mem gort's own value, or for exec gort/BASE.
# A side that failed shows why instead of its median.
report() {
	local name=$1 target=$2 text=$3 unit=$4 base=${5:-} side r="" verdict=error
	local -A med=() show=()
	for side in go c; do
		[ -n "${err[$side]:-}" ] && continue
		# shellcheck disable=SC2086
		med[$side]=$(median ${samples[$side]})
		if [ "$unit" = mem ]; then
			show[$side]=$(awk -v k="${med[$side]}" 'BEGIN { printf "%.2f KiB", k }')
		else
			show[$side]=$(ms "${med[$side]}")
		fi
	done
	[ -n "${err[go]:-}" ] && show[go]="failed: ${err[go]}"
	[ -n "${err[c]:-}" ] && show[c]="failed: ${err[c]}"
	if [ -z "${err[go]:-}" ] && [ -z "${err[c]:-}" ]; then
		r=$(ratio "${med[c]}" "${med[go]}")
		case $unit in
		time) le "$r" "$target" ;;
		mem) le "${med[c]}" "$target" ;;
		exec) le "$(ratio "${med[c]}" "$base")" "$target" ;;
		esac && verdict=pass || verdict=fail
	fi
	row "$name" "${show[go]}" "${show[c]}" "$r" "$text" "$verdict"
	echo "$name: go [${samples[go]:-} ] gort [${samples[c]:-} ]" >&2
}

# scatter MEDIAN SAMPLES...: their median absolute deviation over MEDIAN.
scatter() {
	local m=$1
	shift
	# shellcheck disable=SC2046 # one number a line
	median $(printf '%s\n' "$@" | awk -v m="$m" '{ print ($1 > m ? $1 - m : m - $1) / m }')
}

# bare_ratio NAME: for a -bare row, from the samples and err arrays of the
# calling kind_ function (sides c, the default mode, and bare, run in the
# same alternation), a row of the bare-mode table; then bare's samples take
# gort's place for report. Target: bare at least as fast as the default
# mode, within noise: bare/default at most 1 + the larger of the two
# sides' scatter (median absolute deviation over the median), since a
# difference smaller than a side's own run-to-run spread is not one.
BARE_ROWS=()
bare_ratio() {
	local d b n r="" text="≤ 1.0x default" verdict=error
	if [ -z "${err[c]:-}" ] && [ -z "${err[bare]:-}" ]; then
		# shellcheck disable=SC2086
		d=$(median ${samples[c]}) b=$(median ${samples[bare]})
		# shellcheck disable=SC2086
		n=$(awk -v a="$(scatter "$d" ${samples[c]})" -v b="$(scatter "$b" ${samples[bare]})" \
			'BEGIN { print (a > b ? a : b) }')
		r=$(ratio "$b" "$d")
		text="≤ 1.0x default (+$(awk -v n="$n" 'BEGIN { printf "%.0f", n * 100 }')% noise)"
		le "$b" "$(awk -v d="$d" -v n="$n" 'BEGIN { print d * (1 + n) }')" && verdict=pass || verdict=fail
		d=$(ms "$d") b=$(ms "$b")
	else
		d=${err[c]:+failed: ${err[c]}} b=${err[bare]:+failed: ${err[bare]}}
	fi
	BARE_ROWS+=("$1|$d|$b|$r|$text|$verdict")
	case $verdict in fail) MISSED=1 ;; pass) ;; *) FAILED=1 ;; esac
	echo "$1: default [${samples[c]:-} ] bare [${samples[bare]:-} ]" >&2
	samples[c]=${samples[bare]:-} err[c]=${err[bare]:-}
}

# ---- build ----

build() { # prog kind
	local prog=$1
	mkdir -p "$OUT/go" "$OUT/c" "$OUT/musl"
	rm -f "$OUT/go/$prog" "$OUT/c/$prog" "$OUT/musl/$prog"
	(cd bench/go && GOFLAGS='' GOPROXY=off GO111MODULE=on \
		go build -o "../../$OUT/go/$prog" "$prog.go") >>"$OUT/build.log" 2>&1 ||
		echo "bench: go build of $prog failed (see $OUT/build.log)" >&2
	# shellcheck disable=SC2086
	$GORTCC $CFLAGS_BENCH -o "$OUT/c/$prog" "bench/c/$prog.c" >>"$OUT/build.log" 2>&1 ||
		echo "bench: gortcc build of $prog failed (see $OUT/build.log)" >&2
	if [ -f "bench/threads/$prog.c" ]; then
		mkdir -p "$OUT/threads"
		rm -f "$OUT/threads/$prog"
		# shellcheck disable=SC2086
		musl-gcc -static -pthread $CFLAGS_BENCH -o "$OUT/threads/$prog" "bench/threads/$prog.c" \
			>>"$OUT/build.log" 2>&1 ||
			echo "bench: musl-gcc build of threads/$prog failed (see $OUT/build.log)" >&2
	fi
	if [ "$2" = exec ]; then
		# shellcheck disable=SC2086
		musl-gcc -static $CFLAGS_BENCH -o "$OUT/musl/$prog" "bench/c/$prog.c" \
			>>"$OUT/build.log" 2>&1 ||
			echo "bench: musl-gcc build of $prog failed (see $OUT/build.log)" >&2
	fi
}

build_bare() { # prog: bench/c/PROG.c in bare mode, build/bench/bare/PROG
	mkdir -p "$OUT/bare"
	rm -f "$OUT/bare/$1"
	# shellcheck disable=SC2086
	$GORTCC -nolibc $CFLAGS_BENCH -o "$OUT/bare/$1" "bench/c/$1.c" >>"$OUT/build.log" 2>&1 ||
		echo "bench: gortcc -nolibc build of $1 failed (see $OUT/build.log)" >&2
}

# ---- main ----

setup
mkdir -p "$OUT"
# Runs share build/bench: a second run waits for the first rather than
# overwrite its programs and outputs (and time a machine the first loads).
exec 9>"$OUT/.lock"
if ! flock -n 9; then
	echo "bench: another run is in progress; waiting for it" >&2
	flock 9
fi
# Other work on the machine skews everything: the table says how much there was.
load=$(cut -d' ' -f1-3 /proc/loadavg)
# The runtime measured: the commit, "+changes" when the tree differs from it.
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
git diff --quiet HEAD -- runtime libc-shim crt asm include linker.ld 2>/dev/null ||
	commit="$commit+changes"
: >"$OUT/build.log"
: >"$OUT/raw.txt"
# go needs a cache directory; a bare environment (no HOME) gets one here.
if [ -z "${GOCACHE:-}" ] && [ -z "${HOME:-}" ] && [ -z "${XDG_CACHE_HOME:-}" ]; then
	export GOCACHE=$PWD/$OUT/gocache
fi

declare -A built=()
while read -r name prog envs args kind check target; do
	[ -z "$name" ] && continue
	selected "$name" "$prog" || continue
	if [ -z "${built[$prog]:-}" ]; then
		build "$prog" "$kind"
		built[$prog]=1
	fi
	if bare "$name" && [ -z "${built[$prog-bare]:-}" ]; then
		build_bare "$prog"
		built[$prog-bare]=1
	fi
	echo "bench: $name ($RUNS runs each side)" >&2
	"kind_$kind" "$name" "$prog" "$envs" "$args" "$check" "$target"
done <<<"$WORKLOADS"

if [ ${#ROWS[@]} = 0 ]; then
	echo "bench: no workload matches BENCH_ONLY=$ONLY" >&2
	exit 1
fi

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
{
	echo "# gort benchmarks"
	echo
	echo "- machine: ${cpu:-unknown CPU}, $(nproc) CPUs, Linux $(uname -r)"
	echo "- $(go version | sed 's/^go version //'), gortcc -O2 (gort $commit), $(date -u +%Y-%m-%d)"
	echo "- $RUNS runs of each side, alternating Go and gort; medians; load average at start: $load"
	echo "- time: measured inside each program with the monotonic clock around the"
	echo "  workload (start-up and exit excluded); hello: whole-process wall time,"
	echo "  exec to exit, hyperfine -N, $EXECS runs per batch"
	echo "- GOMAXPROCS: $(nproc) (the CPU count) unless the workload name says pN"
	echo "- threads: the server written with one thread per connection (bench/threads),"
	echo "  musl-gcc -static -pthread, under the same load as the other two"
	echo
	echo "| workload | Go median | gort median | gort/Go | threads | gort/threads | target | result |"
	echo "|---|---|---|---|---|---|---|---|"
	for r in "${ROWS[@]}"; do
		IFS='|' read -r a b c d e f t u <<<"$r"
		echo "| $a | $b | $c | $d | $t | $u | $e | $f |"
	done
	if [ ${#BARE_ROWS[@]} != 0 ]; then
		echo
		echo "Bare mode (gortcc -nolibc, the -bare rows) against the default mode, run in"
		echo "the same alternation; noise: the larger side's median absolute deviation."
		echo
		echo "| workload | default median | bare median | bare/default | target | result |"
		echo "|---|---|---|---|---|---|"
		for r in "${BARE_ROWS[@]}"; do
			IFS='|' read -r a b c d e f <<<"$r"
			echo "| $a | $b | $c | $d | $e | $f |"
		done
	fi
} >"$OUT/results.md"

echo
cat "$OUT/results.md"
echo
echo "written to $OUT/results.md; program output in $OUT/raw.txt"

[ $FAILED = 0 ] || exit 1
[ "${BENCH_STRICT:-0}" = 1 ] && [ $MISSED = 1 ] && exit 1
exit 0
