"""Torch models: a small zoo of predictors that take numpy images and return domain objects.

Importing this package does not import torch; the submodules that need it do, lazily from jobs.
"""

import os

# Torch's OpenMP threads spin while they wait for work by default. On a desktop whose cores are
# shared (the window's own thread, other programs) spinning threads fight the ones doing the work:
# measured on a loaded 2-core machine, the detector and recognizer ran 2-3x slower. Passive
# waiting costs little when the machine is idle. It must be set before torch loads OpenMP, which
# happens only below this package; a value set by the user wins.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
