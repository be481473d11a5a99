# shellcheck shell=bash
# The ActorFarm SLURM launcher: runs a manifest on a farm made of the nodes of the current
# allocation, then takes the farm down again. Shared by slurm/actorfarm.sbatch (batch jobs) and
# slurm/actorfarm-alloc.sh (inside salloc); they set FARM_LIB to this directory, source this
# file and call farm_launch "$@". The options are documented in slurm/actorfarm.sbatch and
# docs/slurm.md.
#
# On the head node (the first allocated node, where this runs): the Lighthouse seed and a
# coordinator-role node (it hosts the jobs and journals their results). On every allocated node,
# the head node included: one worker-role node, all through one srun step. Then
# `actorfarm submit --wait` follows the jobs. Shutdown goes in the order that loses nothing:
# workers drain first (their last results still reach the coordinator), then the coordinator
# flushes its journal and leaves, then the Lighthouse.

# shellcheck source=slurm/lib/node-env.sh
source "$FARM_LIB/node-env.sh"
# shellcheck source=slurm/lib/allocation.sh
source "$FARM_LIB/allocation.sh"

readonly FARM_WORKER_STEP_NAME=actorfarm-workers
# Exit codes, as `actorfarm submit --wait` has them.
readonly FARM_EXIT_BAD_INPUT=2 FARM_EXIT_FARM_ERROR=3 FARM_EXIT_INTERRUPTED=130

FARM_STOP_REASON=""
FARM_LIGHTHOUSE_PID="" FARM_COORDINATOR_PID="" FARM_WORKERS_PID="" FARM_SUBMIT_PID="" FARM_OTHERS_PID=""
FARM_SUBMIT_STATUS="" FARM_OTHERS_STATUS="" FARM_RUN_DIR="" FARM_STOP_AT="" FARM_SHUT_DOWN=0
# The farm's timings, asked of the farm (farm_read_timings): a worker node starts leaving
# FARM_DRAIN_LEAD seconds before its --leave-at (actorfarm.node.leave-at-drain-lead), and a farm
# command stops within FARM_STOP_LIMIT seconds of a signal (actorfarm.cli.stop-limit).
FARM_DRAIN_LEAD="" FARM_STOP_LIMIT=""

farm_log() {
  printf '[actorfarm-slurm %(%H:%M:%S)T] %s\n' -1 "$*"
}

farm_die() {
  local status="$1"
  shift
  farm_log "error: $*" >&2
  exit "$status"
}

farm_usage() {
  cat <<'EOF'
usage: actorfarm.sbatch [--state-dir DIR | --postgres CONNSTRING] MANIFEST
       (inside an allocation: actorfarm-alloc.sh, same arguments)

Runs MANIFEST's jobs on a farm of the allocated nodes and exits with the jobs' status: 0 every
task succeeded, 1 some failed, 2 bad manifest or arguments, 3 the farm did not start or answer,
130 the allocation ended or was cancelled first (submit again with the same journal to resume).

  --state-dir DIR       SQLite journal in DIR (default: $SLURM_SUBMIT_DIR/.actorfarm)
  --postgres CONNSTR    PostgreSQL journal (or set ACTORFARM_POSTGRES; not shown in ps)
EOF
}

farm_parse_args() {
  FARM_STATE_DIR="${ACTORFARM_STATE_DIR:-}"
  FARM_POSTGRES="${ACTORFARM_POSTGRES:-}"
  local explicit_state=""
  while [ $# -gt 0 ]; do
    case "$1" in
      --state-dir) [ $# -ge 2 ] || farm_die $FARM_EXIT_BAD_INPUT "--state-dir needs a directory"
        explicit_state="$2"; shift 2 ;;
      --state-dir=*) explicit_state="${1#*=}"; shift ;;
      --postgres) [ $# -ge 2 ] || farm_die $FARM_EXIT_BAD_INPUT "--postgres needs a connection string"
        FARM_POSTGRES="$2"; shift 2 ;;
      --postgres=*) FARM_POSTGRES="${1#*=}"; shift ;;
      -h | --help) farm_usage; exit 0 ;;
      --) shift; break ;;
      -*) farm_usage >&2; farm_die $FARM_EXIT_BAD_INPUT "unknown option $1" ;;
      *) break ;;
    esac
  done
  [ $# -eq 1 ] || { farm_usage >&2; farm_die $FARM_EXIT_BAD_INPUT "expected one manifest, got $# arguments"; }
  # An explicit --state-dir wins over a PostgreSQL string inherited from the environment.
  if [ -n "$explicit_state" ]; then
    FARM_STATE_DIR="$explicit_state"
    FARM_POSTGRES=""
  fi
  [ -f "$1" ] || farm_die $FARM_EXIT_BAD_INPUT "manifest $1 not found (relative paths start at $PWD)"
  FARM_MANIFEST="$(realpath "$1")"
  if [ -z "$FARM_POSTGRES" ]; then
    FARM_STATE_DIR="$(realpath -m "${FARM_STATE_DIR:-${SLURM_SUBMIT_DIR:-$PWD}/.actorfarm}")"
  fi
}

