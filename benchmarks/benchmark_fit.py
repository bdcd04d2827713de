"""fastkmeans.fit against the NumPy reference, at equal work.

Equal work: the same initial centers, ``tol=0`` and a fixed ``max_iter`` so
that a change in speed is never a change in the number of iterations.
"""
import fastkmeans
from fastkmeans import _reference

from .common import MID, blobs

ITERATIONS = 10


class LloydFit:
    params = (["fastkmeans", "reference"], ["float32", "float64"])
    param_names = ["implementation", "dtype"]
    timeout = 300

    def setup(self, implementation, dtype):
        self.X, self.init = blobs(*MID, dtype)

    def time_fit(self, implementation, dtype):
        if implementation == "fastkmeans":
            fastkmeans.fit(self.X, MID[2], init=self.init, max_iter=ITERATIONS, tol=0.0)
        else:
            _reference.lloyd(self.X, self.init, max_iter=ITERATIONS, tol=0.0)
