# shellcheck shell=bash
# What the launcher asks SLURM about the current allocation: when it ends, whether its nodes
# share one host, a free port for the seed, and the id of the worker step. Sourced by
# launcher.sh (which defines farm_log, farm_die and the exit codes used here).

# The allocation's end as Unix seconds; nothing when it has no time limit (SLURM then still
# reports an end, a year after the start).
farm_allocation_end() {
  local end limit
  limit="$(squeue -h -j "$SLURM_JOB_ID" -o %l 2>/dev/null | head -n1)" || true
  case "$limit" in
    UNLIMITED | INFINITE | NOT_SET) return 0 ;;
  esac
  end="$(squeue -h -j "$SLURM_JOB_ID" -o %e 2>/dev/null | head -n1)" || true
  if [ -z "$end" ]; then
    end="$(scontrol show job "$SLURM_JOB_ID" 2>/dev/null | grep -o 'EndTime=[^ ]*' | cut -d= -f2)" || true
  fi
  case "$end" in
    "" | NONE | None | Unknown | N/A) return 0 ;;
  esac
  date -d "$end" +%s 2>/dev/null || true
}

# Worker nodes get --leave-at so they never start a task that would outlast the allocation and
# are gone ACTORFARM_END_MARGIN seconds before its end: time for the launcher to stop the
# submission, the coordinator and the Lighthouse (a few seconds) before SLURM kills what is left.
# Prints the leave time (Unix seconds) for an allocation ending at $1. The one place the margin's
# default lives: the launcher and an allocation queue's worker script both ask here.
farm_leave_at() {
  echo $(($1 - ${ACTORFARM_END_MARGIN:-10}))
}

farm_plan_walltime() {
  local end
  end="$(farm_allocation_end)"
  if [ -z "$end" ]; then
    farm_log "the allocation has no time limit"
    return 0
  fi
  ACTORFARM_LEAVE_AT="$(farm_leave_at "$end")"
  export ACTORFARM_LEAVE_AT
  # When the worker nodes start leaving by themselves; no drain grace: under a --leave-at a node
  # starts only tasks that end in time (docs/design.md, "Leaving").
  FARM_STOP_AT=$((ACTORFARM_LEAVE_AT - FARM_DRAIN_LEAD))
  farm_log "the allocation ends at $(date -d "@$end" '+%F %T'); worker nodes drain from $(date -d "@$FARM_STOP_AT" +%T) and are gone by $(date -d "@$ACTORFARM_LEAVE_AT" +%T)"
  if [ $((FARM_STOP_AT - $(date +%s))) -lt 60 ]; then
    farm_log "warning: less than 60 s remain before the nodes drain, and starting the farm takes some of it; ask for a longer --time"
  fi
}

# True when SLURM reaches every allocated node on loopback: several slurmd on one host.
farm_allocation_is_one_host() {
  local addresses
  addresses="$(scontrol show node -o "$SLURM_JOB_NODELIST" 2>/dev/null | grep -o 'NodeAddr=[^ ]*' | cut -d= -f2)" || return 1
  [ -n "$addresses" ] || return 1
  local address
  for address in $addresses; do
    farm_is_loopback "$(farm_resolve "$address")" || return 1
  done
}

# A port nothing listens on yet, from $2 upwards.
farm_free_port() {
  local host="$1" port="$2" tries
  for tries in $(seq 0 49); do
    if ! (exec 3<>"/dev/tcp/$host/$((port + tries))") 2>/dev/null; then
      echo $((port + tries))
      return 0
    fi
  done
  return 1
}

farm_plan_addresses() {
  if [ -z "${ACTORFARM_HOST:-}" ] && farm_allocation_is_one_host; then
    export ACTORFARM_HOST=127.0.0.1
  fi
  FARM_HEAD_ADDRESS="$(farm_bind_address)"
  # The seed's port is derived from the job id so that two farms sharing a node rarely collide.
  local port="${ACTORFARM_PORT:-}"
  [ -n "$port" ] || port="$(farm_free_port "$FARM_HEAD_ADDRESS" $((20000 + SLURM_JOB_ID % 10000)))" \
    || farm_die "$FARM_EXIT_FARM_ERROR" "no free port from $((20000 + SLURM_JOB_ID % 10000)) on; set ACTORFARM_PORT"
  export ACTORFARM_SEEDS="$FARM_HEAD_ADDRESS:$port"
  farm_log "farm seed (Lighthouse) at $ACTORFARM_SEEDS on $(farm_node_name); nodes: $SLURM_JOB_NODELIST"
}

# The worker step's id (e.g. 1234.0), once srun has created it.
farm_worker_step_id() {
  squeue -h -s -j "$SLURM_JOB_ID" -o '%i %j' 2>/dev/null | awk -v name="$FARM_WORKER_STEP_NAME" '$2 == name { print $1; exit }'
}
