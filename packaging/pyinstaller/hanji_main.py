"""Entry point of the frozen app (PyInstaller): the same as the ``hanji`` console script."""

import multiprocessing
import sys

if __name__ == "__main__":
    multiprocessing.freeze_support()  # a frozen child process must not start the app again
    from hanji.app import main

    sys.exit(main())
