#!/bin/sh
# make soak: the stress programs for longer and more often than make test
# runs them. SOAK_ROUNDS (default 20) sets how many rounds; each round runs
# every program under GOMAXPROCS=1, 2, 4 and 8, two at a time.
set -u
cd "$(dirname "$0")/.."
make -s $(ls tests/prog/*.c | sed 's|tests/prog/\(.*\)\.c|build/tests/prog/\1|') build/samples/skynet || exit 1
rounds=${SOAK_ROUNDS:-20}
# The channel, select, sync, timer and scheduler-fairness programs: hand-offs,
# close races, parking and preemption, each run beside chan_multiconsumer.
chanprogs="chan_gotest chan_godir chan_godir2 chan_ken chan_nonblock_race chan_close_race chan_lifetime select_stress
           select_many sync_mutex sync_waitgroup sync_gotest time_gotest fpenv_switch sched_gotest"
fail=0
runs=0
# Every run counts through check, in this shell (a run in the background
# is a subshell): the totals are those of the runs made.
check() {
	runs=$((runs + 1))
	[ "$1" -eq 0 ] || fail=$((fail + 1))
}
run() {
	# A clean environment, as make test gives: only GOMAXPROCS is set.
	out=$(env -i PATH="$PATH" GOMAXPROCS=$1 timeout 300 "$2" ${3:-} 2>&1)
	st=$?
	if [ $st -ne 0 ]; then
		echo "FAIL GOMAXPROCS=$1 $2 ${3:-}: status $st"
		echo "$out" | head -20
		return 1
	fi
	return 0
}
for r in $(seq 1 "$rounds"); do
	# A million parked goroutines: at most 5 KiB each with page tables,
	# within vm.max_map_count (make test runs 100,000).
	run 2 build/tests/prog/stack_deep "parked 1000000"; check $?
	for procs in 1 2 4 8; do
		run $procs build/tests/prog/sched_yield_stress 20000 & a=$!
		run $procs build/tests/prog/spawn_many 1000000 & b=$!
		wait $a; check $?
		wait $b; check $?
		run $procs build/tests/prog/spawn_tree; check $?
		# A million goroutines started depth-first while the other Ps
		# steal: the front pushes race the thieves.
		run $procs build/samples/skynet; check $?
		run $procs build/tests/prog/errno_migrate; check $?
		for c in $chanprogs; do
			run $procs build/tests/prog/$c & a=$!
			run $procs build/tests/prog/chan_multiconsumer & b=$!
			wait $a; check $?
			wait $b; check $?
		done
		# Goroutines waiting on pthread barriers, once, spin locks,
		# condition variables, yields and musl's own locks.
		for m in barrier destroy once spin yield futex cond; do
			run $procs build/tests/prog/pthread_sync $m; check $?
		done
		for m in file socket; do
			run $procs build/tests/prog/libc_lock $m; check $?
		done
	done
	echo "round $r: $runs runs, $fail failures so far"
done
echo "soak: $((runs - fail)) of $runs runs passed, $fail failed"
[ $fail -eq 0 ]
