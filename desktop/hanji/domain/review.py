"""Review of labelled documents: the states a document goes through and the moves between them.

The states sit beside a document's own status (``new``, ``preannotated``, ``in_progress``,
``done``), not instead of it: *to label* is any status but ``done``; *labelled* is ``done`` with no
later review decision; *in review*, *accepted* and *rejected* are the reviewer's decision, kept
with the time it was made. A rejection sends the document back (its status becomes
``in_progress``); marking it done again makes it *labelled* once more. A document whose status or
attributes change after it was accepted or taken into review counts as *labelled* again (it has
to be looked at anew). A document sent to review (by the agreement check) is *in review* whatever
its status."""

from __future__ import annotations

TO_LABEL = "to_label"
LABELLED = "labelled"
IN_REVIEW = "in_review"
ACCEPTED = "accepted"
REJECTED = "rejected"
REVIEW_STATES = (TO_LABEL, LABELLED, IN_REVIEW, ACCEPTED, REJECTED)
QUEUE_STATES = (LABELLED, IN_REVIEW)  # what a reviewer's queue holds

# action -> the states it may start from (``comment`` may be made in any state)
MOVES: dict[str, tuple[str, ...]] = {
    "submit": (TO_LABEL, REJECTED, LABELLED),  # a labelled document submitted again stays labelled
    "start": (LABELLED, IN_REVIEW),
    "accept": (LABELLED, IN_REVIEW),
    "reject": (LABELLED, IN_REVIEW, ACCEPTED),
    "send": REVIEW_STATES,  # to review, by the agreement check: from any state
}
RESULT = {"submit": LABELLED, "start": IN_REVIEW, "accept": ACCEPTED, "reject": REJECTED, "send": IN_REVIEW}


def review_state(doc_status: str, decision: str | None, decided_at: float | None, doc_updated: float) -> str:
    """A document's review state from its status and the last review decision on it."""
    done = doc_status == "done"
    if decision == REJECTED:
        return LABELLED if done else REJECTED
    fresh = decided_at is not None and doc_updated <= decided_at
    if decision == IN_REVIEW and fresh:
        return IN_REVIEW  # whatever its status: the agreement check sends documents not marked done too
    if decision == ACCEPTED and done and fresh:
        return ACCEPTED
    return LABELLED if done else TO_LABEL


def check_move(action: str, state: str, doc_name: str = "") -> str:
    """The state ``action`` leads to from ``state``; a ValueError saying why when it may not be taken."""
    if action not in MOVES:
        raise ValueError(f"unknown review action {action!r} (one of {', '.join(MOVES)})")
    if state not in MOVES[action]:
        what = f"document {doc_name!r}" if doc_name else "the document"
        allowed = " or ".join(s.replace("_", " ") for s in MOVES[action])
        raise ValueError(f"{what} is {state.replace('_', ' ')}; only a document {allowed} can be "
                         f"{_past(action)}")
    return RESULT[action]


def _past(action: str) -> str:
    return {"submit": "submitted", "start": "taken into review", "accept": "accepted", "reject": "rejected",
            "send": "sent to review"}[action]
