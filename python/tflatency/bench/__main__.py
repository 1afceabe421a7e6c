"""`python -m tflatency.bench [flags]`: what scripts/bench runs (see tflatency/bench/main.py)."""

import sys

from tflatency.bench import main

if __name__ == "__main__":
    sys.exit(main.main(sys.argv))
