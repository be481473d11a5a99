#!/usr/bin/env bash
# How much of a short SLURM allocation the launcher turns into work: submits
# slurm/actorfarm.sbatch with `sbatch --time=MINUTES` on a manifest of short tasks (1 s each,
# `expected-duration = 2s`, far more than fit), waits for the allocation to end and prints, from
# SLURM's start and end and the times each task wrote itself:
#   start-up    allocation start -> first task running
#   useful      first task start -> last task end (the farm ran tasks in this window)
#   busy        task-seconds / slots (the same, less idle slots)
#   reserve     last task end -> allocation end (the launcher's safety margin and shutdown)
#   ended       when the launcher's job ended, before the allocation's end
#
#   perf/slurm-useful-time.sh [MINUTES] [sbatch options...]    (default: 1 --nodes=1 --exclusive)
#
# Run from the checkout's root after `dotnet build ActorFarm.sln -c Release`; needs a SLURM
# cluster (tests/scripts/slurm-up.sh). SLURM's times have whole seconds: figures are ±1 s.
# To compare with another launcher and build, set ACTORFARM_HOME to a directory holding its
# slurm/ and ACTORFARM_CLI, ACTORFARM_LIGHTHOUSE to its programs (sbatch passes them on).
set -euo pipefail

minutes="${1:-1}"
[ $# -eq 0 ] || shift
[ $# -gt 0 ] || set -- --nodes=1 --exclusive
root="${ACTORFARM_HOME:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
dir="$(mktemp -d "${TMPDIR:-/tmp}/actorfarm-useful.XXXXXX")"
mkdir -p "$dir/times"
cat >"$dir/jobs.hocon" <<EOF
jobs {
  useful {
    command = ["/bin/sh", "-c", "s=\$(date +%s.%N); sleep 1; echo \"\$s \$(date +%s.%N)\" > \"\$0/\$1\"", "$dir/times", "\${index}"]
    sweep { i = { from = 1, to = 2000 } }
    expected-duration = 2s
    output { directory = "out", capture = none }
  }
}
EOF

job="$(sbatch --parsable --chdir "$dir" --output "$dir/slurm-%j.out" --time="$minutes" "$@" \
  "$root/slurm/actorfarm.sbatch" --state-dir "$dir/.actorfarm" "$dir/jobs.hocon")"
job="${job%%;*}"
echo "SLURM job $job: --time=$minutes $*; files in $dir" >&2
while squeue -h -j "$job" -o %T 2>/dev/null | grep -q .; do sleep 1; done

field() { scontrol show job "$job" | grep -o "$1=[^ ]*" | cut -d= -f2; }
start="$(date -d "$(field StartTime)" +%s)"
ended="$(date -d "$(field EndTime)" +%s)"
limit_end=$((start + 60 * minutes))
slots="$(grep -o 'up at [^ ]* (roles worker, [0-9]* slots' "$dir/slurm-$job.out" | grep -o '[0-9]* slots' |
  awk '{ s += $1 } END { print s + 0 }')"
cat "$dir"/times/* 2>/dev/null | awk -v start="$start" -v limit_end="$limit_end" -v ended="$ended" \
  -v slots="$slots" -v state="$(field JobState)" -v code="$(field ExitCode)" '
  { if (n == 0 || $1 < first) first = $1; if ($2 > last) last = $2; busy += $2 - $1; n++ }
  END {
    if (n == 0) { printf "no task ran (state %s, exit %s)\n", state, code; exit 1 }
    printf "tasks %d, slots %d, state %s, exit %s\n", n, slots, state, code
    printf "start-up %.1f s, useful %.1f s, busy %.1f s, reserve %.1f s, ended %d s before the limit\n",
      first - start, last - first, busy / (slots > 0 ? slots : 1), limit_end - last, limit_end - ended
  }'
