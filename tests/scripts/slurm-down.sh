#!/usr/bin/env bash
# Stops the test cluster that tests/scripts/slurm-up.sh started: cancels its jobs (so no farm
# process outlives it), then stops every slurmd, slurmctld and munged by the ids in their pid
# files. Safe to call twice and when nothing runs. Leaves a SLURM it did not configure alone.
set -euo pipefail

conf=/etc/slurm/slurm.conf
marker="# Written by ActorFarm tests/scripts/slurm-up.sh"

if [ -e "$conf" ] && ! grep -qF "$marker" "$conf"; then
  echo "slurm-down: $conf was not written by slurm-up.sh; leaving that SLURM alone" >&2
  exit 1
fi

# Sends SIGTERM to the process named in a pid file and waits (up to 15 s) until it is gone.
stop() {
  local file="$1" pid
  [ -s "$file" ] || return 0
  pid="$(cat "$file")"
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 150); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
      echo "slurm-down: $file ($pid) ignored SIGTERM for 15 s; killing it" >&2
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  rm -f "$file"
}

# Jobs first, while slurmd is still there to end their processes (KillWait is 30 s).
if [ -s /run/slurm/slurmctld.pid ] && command -v squeue >/dev/null 2>&1 && squeue -h >/dev/null 2>&1; then
  jobs="$(squeue -h -o %i | paste -sd' ' -)"
  if [ -n "$jobs" ]; then
    # shellcheck disable=SC2086 # one argument per job id
    scancel $jobs 2>/dev/null || true
    for _ in $(seq 1 450); do
      [ -z "$(squeue -h -o %i 2>/dev/null)" ] && break
      sleep 0.1
    done
  fi
fi

for file in /run/slurm/slurmd-*.pid; do
  [ -e "$file" ] && stop "$file"
done
stop /run/slurm/slurmctld.pid
stop /run/munge/munged.pid
echo "slurm-down: stopped"