# Paths and programs, from the environment or next to this checkout.
farm_configure() {
  [ -n "${SLURM_JOB_ID:-}" ] || farm_die $FARM_EXIT_BAD_INPUT "not inside a SLURM allocation (SLURM_JOB_ID is not set): use sbatch or salloc"
  local home
  home="${ACTORFARM_HOME:-$(dirname "$(dirname "$FARM_LIB")")}"
  export ACTORFARM_DOTNET="${ACTORFARM_DOTNET:-dotnet}"
  export ACTORFARM_CLI="${ACTORFARM_CLI:-$home/src/ActorFarm.Cli/bin/Release/net10.0/ActorFarm.Cli.dll}"
  export ACTORFARM_LIGHTHOUSE="${ACTORFARM_LIGHTHOUSE:-$home/lighthouse/bin/Release/net10.0/ActorFarm.Lighthouse.dll}"
  command -v "$ACTORFARM_DOTNET" >/dev/null 2>&1 || farm_die $FARM_EXIT_FARM_ERROR "the .NET runtime '$ACTORFARM_DOTNET' is not on PATH (load it, or set ACTORFARM_DOTNET)"
  [ -f "$ACTORFARM_CLI" ] || farm_die $FARM_EXIT_FARM_ERROR "$ACTORFARM_CLI not found: build with 'dotnet build ActorFarm.sln -c Release' or set ACTORFARM_CLI"
  [ -f "$ACTORFARM_LIGHTHOUSE" ] || farm_die $FARM_EXIT_FARM_ERROR "$ACTORFARM_LIGHTHOUSE not found: build the solution or set ACTORFARM_LIGHTHOUSE"
  if [ -n "${ACTORFARM_CONFIG:-}" ]; then
    [ -f "$ACTORFARM_CONFIG" ] || farm_die $FARM_EXIT_BAD_INPUT "ACTORFARM_CONFIG=$ACTORFARM_CONFIG not found"
    ACTORFARM_CONFIG="$(realpath "$ACTORFARM_CONFIG")"
    export ACTORFARM_CONFIG
  fi
  # The farm's credential (docs/security.md): one access file per journal, beside it on the
  # shared file system (or where ACTORFARM_ACCESS_FILE says), so that the next allocation, and
  # `actorfarm submit` from the login node in the submit directory, find the same. The Lighthouse,
  # the farm's first process, writes it when missing, before any node starts; every node and
  # client reads it through the environment (srun --export=ALL).
  if [ "${ACTORFARM_INSECURE:-0}" != 1 ]; then
    ACTORFARM_ACCESS_FILE="$(realpath -m "${ACTORFARM_ACCESS_FILE:-${FARM_STATE_DIR:-${SLURM_SUBMIT_DIR:-$PWD}/.actorfarm}/access.pem}")"
    export ACTORFARM_ACCESS_FILE
  fi
  farm_read_timings
  # Node-local scratch for the head node's logs; the journal never lives here.
  FARM_RUN_DIR="$(mktemp -d "${TMPDIR:-/tmp}/actorfarm-$SLURM_JOB_ID.XXXXXX")"
}

farm_read_timings() {
  local timings
  timings="$(farm_setting_seconds actorfarm.node.leave-at-drain-lead actorfarm.cli.stop-limit)" \
    || farm_die $FARM_EXIT_FARM_ERROR "could not read the farm's timings from $ACTORFARM_CLI (see above)"
  { read -r FARM_DRAIN_LEAD; read -r FARM_STOP_LIMIT; } <<<"$timings"
}

