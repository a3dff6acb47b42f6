"""`python -m xlsx_tools` runs the command line (signal handlers armed first)."""
import sys

from .launch import main

sys.exit(main())
