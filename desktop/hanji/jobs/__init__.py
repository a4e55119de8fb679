"""Long work as plain Python: each job reports progress, checks a cancel flag and can resume."""

from hanji.jobs.base import Cancelled, CancelToken, Progress, no_progress

__all__ = ["Cancelled", "CancelToken", "Progress", "no_progress"]
