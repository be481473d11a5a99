#!/usr/bin/env bash
# Runs on every allocated node, started by the launcher through one srun step with one task per
# node: a worker-role farm node that joins the head node's farm and runs tasks until it is told
# to leave (then it drains and leaves) or until its --leave-at time. Everything it needs comes in
# the environment the launcher exported (ACTORFARM_DOTNET, ACTORFARM_CLI, ACTORFARM_SEEDS, ...).
#
# Why a wrapper and not `exec`: SLURM delivers a signal to *every* process of a step, the
# node's running tasks included (scancel -s, srun's forwarding). A SIGTERM sent that way would
# kill the tasks before the node could drain. So the launcher asks the nodes to leave with
# SIGURG, which programs ignore unless they ask for it (and which scancel knows by name): only
# this wrapper reacts, and it sends SIGTERM to the farm node alone, which lets its running
# tasks finish within the drain grace and gives back the rest.
#
# The node speaks JSON on stdout (--json, one event a line: node-up, node-left), as every farm
# process the SLURM scripts start: what a script or a test reads of the job's output; the
# launcher's own lines are the ones for people.
set -euo pipefail
# shellcheck source=slurm/lib/node-env.sh
source "$(dirname "${BASH_SOURCE[0]}")/node-env.sh"

args=(node --seeds "$ACTORFARM_SEEDS" --roles worker
  --slots "$(farm_slots)"
  --host "$(farm_bind_address)"
  --port "$(farm_node_port worker)"
  --name "$(farm_node_name)"
  --json)
[ -n "${ACTORFARM_LEAVE_AT:-}" ] && args+=(--leave-at "$ACTORFARM_LEAVE_AT")
# shellcheck disable=SC2207 # one flag or none
args+=($(farm_security_args))
config="$(mktemp "${TMPDIR:-/tmp}/actorfarm-node.XXXXXX")"
trap 'rm -f "$config"' EXIT
farm_write_config "$config"
args+=(--config "$config")

"$ACTORFARM_DOTNET" "$ACTORFARM_CLI" "${args[@]}" &
node_pid=$!
told_to_leave=0
interrupted=0

# shellcheck disable=SC2317 # leave and on_term run by the traps below
leave() {
  interrupted=1
  [ "$told_to_leave" -eq 1 ] && return 0
  told_to_leave=1
  kill -TERM "$node_pid" 2>/dev/null || true
}
# SLURM's own SIGTERM (scancel, the time limit) reached the node too: only remember it, and
# report it (exit 130) so the launcher knows the nodes were stopped, not lost.
signalled=0
# shellcheck disable=SC2317
on_term() {
  interrupted=1
  told_to_leave=1
  signalled=1
}
trap leave URG
trap on_term TERM INT

# A trap interrupts `wait` before the node has exited; wait again until it reports its status.
while :; do
  interrupted=0
  status=0
  wait "$node_pid" || status=$?
  [ "$interrupted" -eq 1 ] || break
done
[ "$signalled" -eq 0 ] || exit 130
exit "$status"
