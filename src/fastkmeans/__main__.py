"""``python -m fastkmeans``: run the demo on embedded data."""
import sys

from fastkmeans._demo import main

sys.exit(main())
