"""Background jobs on rq: Redis when REDIS_URL is set, in-process otherwise; each job carries its force."""

from frontcounter.jobs.queue import enqueue, get_queue, queue_health

__all__ = ["enqueue", "get_queue", "queue_health"]
