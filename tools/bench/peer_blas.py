"""Is the PyTorch peer's BLAS an optimised one? Debian's torch links the generic libblas.so.3, which is
the reference (Netlib) implementation unless an optimised one such as OpenBLAS is installed: the peer's
matrix products then run about ten times slower and every ratio printed against it flatters us. The peers
refuse to time such a torch rather than print figures that mislead.
"""
import os


def blas_problem(torch):
    """None when torch's products run on an optimised BLAS (or it cannot be told), else what is wrong."""
    torch.ones(8, 8) @ torch.ones(8, 8)   # a BLAS loaded lazily is in the maps after its first product
    try:
        with open("/proc/self/maps") as f:
            libs = {line.split()[-1] for line in f if ".so" in line}
    except OSError:
        return None   # not Linux: no way to see the loaded libraries
    # Judge the library that torch's libblas.so.3 resolved to, not whatever else is loaded: OpenBLAS's
    # LAPACK can sit beside a reference libblas, whose sgemm_ then wins.
    blas = sorted(p for p in libs if os.path.basename(p).startswith("libblas.so"))
    slow = [p for p in blas if not any(k in p.lower() for k in ("openblas", "mkl", "blis", "atlas"))]
    if slow:
        return ("torch runs its matrix products on the reference BLAS (" + slow[0] + "), about ten times "
                "slower than an optimised one; on Debian: apt-get install libopenblas0-pthread")
    return None