# One launcher per SQLite journal: two coordinators writing one file would corrupt nothing but
# fight over it. flock works on local disks and on NFS (as POSIX locks).
farm_lock_state_dir() {
  [ -n "$FARM_POSTGRES" ] && return 0
  mkdir -p "$FARM_STATE_DIR"
  local lock="$FARM_STATE_DIR/launcher.lock"
  exec {FARM_LOCK_FD}<>"$lock"
  if ! flock -n "$FARM_LOCK_FD"; then
    farm_die $FARM_EXIT_BAD_INPUT "$FARM_STATE_DIR is in use by another launcher (SLURM job $(head -n1 "$lock" 2>/dev/null || echo '?')); wait for it or pick another --state-dir"
  fi
  echo "$SLURM_JOB_ID" >"$lock"
}

# Sleeps in the background so that a trapped signal is handled at once, not after the sleep.
farm_nap() {
  sleep "$1" &
  wait $! 2>/dev/null || true
}

farm_running() {
  [ -n "$1" ] && kill -0 "$1" 2>/dev/null
}

# Asks for a stop once the worker nodes' time is up (they drain by themselves then).
farm_check_walltime() {
  if [ -n "$FARM_STOP_AT" ] && [ "$(date +%s)" -ge "$FARM_STOP_AT" ]; then
    farm_request_stop "the allocation ends soon"
  fi
}

# Waits until the JSON event $2 appears in file $1, written by process $3; fails when the
# process exits, a stop is requested (or the allocation nears its end), or $4 seconds pass.
farm_wait_for_event() {
  local file="$1" event="$2" pid="$3" deadline=$((SECONDS + $4))
  until farm_has_event "$file" "$event"; do
    farm_running "$pid" || return 1
    farm_check_walltime
    [ -z "$FARM_STOP_REASON" ] || return 1
    [ $SECONDS -lt $deadline ] || return 1
    farm_nap 0.2
  done
}

farm_start_lighthouse() {
  local config="$FARM_RUN_DIR/lighthouse.hocon"
  farm_write_config "$FARM_RUN_DIR/farm.hocon"
  # Akka's INFO lines would drown the job's output (the nodes' CLI is quiet by itself).
  { echo 'akka.loglevel = WARNING'; cat "$FARM_RUN_DIR/farm.hocon"; } >"$config"
  CLUSTER_IP="${ACTORFARM_SEEDS%:*}" CLUSTER_PORT="${ACTORFARM_SEEDS##*:}" CLUSTER_SEEDS="" CLUSTER_CONFIG="$config" \
    "$ACTORFARM_DOTNET" "$ACTORFARM_LIGHTHOUSE" --json > >(tee "$FARM_RUN_DIR/lighthouse.out") 2>&1 &
  FARM_LIGHTHOUSE_PID=$!
}

farm_validate_manifest() {
  local status=0
  "$ACTORFARM_DOTNET" "$ACTORFARM_CLI" validate --manifest "$FARM_MANIFEST" || status=$?
  case "$status" in
    0) ;;
    "$FARM_EXIT_BAD_INPUT") farm_die "$status" "the manifest is not valid; nothing was started" ;;
    *) farm_die "$FARM_EXIT_FARM_ERROR" "actorfarm validate failed (exit $status); is $ACTORFARM_CLI a working build?" ;;
  esac
}

farm_start_coordinator() {
  local args=(node --seeds "$ACTORFARM_SEEDS" --roles coordinator
    --host "$FARM_HEAD_ADDRESS" --port "$(farm_node_port coordinator)"
    --name "$(farm_node_name)-coordinator" --config "$FARM_RUN_DIR/farm.hocon" --json)
  # shellcheck disable=SC2207 # one flag or none
  args+=($(farm_security_args))
  # The dashboard on the head node's loopback only: reached through an SSH tunnel, never open to the cluster network.
  [ -z "${ACTORFARM_DASHBOARD:-}" ] || args+=(--dashboard "127.0.0.1:$ACTORFARM_DASHBOARD")
  if [ -n "$FARM_POSTGRES" ]; then
    # Through the environment, so the password never shows in ps.
    ACTORFARM_POSTGRES="$FARM_POSTGRES" "$ACTORFARM_DOTNET" "$ACTORFARM_CLI" "${args[@]}" \
      > >(tee "$FARM_RUN_DIR/coordinator.out") 2>&1 &
  else
    env -u ACTORFARM_POSTGRES "$ACTORFARM_DOTNET" "$ACTORFARM_CLI" "${args[@]}" --state-dir "$FARM_STATE_DIR" \
      > >(tee "$FARM_RUN_DIR/coordinator.out") 2>&1 &
  fi
  FARM_COORDINATOR_PID=$!
}

