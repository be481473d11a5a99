"""ipyparallel: a local cluster of engines and a load-balanced view (the paper's "IPython
dynamic"); start-up includes the controller and the engines.

    /usr/bin/python3 perf/peers/ipp_farm.py --workload noop --tasks 5000 --workers 2
"""
import functools
import time

import ipyparallel as ipp

from peer_common import parse_args, report, run_task, task_arguments


def main():
    args = parse_args(__doc__)
    arguments = task_arguments(args)
    cluster = ipp.Cluster(n=args.workers, log_level=40)
    client = cluster.start_and_connect_sync()
    try:
        client.wait_for_engines(args.workers, timeout=300)
        # The engines import the task function from this folder.
        client[:].apply_sync(_add_path, __file__)
        view = client.load_balanced_view()
        ready_at = time.time()
        submitted_at = time.time()
        starts = view.map_sync(functools.partial(_run, args.workload), arguments)
        done_at = time.time()
    finally:
        cluster.stop_cluster_sync()
    report("ipyparallel", args, len(arguments), ready_at, submitted_at, list(starts), done_at)


def _add_path(script):
    import os
    import sys
    sys.path.insert(0, os.path.dirname(os.path.abspath(script)))


def _run(workload, argument):
    from peer_common import run_task as task
    return task(workload, argument)


if __name__ == "__main__":
    main()
