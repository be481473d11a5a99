"""The Celery app of celery_farm.py: one task that runs a workload. Broker and result backend are
the Redis that celery_farm.py starts (its URL comes in ACTORFARM_PERF_REDIS)."""
import os

from celery import Celery

from peer_common import run_task

redis_url = os.environ.get("ACTORFARM_PERF_REDIS", "redis://127.0.0.1:6379/0")
app = Celery("actorfarm_perf", broker=redis_url, backend=redis_url)
app.conf.update(worker_hijack_root_logger=False, result_expires=600, broker_connection_retry_on_startup=True)


@app.task(name="actorfarm_perf.run")
def run(workload, argument):
    return run_task(workload, argument)
