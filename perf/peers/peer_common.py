"""What every peer script shares: the command line, the three workloads, and the one JSON line
each script prints for the harness (perf/ActorFarm.Perf/Peers/PeerRunner.cs).

Workloads, the same the farm runs:
  noop   a function that returns at once
  true   one /bin/true process per task (subprocess.run)
  sleep  time.sleep(d) with d read from --durations (one number of seconds per line)
  sleep-process  a real `sleep d` process per task (subprocess.run), d as for sleep

Every task returns the wall-clock instant it started, so the harness can tell the start-up
(launch to first task) from the makespan (first task to last result), as the paper did.
All times are time.time() (epoch seconds), the clock the harness reads too.
"""
import argparse
import json
import subprocess
import sys
import time


def parse_args(description):
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--workload", choices=["noop", "true", "sleep", "sleep-process"], required=True)
    parser.add_argument("--tasks", type=int, default=0, help="number of tasks (noop, true)")
    parser.add_argument("--workers", type=int, required=True)
    parser.add_argument("--durations", help="file with one duration in seconds per line (sleep)")
    return parser.parse_args()


def task_arguments(args):
    """One argument per task: the duration for sleep, the index otherwise."""
    if args.workload in ("sleep", "sleep-process"):
        with open(args.durations) as f:
            return [float(line) for line in f if line.strip()]
    return list(range(args.tasks))


def run_task(workload, argument):
    """Runs one task; returns the instant it started. Module-level so every pool can pickle it."""
    started = time.time()
    if workload == "true":
        subprocess.run(["/bin/true"], check=True)
    elif workload == "sleep":
        time.sleep(argument)
    elif workload == "sleep-process":
        subprocess.run(["sleep", repr(argument)], check=True)
    return started


def report(peer, args, tasks, ready_at, submitted_at, starts, done_at, **extra):
    """Prints the one line the harness reads: instants in epoch seconds."""
    line = {
        "peer": peer,
        "workload": args.workload,
        "tasks": tasks,
        "workers": args.workers,
        "ready_at": ready_at,          # workers up and able to take tasks
        "submitted_at": submitted_at,  # the first task was handed over
        "first_task_start": min(starts) if starts else None,
        "done_at": done_at,            # every result is back in the driver
        "results": len(starts),
    }
    line.update(extra)
    print(json.dumps(line), flush=True)
    if len(starts) != tasks:
        sys.exit(f"{peer}: {len(starts)} results for {tasks} tasks")
