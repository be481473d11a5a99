#!/usr/bin/env bash
# Runs an ActorFarm manifest on the nodes of an interactive allocation, exactly as
# actorfarm.sbatch does in a batch job (same arguments, environment and exit status):
#
#   salloc -N 4 --exclusive --time=1:00:00 slurm/actorfarm-alloc.sh jobs.hocon
#   # or, in the shell salloc opened:
#   slurm/actorfarm-alloc.sh --state-dir ~/farm-state jobs.hocon
#
# salloc usually runs its command on the submit host, not on an allocated node; the launcher
# belongs on the first allocated node (the Lighthouse and the coordinator run there), so it is
# started there as a one-task step. Ctrl+C or SIGTERM stop the farm cleanly.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

if [ -z "${SLURM_JOB_ID:-}" ]; then
  echo "actorfarm-alloc.sh: not inside an allocation; run it under salloc (or use sbatch slurm/actorfarm.sbatch)" >&2
  exit 2
fi

if [ -n "${SLURMD_NODENAME:-}" ]; then
  # Already on an allocated node (a batch script, a step, or salloc's interactive step).
  FARM_LIB="$here/lib"
  # shellcheck source=slurm/lib/launcher.sh
  source "$FARM_LIB/launcher.sh"
  farm_launch "$@"
fi

# On the submit host: run the launcher as a one-task step on the first node.
first="$(scontrol show hostnames "$SLURM_JOB_NODELIST" | head -n1)"
srun --export=ALL --overlap --nodes=1 --ntasks=1 --nodelist="$first" --job-name=actorfarm-launcher \
  "$here/actorfarm-alloc.sh" "$@" &
launcher=$!

# Ctrl+C or SIGTERM: ask the launcher to stop. Not through srun, which turns SIGTERM into
# SIGKILL, nor with SIGTERM to the step, which SLURM delivers to every process in it (the farm
# processes the launcher must stop in order): SIGURG, which only the launcher listens to.
interrupted=0
# shellcheck disable=SC2317 # run by the trap below
stop_launcher() {
  interrupted=1
  local step
  step="$(squeue -h -s -j "$SLURM_JOB_ID" -o '%i %j' 2>/dev/null | awk '$2 == "actorfarm-launcher" { print $1; exit }')"
  if [ -n "$step" ]; then
    scancel --signal=URG "$step" 2>/dev/null || true
  else
    kill -TERM "$launcher" 2>/dev/null || true
  fi
}
trap stop_launcher INT TERM HUP

# A trap interrupts `wait` before the launcher has exited; wait again for its status.
while :; do
  interrupted=0
  status=0
  wait "$launcher" || status=$?
  [ "$interrupted" -eq 1 ] || break
done
exit "$status"