# One worker node per allocated node, each with the whole node: --whole takes every CPU SLURM
# gave the job there, --overlap lets the step share the head node with the launcher.
farm_start_workers() {
  local nodes="${SLURM_JOB_NUM_NODES:-${SLURM_NNODES:-1}}"
  export ACTORFARM_CPUS_PER_TASK="${SLURM_CPUS_PER_TASK:-1}"
  srun --export=ALL --overlap --whole --nodes="$nodes" --ntasks="$nodes" --ntasks-per-node=1 \
    --kill-on-bad-exit=0 --job-name="$FARM_WORKER_STEP_NAME" "$FARM_LIB/worker-step.sh" &
  FARM_WORKERS_PID=$!
}

# Started with the farm, not after it: its own start-up overlaps the farm's, and it connects as
# soon as the coordinator offers the farm, so it may wait as long as the farm may take to start.
farm_start_submit() {
  local args=(submit --manifest "$FARM_MANIFEST" --cluster "$ACTORFARM_SEEDS" --wait
    --progress "${ACTORFARM_PROGRESS:-plain}") config="$FARM_RUN_DIR/submit.hocon"
  # shellcheck disable=SC2207 # one flag or none
  args+=($(farm_security_args))
  {
    echo "actorfarm.client.connect-timeout = ${ACTORFARM_START_TIMEOUT:-120}s"
    [ -z "${ACTORFARM_CONFIG:-}" ] || cat "$ACTORFARM_CONFIG"
  } >"$config"
  args+=(--config "$config")
  "$ACTORFARM_DOTNET" "$ACTORFARM_CLI" "${args[@]}" &
  FARM_SUBMIT_PID=$!
}

# After the manifest's own jobs: every other unfinished job of the farm, those submitted into it
# with `actorfarm submit` and those an earlier allocation on this journal left unfinished. The
# farm stays up until they end too; nobody's job is abandoned with the allocation.
farm_start_others() {
  local args=(status --wait --cluster "$ACTORFARM_SEEDS" --progress "${ACTORFARM_PROGRESS:-plain}")
  # shellcheck disable=SC2207 # one flag or none
  args+=($(farm_security_args))
  [ -z "${ACTORFARM_CONFIG:-}" ] || args+=(--config "$ACTORFARM_CONFIG")
  "$ACTORFARM_DOTNET" "$ACTORFARM_CLI" "${args[@]}" &
  FARM_OTHERS_PID=$!
}

# The worker step ended on its own: stopped by SLURM's signal (scancel without --batch, which
# signals the steps only; each worker then exits 130), or lost.
farm_workers_gone() {
  local status=0
  wait "$FARM_WORKERS_PID" 2>/dev/null || status=$?
  if [ "$status" -eq $FARM_EXIT_INTERRUPTED ] || [ "$status" -eq 143 ]; then
    farm_request_stop "the worker nodes were stopped by a signal (scancel or the time limit)"
  else
    farm_request_stop "no worker node is left"
  fi
}

farm_request_stop() {
  [ -n "$FARM_STOP_REASON" ] || FARM_STOP_REASON="$1"
}

