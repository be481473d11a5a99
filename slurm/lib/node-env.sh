# shellcheck shell=bash
# What every farm process of an allocation needs to know about the node it runs on: the address
# to bind, the port, the worker slots. Sourced by launcher.sh (on the head node) and by
# worker-step.sh (on every allocated node), so both sides compute them the same way.

# Prints the IPv4 address a name resolves to (an address is printed as is).
farm_resolve() {
  local name="$1"
  if [[ "$name" =~ ^[0-9]+(\.[0-9]+){3}$ ]]; then
    echo "$name"
    return 0
  fi
  getent ahostsv4 "$name" 2>/dev/null | awk 'NR == 1 { print $1 }'
}

farm_is_loopback() {
  [[ "$1" == 127.* || "$1" == localhost ]]
}

# The address this node's farm process binds to and advertises. Other nodes reach it there, so
# it is an address, never a name: every node then agrees on how the seed is spelled.
#   ACTORFARM_HOST set      that name or address (the launcher sets 127.0.0.1 when SLURM
#                           itself reaches every allocated node on loopback: one host)
#   otherwise               the address of this node's host name; if that is loopback (the
#                           Debian /etc/hosts habit of 127.0.1.1), the NodeAddr SLURM uses
farm_bind_address() {
  local address node_addr
  if [ -n "${ACTORFARM_HOST:-}" ]; then
    address="$(farm_resolve "$ACTORFARM_HOST")"
    [ -n "$address" ] || { echo "actorfarm: ACTORFARM_HOST=$ACTORFARM_HOST does not resolve" >&2; return 1; }
    echo "$address"
    return 0
  fi
  address="$(farm_resolve "$(hostname)")"
  if [ -z "$address" ] || farm_is_loopback "$address"; then
    node_addr="$(scontrol show node "${SLURMD_NODENAME:-$(hostname -s)}" 2>/dev/null | grep -o 'NodeAddr=[^ ]*' | cut -d= -f2)"
    [ -n "$node_addr" ] && address="$(farm_resolve "$node_addr")"
  fi
  echo "${address:-127.0.0.1}"
}

# The port of a farm node: 0 (any free port; other nodes learn it when it joins) unless
# ACTORFARM_NODE_PORT sets a base, e.g. for a firewall: the coordinator takes the base, the
# worker on node i takes base + 1 + i, so nodes that share one host never collide.
farm_node_port() {
  local role="$1" base="${ACTORFARM_NODE_PORT:-0}"
  if [ "$base" -eq 0 ]; then
    echo 0
  elif [ "$role" = coordinator ]; then
    echo "$base"
  else
    echo $((base + 1 + ${SLURM_NODEID:-0}))
  fi
}

# Worker slots on this node: ACTORFARM_SLOTS, or the CPUs SLURM gave the job on this node divided
# by the CPUs each farm task was declared to need (sbatch --cpus-per-task, default 1).
farm_slots() {
  if [ -n "${ACTORFARM_SLOTS:-}" ]; then
    echo "$ACTORFARM_SLOTS"
    return 0
  fi
  local cpus="${SLURM_CPUS_ON_NODE:-$(nproc)}" per_task="${ACTORFARM_CPUS_PER_TASK:-1}"
  cpus="${cpus%%(*}" # SLURM writes "2(x3)" for several nodes in some variables; take the count
  local slots=$((cpus / per_task))
  echo $((slots > 0 ? slots : 1))
}

# Writes the HOCON file every farm process of the launcher reads: remoting lifecycle events off
# (each orderly leave would print a disassociation "error" with a stack trace into the job's
# output), then the user's ACTORFARM_CONFIG, which wins.
# Every CLI process of the farm speaks TLS with the access file in ACTORFARM_ACCESS_FILE, unless
# the user asked for no security at all with ACTORFARM_INSECURE=1 (then: --insecure, warned about
# by every process; the Lighthouse reads the variable itself).
farm_security_args() {
  if [ "${ACTORFARM_INSECURE:-0}" = 1 ]; then echo --insecure; fi
}

farm_write_config() {
  {
    echo 'akka.remote.log-remote-lifecycle-events = off'
    [ -z "${ACTORFARM_CONFIG:-}" ] || cat "$ACTORFARM_CONFIG"
  } >"$1"
}

# The farm's settings $@, one line each, in whole seconds, as its nodes have them (under
# ACTORFARM_CONFIG): hocon/farm.hocon and cli.hocon own the farm's timings, and a script asks
# the farm for them instead of repeating their numbers. Needs ACTORFARM_DOTNET and ACTORFARM_CLI.
farm_setting_seconds() {
  local args=(config get --seconds "$@")
  [ -z "${ACTORFARM_CONFIG:-}" ] || args+=(--config "$ACTORFARM_CONFIG")
  "$ACTORFARM_DOTNET" "$ACTORFARM_CLI" "${args[@]}"
}

# True once file $1 holds the JSON event $2 (`{"event":"$2",...}`, as `actorfarm node --json`
# and the Lighthouse's --json print them): what the scripts wait on, never the text lines meant
# for people. Matched wherever it starts in a line: a file written through tee may hold another
# write's partial line before it.
farm_has_event() {
  grep -qF -- "{\"event\":\"$2\"" "$1" 2>/dev/null
}

# The string field $3 of the first JSON event $2 in file $1 (a URL or an address: no quotes and
# no braces in it).
farm_event_field() {
  grep -o -m1 -- "{\"event\":\"$2\"[^}]*" "$1" 2>/dev/null | head -n1 | grep -o -- "\"$3\":\"[^\"]*\"" | cut -d'"' -f4
}

# The node name written into results: SLURM's name for the node (unique within the allocation,
# even when several slurmd share one host).
farm_node_name() {
  echo "${SLURMD_NODENAME:-$(hostname -s)}"
}
