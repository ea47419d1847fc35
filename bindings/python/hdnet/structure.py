"""Ring structure of a recurrent matrix (structure.h): the fraction of the weights'
variance explained by (presynaptic class, postsynaptic class, relative preferred
heading in 20-degree bins) cell means, cross-validated over pairs, and the
correlation with the initial matrix.
"""
import numpy as np

from . import _lib
from ._lib import api, c_int, c_size, c_u64, STATUS, P, c_float_p, c_double_p

api.add("hdnet_structure", STATUS, c_float_p, c_float_p, c_size, P(c_int), c_double_p, c_size, c_u64,
        c_double_p, c_size)

BIN_DEG = 20
# Entries of hdnet_structure (HDNET_ST_*), in index order.
FIELDS = ("n_pairs", "n_units", "fraction_cv", "fraction_fit", "sd", "corr_init", "sd_init",
          "fraction_delta")


def structure(w_rec, classes, phi, w_init=None, folds=10, seed=1):
    """Structure of w_rec [N, N] ([post, pre]) over the compass and shifter units of
    classes [N] (HDNET_CLASS_* ints) with preferred headings phi [N] (degrees):
    a dict with the FIELDS (corr_init, sd_init and fraction_delta are NaN without w_init)."""
    w = _lib.as_f32(w_rec, (None, None), "w_rec")
    n = w.shape[0]
    if w.shape != (n, n):
        raise ValueError("w_rec: expected a square matrix, got %s" % (w.shape,))
    w0 = None if w_init is None else _lib.as_f32(w_init, (n, n), "w_init")
    c = np.asarray(classes)
    if c.size and c.dtype.kind not in "iu":
        raise TypeError("classes: expected integers, got dtype %s" % c.dtype)
    c = np.ascontiguousarray(c.ravel(), dtype=np.intc)
    if c.size != n:
        raise ValueError("classes: expected %d entries, got %d" % (n, c.size))
    p = _lib.as_f64(phi, (n,), "phi")
    out = _lib.out_f64(len(FIELDS))
    api.hdnet_structure(_lib.fptr(w)[0], _lib.fptr(w0)[0], n, c.ctypes.data_as(P(c_int)), _lib.dptr(p)[0],
                        _lib.count(folds, "folds"), _lib.seed_value(seed), *_lib.dptr(out))
    r = dict(zip(FIELDS, out.tolist()))
    r["n_pairs"] = int(r["n_pairs"])
    r["n_units"] = int(r["n_units"])
    return r
