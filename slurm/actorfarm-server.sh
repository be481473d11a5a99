#!/usr/bin/env bash
# A farm that outlives its allocations: starts (or stops) a Lighthouse and a coordinator on this
# host, outside SLURM (a login node), in the background. Jobs are submitted to it at any time;
# an allocation queue (actorfarm alloc add slurm ...) gives it nodes. See docs/slurm.md,
# "A farm on the login node".
#
#   slurm/actorfarm-server.sh start [--state-dir DIR | --postgres CONN] [--host ADDR] [--port PORT]
#   slurm/actorfarm-server.sh stop  [--state-dir DIR]
#   slurm/actorfarm-server.sh status [--state-dir DIR]
#
# start starts whichever of the two is not running (so it also restarts a coordinator that
# died), waits until both are up and prints the farm's address. Logs and process ids are kept in
# DIR/server/. stop stops the coordinator first (it hands its jobs over, journaled), then the
# Lighthouse; the allocations' nodes, having lost the farm, leave and end their allocations.
#
# Defaults: DIR .actorfarm (the SQLite journal and the access file), ADDR this host's address
# (ACTORFARM_HOST), PORT 24700 (ACTORFARM_PORT). ACTORFARM_POSTGRES for a PostgreSQL journal.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
FARM_LIB="$here/lib"
# shellcheck source=slurm/lib/node-env.sh
source "$FARM_LIB/node-env.sh"

die() {
  echo "actorfarm-server: $2" >&2
  exit "$1"
}

usage() {
  sed -n '2,17p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

command="${1:-}"
[ $# -gt 0 ] && shift
state_dir="${ACTORFARM_STATE_DIR:-.actorfarm}"
postgres="${ACTORFARM_POSTGRES:-}"
host="${ACTORFARM_HOST:-}"
port="${ACTORFARM_PORT:-24700}"
while [ $# -gt 0 ]; do
  case "$1" in
    --state-dir) state_dir="$2"; shift 2 ;;
    --postgres) postgres="$2"; shift 2 ;;
    --host) host="$2"; shift 2 ;;
    --port) port="$2"; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; die 2 "unknown argument $1" ;;
  esac
done
state_dir="$(realpath -m "$state_dir")"
run_dir="$state_dir/server"
home="${ACTORFARM_HOME:-$(dirname "$here")}"
export ACTORFARM_DOTNET="${ACTORFARM_DOTNET:-dotnet}" ACTORFARM_CLI="${ACTORFARM_CLI:-$home/src/ActorFarm.Cli/bin/Release/net10.0/ActorFarm.Cli.dll}"
dotnet="$ACTORFARM_DOTNET"
cli="$ACTORFARM_CLI"
lighthouse="${ACTORFARM_LIGHTHOUSE:-$home/lighthouse/bin/Release/net10.0/ActorFarm.Lighthouse.dll}"
access_file="${ACTORFARM_ACCESS_FILE:-$state_dir/access.pem}"

# A process that has exited but not been reaped (a zombie) is not running.
alive() {
  kill -0 "$1" 2>/dev/null && ! grep -q '^[0-9]* (.*) Z' "/proc/$1/stat" 2>/dev/null
}

running() {
  local pid
  pid="$(cat "$run_dir/$1.pid" 2>/dev/null)" || return 1
  [ -n "$pid" ] && alive "$pid"
}

# Waits until the $1 (lighthouse or coordinator) prints the JSON event $2 in its log.
wait_for_event() {
  local name="$1" event="$2" deadline=$((SECONDS + ${ACTORFARM_START_TIMEOUT:-120}))
  until farm_has_event "$run_dir/$name.log" "$event"; do
    running "$name" || die 3 "the $name stopped while starting; see $run_dir/$name.log"
    [ $SECONDS -lt $deadline ] || die 3 "the $name did not come up within ${ACTORFARM_START_TIMEOUT:-120} s; see $run_dir/$name.log"
    sleep 0.2
  done
}

