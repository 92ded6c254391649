"""numpy's and scipy's BLAS (OpenBLAS) on one thread while the analytics run.

Their matrix products are small (a few columns by up to a million customers)
and come one at a time: OpenBLAS's threads cost more to wake and to keep
spinning than they save. Measured on 100,000 customers (2 cores): a step of
L-BFGS-B took 2 ms with two threads and microseconds with one, and a first
segmentation run's engine 0.72 s against 0.48 s; the spinning threads also take
the core PostgreSQL reads on while the engine computes.
"""

from threadpoolctl import threadpool_limits


def one_thread():
    """A context manager: BLAS on one thread inside, as it was after."""
    return threadpool_limits(limits=1, user_api="blas")
