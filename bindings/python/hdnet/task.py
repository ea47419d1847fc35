"""hdnet.Task: the head-direction task generator."""
import collections
import ctypes

from . import _lib
from ._lib import api, c_size, c_u64, c_void_p, STATUS, P, c_float_p, c_double_p
from .config import Config

api.add("hdnet_task_create", STATUS, P(c_void_p), c_void_p, c_u64)
api.add("hdnet_task_free", None, c_void_p)
api.add("hdnet_task_steps", c_size, c_void_p)
api.add("hdnet_task_reseed", STATUS, c_void_p, c_u64)
api.add("hdnet_task_generate", STATUS, c_void_p, c_size, c_float_p, c_size, c_float_p, c_size,
        c_float_p, c_size, c_double_p, c_size, c_double_p, c_size)

Trials = collections.namedtuple("Trials", "inputs targets mask heading av")
Trials.__doc__ = """A batch of trials from Task.generate().

inputs  float32 [trials, steps, 3]: (angular velocity rad/step, sin th0, cos th0 during the cue)
targets float32 [trials, steps, 2]: (sin th, cos th)
mask    float32 [trials, steps, 2]: 1 after the cue, 0 during it
heading float64 [trials, steps]: true heading th in radians
av      float64 [trials, steps]: angular velocity in rad/step
"""


class Task(_lib.Handle):
    """Trial generator of the head-direction task (hdnet_task).

    Task(cfg=None, seed=1): the task parameters come from cfg (a Config, a dict
    of settings, or None for the defaults), copied at creation. With
    cfg["task_rng"] = "numpy" the trials equal the authors' PyTorch reference
    generator for the same seed. One thread at a time per task.
    """

    _free = api.hdnet_task_free

    def __init__(self, cfg=None, seed=1):
        cfg = as_config(cfg)
        h = c_void_p()
        api.hdnet_task_create(ctypes.byref(h), cfg, _lib.seed_value(seed))
        super().__init__(h)

    @property
    @_lib.reads
    def steps(self):
        """Steps per trial (the "steps" parameter)."""
        return int(api.hdnet_task_steps(self))

    @_lib.writes
    def reseed(self, seed):
        """Restart the stream from seed."""
        api.hdnet_task_reseed(self, _lib.seed_value(seed))

    @_lib.writes
    def generate(self, n_trials):
        """Generate n_trials trials; returns Trials(inputs, targets, mask, heading, av)."""
        n = _lib.count(n_trials, "n_trials", 1)
        T = self.steps
        x = _lib.out_f32((n, T, 3))
        y = _lib.out_f32((n, T, 2))
        m = _lib.out_f32((n, T, 2))
        th = _lib.out_f64((n, T))
        av = _lib.out_f64((n, T))
        api.hdnet_task_generate(self, n, *_lib.fptr(x), *_lib.fptr(y), *_lib.fptr(m),
                                *_lib.dptr(th), *_lib.dptr(av))
        return Trials(x, y, m, th, av)

    def __repr__(self):
        return "<hdnet.Task steps=%s>" % ("closed" if self.closed else self.steps)


def as_config(cfg):
    """None -> default Config; dict -> Config(**dict); Config passes through."""
    if cfg is None:
        return Config()
    if isinstance(cfg, Config):
        return cfg
    if hasattr(cfg, "items"):
        return Config(**dict(cfg))
    raise TypeError("cfg must be an hdnet.Config, a dict or None, got %s" % type(cfg).__name__)
