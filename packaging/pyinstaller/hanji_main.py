"""Entry point of the frozen app (PyInstaller): the same as the ``hanji`` console script."""

import multiprocessing
import sys
import warnings

if __name__ == "__main__":
    multiprocessing.freeze_support()  # a frozen child process must not start the app again
    # the bundle carries torch's modules compiled, without their source (common.py): torch's check
    # of its TorchScript overloads cannot read them and would warn once per overload at import
    warnings.filterwarnings("ignore", message="Unable to retrieve source for @torch.jit._overload")
    from hanji.app import main

    sys.exit(main())
