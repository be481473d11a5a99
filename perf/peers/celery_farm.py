"""Celery with Redis as broker and result backend: starts its own redis-server and a prefork
worker with --concurrency WORKERS, submits every task as one group, gathers the results.
Start-up includes Redis and the worker, as the paper's did.

    C_FORCE_ROOT=1 /usr/bin/python3 perf/peers/celery_farm.py --workload noop --tasks 5000 --workers 2
"""
import gc
import os
import socket
import subprocess
import sys
import time

from peer_common import parse_args, report, task_arguments


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_redis(port, deadline):
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2) as s:
                s.sendall(b"PING\r\n")
                if s.recv(16).startswith(b"+PONG"):
                    return
        except OSError:
            time.sleep(0.02)
    sys.exit("redis-server did not answer")


def main():
    args = parse_args(__doc__)
    arguments = task_arguments(args)
    here = os.path.dirname(os.path.abspath(__file__))
    port = free_port()
    os.environ["ACTORFARM_PERF_REDIS"] = f"redis://127.0.0.1:{port}/0"
    redis = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                              "--appendonly", "no", "--loglevel", "warning"], stdout=subprocess.DEVNULL)
    worker = None
    try:
        wait_for_redis(port, time.time() + 30)
        worker = subprocess.Popen([sys.executable, "-m", "celery", "-A", "celery_tasks", "worker",
                                   "--concurrency", str(args.workers), "--pool", "prefork",
                                   "--loglevel", "WARNING", "--without-gossip", "--without-mingle",
                                   "--without-heartbeat"], cwd=here, stdout=subprocess.DEVNULL)
        from celery import group
        from celery_tasks import app, run
        deadline = time.time() + 120
        while not app.control.ping(timeout=0.5):
            if time.time() > deadline or worker.poll() is not None:
                sys.exit("the celery worker did not come up")
        ready_at = time.time()
        submitted_at = time.time()
        result = group(run.s(args.workload, a) for a in arguments).apply_async()
        starts = result.get(timeout=3600, interval=0.005)
        done_at = time.time()
        # Results hold a Redis subscription: drop them while Redis still runs, not at exit.
        result.forget()
        del result
        report("celery-redis", args, len(arguments), ready_at, submitted_at, starts, done_at)
    finally:
        gc.collect()
        if worker is not None:
            worker.terminate()
            worker.wait(30)
        redis.terminate()
        redis.wait(30)


if __name__ == "__main__":
    main()
