#!/usr/bin/env bash
# Starts a throw-away SLURM 22.05 cluster on this machine for the SLURM tests: munged, slurmctld
# and N slurmd daemons (nodes n1..nN, all on 127.0.0.1 with distinct ports), then waits until
# sinfo shows every node idle. Installs the Debian packages first when they are missing (root
# and apt-get only). Safe to call again: a cluster that is already up as asked is left alone.
#
#   tests/scripts/slurm-up.sh [NODES]      NODES defaults to $ACTORFARM_SLURM_NODES or 3
#
# Exit status: 0 when the cluster is up, 1 when SLURM cannot be installed or started (the
# reason is on stderr). tests/scripts/slurm-down.sh stops it again.
set -euo pipefail

nodes="${1:-${ACTORFARM_SLURM_NODES:-3}}"
conf=/etc/slurm/slurm.conf
marker="# Written by ActorFarm tests/scripts/slurm-up.sh"
first_port=17001

fail() {
  echo "slurm-up: $*" >&2
  exit 1
}

[[ "$nodes" =~ ^[1-9][0-9]?$ ]] || fail "NODES must be a number from 1 to 99, got '$nodes'"

install_packages() {
  local missing=()
  command -v slurmctld >/dev/null 2>&1 || missing+=(slurmctld)
  command -v slurmd >/dev/null 2>&1 || missing+=(slurmd)
  command -v sbatch >/dev/null 2>&1 || missing+=(slurm-client slurm-wlm)
  command -v munged >/dev/null 2>&1 || missing+=(munge)
  [ ${#missing[@]} -eq 0 ] && return 0
  [ "$(id -u)" -eq 0 ] || fail "SLURM is not installed (${missing[*]} missing) and installing it needs root"
  command -v apt-get >/dev/null 2>&1 || fail "SLURM is not installed (${missing[*]} missing) and there is no apt-get"
  echo "slurm-up: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2 || fail "apt-get update failed"
  apt-get install -y -qq --no-install-recommends slurm-wlm slurmctld slurmd slurm-client munge >&2 \
    || fail "apt-get install of SLURM failed"
}

# The configuration ENVIRONMENT.md found to work here, with several slurmd on one host.
# KillWait is SLURM's default (30 s), not a shorter one: at scancel or the time limit, farm nodes
# need their drain grace (10 s) before SIGKILL, as on a real cluster.
write_config() {
  local last_port=$((first_port + nodes - 1)) names="n1"
  [ "$nodes" -gt 1 ] && names="n[1-$nodes]"
  cat <<EOF
$marker for $nodes nodes; rewritten when the node count changes.
ClusterName=actorfarm-test
SlurmctldHost=localhost
SlurmUser=root
AuthType=auth/munge
CredType=cred/munge
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
SchedulerParameters=batch_sched_delay=0,sched_min_interval=0
ReturnToService=2
SlurmctldPidFile=/run/slurm/slurmctld.pid
SlurmdPidFile=/run/slurm/slurmd-%n.pid
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd/%n
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd-%n.log
MailProg=/bin/true
InactiveLimit=0
KillWait=30
MinJobAge=300
Waittime=0
NodeName=$names NodeHostname=localhost NodeAddr=127.0.0.1 Port=$first_port-$last_port CPUs=2 RealMemory=4000 State=UNKNOWN
PartitionName=debug Nodes=$names Default=YES MaxTime=INFINITE State=UP
EOF
}

# True when the process whose id is in the file is alive.
running() {
  local pid
  [ -s "$1" ] || return 1
  pid="$(cat "$1")"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null
}

start_munge() {
  running /run/munge/munged.pid && return 0
  mkdir -p /run/munge /var/log/munge /var/lib/munge
  chown munge:munge /run/munge /var/log/munge /var/lib/munge
  if [ ! -s /etc/munge/munge.key ]; then
    mkdir -p /etc/munge
    dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
  fi
  chown munge:munge /etc/munge/munge.key
  chmod 0400 /etc/munge/munge.key
  runuser -u munge -- /usr/sbin/munged --force || fail "munged did not start"
}

start_slurm() {
  mkdir -p /run/slurm /var/spool/slurmctld /var/spool/slurmd /var/log/slurm
  if ! running /run/slurm/slurmctld.pid; then
    # -c: start from a clean state; jobs of an earlier test run must not come back.
    slurmctld -c || fail "slurmctld did not start (see /var/log/slurm/slurmctld.log)"
  fi
  local i
  for i in $(seq 1 "$nodes"); do
    mkdir -p "/var/spool/slurmd/n$i"
    running "/run/slurm/slurmd-n$i.pid" || slurmd -N "n$i" || fail "slurmd -N n$i did not start (see /var/log/slurm/slurmd-n$i.log)"
  done
}

# Number of nodes sinfo reports idle (or mixed/allocated: busy with a job is up too).
nodes_up() {
  sinfo -h -N -o '%N %t' 2>/dev/null | awk '$2 ~ /^(idle|mix|alloc)$/ { up++ } END { print up + 0 }'
}

wait_until_up() {
  local deadline=$((SECONDS + 60)) resumed=0
  until [ "$(nodes_up)" -ge "$nodes" ]; do
    # A node left down by an earlier run stays down until told otherwise.
    if [ $resumed -eq 0 ] && [ $((SECONDS + 50)) -gt "$deadline" ]; then
      scontrol update NodeName="$(sinfo -h -N -o '%N' | paste -sd, -)" State=RESUME >/dev/null 2>&1 || true
      resumed=1
    fi
    [ $SECONDS -lt "$deadline" ] || fail "the nodes did not come up within 60 s: $(sinfo -h -N -o '%N %t' 2>&1 | paste -sd' ' -)"
    sleep 0.5
  done
}

install_packages
mkdir -p /etc/slurm
if [ -e "$conf" ] && ! grep -qF "$marker" "$conf"; then
  fail "$conf was not written by this script; not touching someone else's SLURM (remove it or set up the nodes n1..n$nodes yourself)"
fi
wanted="$(write_config)"
if [ ! -e "$conf" ] || [ "$(cat "$conf")" != "$wanted" ]; then
  # A different node count needs fresh daemons: slurmctld reads the node list at start.
  "$(dirname "$0")/slurm-down.sh"
  printf '%s\n' "$wanted" >"$conf"
fi
start_munge
start_slurm
wait_until_up
echo "slurm-up: $nodes nodes up: $(sinfo -h -N -o '%N' | paste -sd' ' -)"
