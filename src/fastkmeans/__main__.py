"""``python -m fastkmeans``: run the demo on embedded data."""
import sys

from ._demo import main

sys.exit(main())
