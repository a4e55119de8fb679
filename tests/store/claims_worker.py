"""One labeling seat for tests/store/test_claims_concurrency.py, run as its own process:

    python claims_worker.py URL NAME LOG SEED SECONDS

It opens the PostgreSQL project at URL as NAME and until SECONDS have passed: claims a random
document (another is taken when the claim is refused), makes a few edits of it (a new region with a
token, a changed text), then gives the claim back. Every step is written to LOG, one line each,
flushed before the next step, so that a seat killed with SIGKILL leaves what it was told:

    C doc t            claimed (after claim() returned)
    A doc token t      a region added, acknowledged (after the edit returned)
    U doc token t      a region's text changed, acknowledged
    L doc t            an edit refused: the claim was lost (it had expired and another seat took it)
    R doc t            about to give the claim back (written before release())
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "desktop"))


def main() -> int:
    url, name, log_path, seed, seconds = sys.argv[1:6]
    from hanji.domain import Region
    from hanji.store import ProjectStore
    from hanji.store.claims import DocumentClaimed

    rng = random.Random(int(seed))
    end = time.time() + float(seconds)
    store = ProjectStore.open(url)
    store.user = name
    docs = [d.id for d in store.documents()]
    n = 0
    with open(log_path, "a", buffering=1, encoding="utf-8") as log:
        def say(*parts) -> None:
            log.write(" ".join(str(p) for p in parts) + "\n")
            log.flush()

        while time.time() < end:
            doc = rng.choice(docs)
            try:
                store.claim(doc)
            except DocumentClaimed:
                time.sleep(0.01)
                continue
            say("C", doc, repr(time.time()))
            mine: list[int] = []
            lost = False
            for _ in range(rng.randint(2, 6)):
                n += 1
                token = f"{name}:{n}"
                try:
                    if mine and rng.random() < 0.4:
                        store.update_region(rng.choice(mine), text=token)
                        say("U", doc, token, repr(time.time()))
                    else:
                        x = rng.uniform(0, 500)
                        r = store.add_region(doc, Region([(x, 10), (x + 40, 10), (x + 40, 30), (x, 30)], text=token))
                        mine.append(r.id)
                        say("A", doc, token, repr(time.time()))
                except DocumentClaimed:
                    say("L", doc, repr(time.time()))
                    lost = True
                    break
                time.sleep(rng.uniform(0, 0.03))
            if not lost:
                say("R", doc, repr(time.time()))
                store.release([doc])
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