# Follows the submission until it ends, the allocation nears its end, a signal asks to stop,
# or no worker node is left.
farm_follow() {
  while [ -z "$FARM_STOP_REASON" ]; do
    if [ -z "$FARM_OTHERS_PID" ] && ! farm_running "$FARM_SUBMIT_PID"; then
      FARM_SUBMIT_STATUS=0
      wait "$FARM_SUBMIT_PID" 2>/dev/null || FARM_SUBMIT_STATUS=$?
      # Bad input or a farm that does not answer: nothing more to follow.
      [ "$FARM_SUBMIT_STATUS" -le 1 ] || return 0
      farm_start_others
    fi
    if [ -n "$FARM_OTHERS_PID" ] && ! farm_running "$FARM_OTHERS_PID"; then
      FARM_OTHERS_STATUS=0
      wait "$FARM_OTHERS_PID" 2>/dev/null || FARM_OTHERS_STATUS=$?
      return 0
    fi
    farm_check_walltime
    farm_running "$FARM_WORKERS_PID" || farm_workers_gone
    farm_nap 1
  done
}

# Waits up to $2 seconds for process $1 (called $3) to exit; SIGKILL after that.
farm_wait_for_exit() {
  local pid="$1" deadline=$((SECONDS + $2)) name="$3"
  while farm_running "$pid"; do
    if [ $SECONDS -ge $deadline ]; then
      farm_log "warning: $name did not stop within $2 s; killing it"
      kill -KILL "$pid" 2>/dev/null || true
      break
    fi
    farm_nap 0.2
  done
}

farm_stop_workers() {
  farm_running "$FARM_WORKERS_PID" || return 0
  # Past the stop time the nodes leave by themselves (--leave-at); otherwise ask them.
  if [ -z "$FARM_STOP_AT" ] || [ "$(date +%s)" -lt "$FARM_STOP_AT" ]; then
    local step
    step="$(farm_worker_step_id)"
    if [ -n "$step" ]; then
      # SIGURG, not SIGTERM: see worker-step.sh (SIGTERM would reach the running tasks too).
      # It fails when SLURM is already ending the job, and then it has signalled the nodes itself.
      scancel --signal=URG "$step" 2>/dev/null || true
    else
      # No step yet: srun has started nothing, so its own (killing) SIGTERM costs nothing.
      kill -TERM "$FARM_WORKERS_PID" 2>/dev/null || true
    fi
  fi
  farm_log "waiting for the worker nodes to drain and leave"
  # A node asked to leave drains (actorfarm.node.drain-grace), then leaves, within its stop limit.
  farm_wait_for_exit "$FARM_WORKERS_PID" "$FARM_STOP_LIMIT" "the worker step"
}

# Stops everything still running, in the order that loses nothing. Safe to call twice.
farm_shutdown() {
  [ "$FARM_SHUT_DOWN" -eq 0 ] || return 0
  FARM_SHUT_DOWN=1
  farm_stop_workers
  if farm_running "$FARM_SUBMIT_PID"; then
    # The drain may have finished the jobs; otherwise stop waiting for them. SIGTERM, as
    # SIGINT is ignored by commands a script starts in the background.
    kill -TERM "$FARM_SUBMIT_PID" 2>/dev/null || true
    farm_wait_for_exit "$FARM_SUBMIT_PID" 15 "actorfarm submit"
  fi
  if [ -n "$FARM_SUBMIT_PID" ] && [ -z "$FARM_SUBMIT_STATUS" ]; then
    FARM_SUBMIT_STATUS=0
    wait "$FARM_SUBMIT_PID" 2>/dev/null || FARM_SUBMIT_STATUS=$?
  fi
  if farm_running "$FARM_OTHERS_PID"; then
    kill -TERM "$FARM_OTHERS_PID" 2>/dev/null || true
    farm_wait_for_exit "$FARM_OTHERS_PID" 15 "actorfarm status --wait"
  fi
  if [ -n "$FARM_OTHERS_PID" ] && [ -z "$FARM_OTHERS_STATUS" ]; then
    FARM_OTHERS_STATUS=0
    wait "$FARM_OTHERS_PID" 2>/dev/null || FARM_OTHERS_STATUS=$?
  fi
  [ -z "$FARM_STOP_REASON" ] || farm_report_unfinished
  if farm_running "$FARM_COORDINATOR_PID"; then
    kill -TERM "$FARM_COORDINATOR_PID" 2>/dev/null || true
    farm_wait_for_exit "$FARM_COORDINATOR_PID" "$FARM_STOP_LIMIT" "the coordinator"
  fi
  if farm_running "$FARM_LIGHTHOUSE_PID"; then
    kill -TERM "$FARM_LIGHTHOUSE_PID" 2>/dev/null || true
    farm_wait_for_exit "$FARM_LIGHTHOUSE_PID" 20 "the Lighthouse"
  fi
}

