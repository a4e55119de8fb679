"""The quality overview of a project in one job: statistics, check findings, duplicates, likely
transcription and tag errors, and what to label next. The window's dashboard runs it on a worker
(``hanji.ui.panes.dashboard``); each part is a job of :mod:`hanji.jobs.quality`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from hanji.jobs import quality as jq
from hanji.jobs import team
from hanji.jobs.base import CancelToken, Progress, no_progress
from hanji.store import ProjectStore

PICKS = 20  # documents proposed to label next


@dataclass
class Overview:
    """What one refresh of the dashboard computes."""

    stats: Any = None
    findings: list = field(default_factory=list)
    duplicates: list = field(default_factory=list)
    suspects: list = field(default_factory=list)
    tag_suspects: list = field(default_factory=list)  # (TagReading, margin)
    picks: list = field(default_factory=list)
    names: dict[int, str] = field(default_factory=dict)
    people: list = field(default_factory=list)  # per-person figures (issue 21)
    agreement: dict = field(default_factory=dict)  # labelers' agreement, measured only (nothing sent)


def overview(store: ProjectStore, progress: Progress = no_progress, cancel: CancelToken | None = None) -> Overview:
    """Everything the dashboard shows, in one job (progress counts the parts)."""
    data = Overview()
    data.names = {d.id: d.name for d in store.documents()}
    steps = [("statistics", "stats", lambda p: jq.statistics(store, p, cancel)),
             ("checks", "findings", lambda p: jq.run_checks(store, progress=p, cancel=cancel)),
             ("duplicates", "duplicates", lambda p: jq.find_duplicates(store, progress=p, cancel=cancel)),
             ("suspects", "suspects", lambda p: jq.likely_label_errors(store, progress=p, cancel=cancel)),
             ("tags", "tag_suspects", lambda p: jq.likely_tag_errors(store, progress=p, cancel=cancel)),
             ("picks", "picks", lambda p: jq.next_documents(store, PICKS, progress=p, cancel=cancel)),
             ("people", "people", lambda p: team.people_stats(store)),
             ("agreement", "agreement", lambda p: team.measure_agreement(store, send=False, progress=p,
                                                                          cancel=cancel))]
    for k, (title, attr, fn) in enumerate(steps):
        def sub(done, total=None, message="", k=k, title=title):
            progress(k, len(steps), f"{title}: {message}" if message else title)

        setattr(data, attr, fn(sub))
    progress(len(steps), len(steps), "")
    return data
