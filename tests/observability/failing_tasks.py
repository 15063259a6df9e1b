"""A background task that fails, for the worker's error-report test."""

from django_tasks import task


@task
def fail_in_worker():
    raise RuntimeError("the courier's API answered something unexpected")