# Stopped early: name the jobs left unfinished (they stay journaled and pending; the next
# allocation on this journal runs them), while the coordinator still answers.
farm_report_unfinished() {
  farm_running "$FARM_COORDINATOR_PID" || return 0
  local args=(status --json --cluster "$ACTORFARM_SEEDS") jobs
  # shellcheck disable=SC2207 # one flag or none
  args+=($(farm_security_args))
  [ -z "${ACTORFARM_CONFIG:-}" ] || args+=(--config "$ACTORFARM_CONFIG")
  jobs="$(timeout 15 "$ACTORFARM_DOTNET" "$ACTORFARM_CLI" "${args[@]}" 2>/dev/null |
    grep -o '"jobId":"[^"]*","name":"[^"]*","priority":[-0-9]*,"phase":"running"' | cut -d'"' -f4 | paste -sd' ')" || true
  if [ -n "$jobs" ]; then
    farm_log "unfinished jobs (journaled, pending; the next allocation on this journal resumes them): $jobs"
  fi
}

farm_on_exit() {
  farm_shutdown
  [ -z "$FARM_RUN_DIR" ] || rm -rf "$FARM_RUN_DIR"
}

# Why a farm process ($1, pid $2) is not up after farm_wait_for_event gave up: it exited (a bad
# access file, a port in use: its own message is in the output above), or time ran out ($3 s).
farm_start_failure() {
  if farm_running "$2"; then
    echo "$1 did not come up within $3 s"
  else
    local status=0
    wait "$2" 2>/dev/null || status=$?
    echo "$1 exited with status $status before it was up (its message is above)"
  fi
}

# Starts the farm and the submission. A stop asked for meanwhile ends it early (FARM_STOP_REASON
# is set; farm_follow then returns at once and the shutdown stops what did start).
# Two rounds, each started at once: the Lighthouse (it writes the access file every other process
# reads) with the manifest's validation, then the coordinator, the worker nodes and the
# submission. The submission retries until the coordinator offers the farm, so it no longer waits
# for the coordinator before starting its own (CPU-bound) start-up. The nodes do wait for the
# Lighthouse: a node that finds no seed retries its join only seconds later.
farm_start() {
  local timeout="${ACTORFARM_START_TIMEOUT:-120}"
  farm_start_lighthouse
  # Validation overlaps the Lighthouse's start-up; a bad manifest stops before any farm node.
  farm_validate_manifest
  if ! farm_wait_for_event "$FARM_RUN_DIR/lighthouse.out" lighthouse-up "$FARM_LIGHTHOUSE_PID" "$timeout"; then
    [ -z "$FARM_STOP_REASON" ] || return 0
    farm_die $FARM_EXIT_FARM_ERROR "$(farm_start_failure "the Lighthouse" "$FARM_LIGHTHOUSE_PID" "$timeout")"
  fi
  farm_start_coordinator
  farm_start_workers
  farm_start_submit
  # Only to report: the farm's start-up time, or that the coordinator failed to start.
  if ! farm_wait_for_event "$FARM_RUN_DIR/coordinator.out" node-up "$FARM_COORDINATOR_PID" "$timeout"; then
    [ -z "$FARM_STOP_REASON" ] || return 0
    farm_die $FARM_EXIT_FARM_ERROR "$(farm_start_failure "the coordinator" "$FARM_COORDINATOR_PID" "$timeout")"
  fi
  farm_log "the farm is up after $SECONDS s"
  [ -z "${ACTORFARM_DASHBOARD:-}" ] || farm_print_dashboard
  if [ -n "${ACTORFARM_ACCESS_FILE:-}" ]; then
    farm_log "to submit into this farm: actorfarm submit --cluster $ACTORFARM_SEEDS --access-file $ACTORFARM_ACCESS_FILE --manifest ..."
  else
    farm_log "to submit into this farm: actorfarm submit --cluster $ACTORFARM_SEEDS --insecure --manifest ..."
  fi
}

