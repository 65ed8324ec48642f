"""``python path/to/recorder OUTDIR [--only METHOD,...]``: record the numpy this interpreter imports."""
import sys

try:
    from .record import main
except ImportError:  # run as a folder in a bare numpy environment: siblings are top-level modules
    from record import main

sys.exit(main())