security_args() {
  if [ "${ACTORFARM_INSECURE:-0}" = 1 ]; then echo --insecure; else echo "--access-file $access_file"; fi
}

start() {
  command -v "$dotnet" >/dev/null 2>&1 || die 3 "the .NET runtime '$dotnet' is not on PATH (or set ACTORFARM_DOTNET)"
  [ -f "$cli" ] || die 3 "$cli not found: build with 'dotnet build ActorFarm.sln -c Release' or set ACTORFARM_CLI"
  [ -f "$lighthouse" ] || die 3 "$lighthouse not found: build the solution or set ACTORFARM_LIGHTHOUSE"
  mkdir -p "$run_dir"
  [ -n "$host" ] || host="$(farm_bind_address)"
  local seed="$host:$port"
  if running lighthouse; then
    seed="$(cat "$run_dir/seed")"
  else
    : >"$run_dir/lighthouse.log"
    # The farm's first process, and so its oldest: the side that keeps it stays up when a whole
    # allocation vanishes (keep-oldest). It writes the access file when missing.
    CLUSTER_IP="$host" CLUSTER_PORT="$port" CLUSTER_SEEDS="" ACTORFARM_ACCESS_FILE="$access_file" \
      nohup setsid "$dotnet" "$lighthouse" --json >>"$run_dir/lighthouse.log" 2>&1 </dev/null &
    echo $! >"$run_dir/lighthouse.pid"
    echo "$seed" >"$run_dir/seed"
    wait_for_event lighthouse lighthouse-up
  fi
  if ! running coordinator; then
    : >"$run_dir/coordinator.log"
    local args=(node --seeds "$seed" --roles coordinator --host "${seed%:*}" --port 0 --name "$(hostname -s)-coordinator" --json)
    # shellcheck disable=SC2207 # two words or one
    args+=($(security_args))
    if [ -n "$postgres" ]; then
      ACTORFARM_POSTGRES="$postgres" nohup setsid "$dotnet" "$cli" "${args[@]}" >>"$run_dir/coordinator.log" 2>&1 </dev/null &
    else
      env -u ACTORFARM_POSTGRES nohup setsid "$dotnet" "$cli" "${args[@]}" --state-dir "$state_dir" \
        >>"$run_dir/coordinator.log" 2>&1 </dev/null &
    fi
    echo $! >"$run_dir/coordinator.pid"
    wait_for_event coordinator node-up
  fi
  echo "farm up at $seed (logs in $run_dir)"
  echo "  actorfarm alloc add slurm --cluster $seed --max-nodes N --time 1h -- <sbatch options>"
  echo "  actorfarm submit --cluster $seed --manifest jobs.hocon [--wait]"
}

# A farm command stops within its stop limit of a signal (actorfarm.cli.stop-limit), the
# coordinator's drain wait and hand-over included; the Lighthouse is given as long.
stop_one() {
  local name="$1" limit="$2" pid deadline
  running "$name" || return 0
  pid="$(cat "$run_dir/$name.pid")"
  kill -TERM "$pid"
  deadline=$((SECONDS + limit))
  while [ $SECONDS -lt $deadline ]; do
    alive "$pid" || return 0
    sleep 0.2
  done
  die 3 "the $name (pid $pid) did not stop within $limit s"
}

case "$command" in
  start) start ;;
  stop)
    limit="$(farm_setting_seconds actorfarm.cli.stop-limit)" || die 3 "could not read the farm's stop limit from $cli (see above)"
    stop_one coordinator "$limit"
    stop_one lighthouse "$limit"
    echo "farm stopped"
    ;;
  status)
    for name in lighthouse coordinator; do
      if running "$name"; then echo "$name: running (pid $(cat "$run_dir/$name.pid"))"; else echo "$name: not running"; fi
    done
    [ -f "$run_dir/seed" ] && echo "seed: $(cat "$run_dir/seed")"
    ;;
  *) usage >&2; exit 2 ;;
esac
