"""hdnet: Python binding of libhdnet (ctypes over libhdnet.so, NumPy arrays in and out).

libhdnet trains continuous-time recurrent networks to track head direction by
integrating angular velocity, and analyses them (Cueva, Wang, Chin & Wei, ICLR 2020).

The shared library is found through the HDNET_LIBRARY environment variable (a
path), then the in-tree build (lib/libhdnet.so of the source tree holding this
package), then the system loader. Its version is checked at import.

Every failing C call raises :class:`HdnetError` with ``.status`` (the HDNET_E*
code), ``.strerror`` and ``.errmsg``. Arguments are checked in Python first
(TypeError / ValueError / KeyError). Arrays are float32, C order; inputs of another
dtype or layout are converted (one copy), C-contiguous float32 inputs are passed
without copying.

Quick start::

    import hdnet
    cfg = hdnet.Config(units=50, steps=100)
    task = hdnet.Task(cfg, seed=1)
    net = hdnet.Net(cfg, rng=1)
    trials = task.generate(10)
    y = net.forward(trials.inputs).outputs
    print(hdnet.normalized_error(y, trials.targets, trials.mask))
"""
from ._lib import (HdnetError, OK, EINVAL, ENOMEM, ERANGE, ESHAPE, ESTATE, EIO, EFORMAT, ENOTSUP,
                   EDIVERGED, ECANCELED, API_VERSION, has)
from ._lib import path as library_path
from ._lib import version_number, version_string, escape_text
from .config import Config, ParamInfo, param_info, param_names
from .rng import Rng, RNG_LIBRARY, RNG_NUMPY
from .task import Task, Trials
from .net import Net, Perturbations, Forward, Run, normalized_error, hold_error, BLOCKS, LOSS_TERMS
from .io import Npz, save_npz, load_npz, save_npy, load_npy, remove_stale_temps, memory_available
from .train import (Trainer, Optimizer, Progress, train, evaluate, checkpoint_schedule, clip_grad_norm,
                    stream_rng, stream_seed, STREAMS)
from . import analysis
from .analysis import AnalysisParams, Tuning, Classification, Profile, CLASSES
from . import attractor
from . import trust
from . import structure
from . import claims as _claims_module
from .claims import Study, Claims, Claim, claims, analysis_config, ANALYSIS_SEED
from . import lesion
from .lesion import Lesion, lesion_nulls, lesion_units

__version__ = "%d.%d.%d" % API_VERSION


def strerror(status):
    """Static description of a status code (hdnet_strerror)."""
    from ._lib import lib, _decode
    return _decode(lib.hdnet_strerror(int(status)))


__all__ = [
    "HdnetError", "OK", "EINVAL", "ENOMEM", "ERANGE", "ESHAPE", "ESTATE", "EIO", "EFORMAT", "ENOTSUP",
    "EDIVERGED", "ECANCELED", "has", "library_path", "version_number", "version_string", "strerror",
    "Config", "ParamInfo", "param_info", "param_names", "Rng", "RNG_LIBRARY", "RNG_NUMPY",
    "Task", "Trials", "Net", "Perturbations", "Forward", "Run", "normalized_error", "hold_error", "BLOCKS",
    "LOSS_TERMS", "Npz", "save_npz", "load_npz", "save_npy", "load_npy", "remove_stale_temps", "memory_available", "escape_text",
    "Trainer", "Optimizer", "Progress", "train", "evaluate", "checkpoint_schedule", "clip_grad_norm",
    "stream_rng", "stream_seed", "STREAMS", "analysis", "AnalysisParams", "Tuning", "Classification", "Profile", "CLASSES",
    "attractor",
    "trust",
    "structure",
    "Study", "Claims", "Claim", "claims", "analysis_config", "ANALYSIS_SEED",
    "lesion", "Lesion", "lesion_nulls", "lesion_units",
]