# Where the dashboard is and how to reach it from a laptop: the coordinator prints its address
# (without the token: this output may be readable by others) right after it is up.
farm_print_dashboard() {
  local url port head
  if ! farm_wait_for_event "$FARM_RUN_DIR/coordinator.out" dashboard-up "$FARM_COORDINATOR_PID" 10; then
    farm_log "warning: ACTORFARM_DASHBOARD=$ACTORFARM_DASHBOARD but the coordinator printed no dashboard address (see its output above)"
    return 0
  fi
  url="$(farm_event_field "$FARM_RUN_DIR/coordinator.out" dashboard-up url)"
  port="${url##*:}"
  port="${port%%/*}"
  head="$(hostname -s 2>/dev/null || hostname)"
  farm_log "dashboard: $url on $head (its loopback). From your laptop:"
  farm_log "  ssh -N -L $port:127.0.0.1:$port -J ${USER:-$(id -un)}@<login node> $head"
  farm_log "  then open http://127.0.0.1:$port/?token=TOKEN, TOKEN printed on the cluster by:"
  if [ -n "${ACTORFARM_ACCESS_FILE:-}" ]; then
    farm_log "  $ACTORFARM_DOTNET $ACTORFARM_CLI access --dashboard-token --access-file $ACTORFARM_ACCESS_FILE"
  else
    farm_log "  (no access file with ACTORFARM_INSECURE=1: the token is random, see the coordinator's output)"
  fi
}

# The exit status: the jobs' (the manifest's and any other the farm ran), or 130 when the farm
# stopped before they ended.
farm_exit_status() {
  local status="${FARM_SUBMIT_STATUS:-$FARM_EXIT_FARM_ERROR}"
  if [ -n "$FARM_OTHERS_STATUS" ] && [ "$status" -le 1 ] && [ "$FARM_OTHERS_STATUS" -gt "$status" ]; then
    status="$FARM_OTHERS_STATUS"
  fi
  if [ "$status" -eq $FARM_EXIT_INTERRUPTED ] || { [ -n "$FARM_STOP_REASON" ] && [ "$status" -gt 1 ]; }; then
    if [ "$FARM_STOP_REASON" = "no worker node is left" ]; then
      status=$FARM_EXIT_FARM_ERROR
    else
      status=$FARM_EXIT_INTERRUPTED
    fi
  fi
  echo "$status"
}

# Where the journal is, for the user; never the connection string (it may hold a password).
farm_journal_description() {
  if [ -n "$FARM_POSTGRES" ]; then
    echo "PostgreSQL"
  else
    echo "SQLite in $FARM_STATE_DIR"
  fi
}

farm_report() {
  local status="$1" journal
  journal="$(farm_journal_description)"
  case "$status" in
    0) farm_log "done: every task succeeded" ;;
    1) farm_log "done: some tasks failed or a job was cancelled (see results.jsonl)" ;;
    "$FARM_EXIT_INTERRUPTED")
      farm_log "stopped before the jobs ended: ${FARM_STOP_REASON:-interrupted}."
      farm_log "Finished tasks are journaled ($journal); submit the same manifest with the same journal to run the rest." ;;
    *) farm_log "failed (exit $status)${FARM_STOP_REASON:+: $FARM_STOP_REASON}" ;;
  esac
}

farm_launch() {
  farm_parse_args "$@"
  farm_configure
  trap farm_on_exit EXIT
  trap 'farm_request_stop "SIGTERM (scancel or the time limit)"' TERM
  trap 'farm_request_stop "SIGINT"' INT
  trap 'farm_request_stop "SIGHUP"' HUP
  # actorfarm-alloc.sh's way to ask for a stop: SLURM signals every process of a step, and
  # SIGURG is a signal the farm processes ignore.
  trap 'farm_request_stop "asked to stop"' URG
  farm_lock_state_dir
  farm_log "job $SLURM_JOB_ID: manifest $FARM_MANIFEST, journal: $(farm_journal_description)"
  farm_plan_addresses
  farm_plan_walltime
  farm_start
  farm_follow
  [ -z "$FARM_STOP_REASON" ] || farm_log "stopping: $FARM_STOP_REASON"
  farm_shutdown
  local status
  status="$(farm_exit_status)"
  farm_report "$status"
  exit "$status"
}
