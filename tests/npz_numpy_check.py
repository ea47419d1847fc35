#!/usr/bin/python3
"""Cross-check libhdnet's .npy/.npz files against NumPy, both ways.

    /usr/bin/python3 tests/npz_numpy_check.py [path/to/libhdnet.so]

Not part of the C test suite (which must not need Python): run it separately,
e.g. in CI after `make lib`. It drives the library through ctypes:
 1. arrays written by hdnet_npy_save / hdnet_npz_save are read by numpy.load
    with the right dtype, shape and values;
 2. a model written by hdnet_net_save is read by numpy.load as it is (every
    member; the texts config, library_version and layout as NumPy strings that
    come back as str), with and without a per-unit tau vector;
 3. archives written by numpy.savez are read by hdnet_npz_load, and a model
    re-saved by numpy.savez from the arrays NumPy read loads with hdnet_net_load
    and gives back the same parameters bit for bit, also with its texts stored
    the old way (uint8 arrays of UTF-8 bytes).
Exit status 0 when every check passes.
"""
import ctypes as C
import os
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
LIB = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, '..', 'lib', 'libhdnet.so')
lib = C.CDLL(LIB)

F32, F64, I64, I32, U8 = 0, 1, 2, 3, 4
NP = {F32: np.float32, F64: np.float64, I64: np.int64, I32: np.int32, U8: np.uint8}
BLOCKS = ['W_in', 'b_rec', 'W_rec', 'W_out', 'b_out', 'ah0']

vp, sz = C.c_void_p, C.c_size_t
lib.hdnet_errmsg.restype = C.c_char_p
lib.hdnet_strerror.restype = C.c_char_p
lib.hdnet_npz_create.argtypes = [C.POINTER(vp)]
lib.hdnet_npz_free.argtypes = [vp]
lib.hdnet_npz_add.argtypes = [vp, C.c_char_p, C.c_int, vp, C.POINTER(sz), sz]
lib.hdnet_npz_save.argtypes = [vp, C.c_char_p]
lib.hdnet_npz_load.argtypes = [C.POINTER(vp), C.c_char_p]
lib.hdnet_npz_count.argtypes = [vp]
lib.hdnet_npz_count.restype = sz
lib.hdnet_npz_name.argtypes = [vp, sz, C.POINTER(C.c_char_p)]
lib.hdnet_npz_info.argtypes = [vp, C.c_char_p, C.POINTER(C.c_int), C.POINTER(sz), sz, C.POINTER(sz)]
lib.hdnet_npz_read.argtypes = [vp, C.c_char_p, C.c_int, vp, sz]
lib.hdnet_npy_save.argtypes = [C.c_char_p, C.c_int, vp, C.POINTER(sz), sz]

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print('FAIL', what)


def ok(rc, what):
    if rc != 0:
        raise RuntimeError('%s: %s (%s)' % (what, lib.hdnet_strerror(rc).decode(),
                                            lib.hdnet_errmsg().decode()))


def shape_arg(a):
    return (sz * max(a.ndim, 1))(*a.shape), a.ndim


def npz_from_arrays(arrays):
    z = vp()
    ok(lib.hdnet_npz_create(C.byref(z)), 'npz_create')
    for name, (dtype, a) in arrays.items():
        a = np.require(a, dtype=NP[dtype], requirements='C')
        shp, nd = shape_arg(a)
        ok(lib.hdnet_npz_add(z, name.encode(), dtype, a.ctypes.data, shp, nd), 'add ' + name)
    return z


def npz_to_dict(z):
    out = {}
    for i in range(lib.hdnet_npz_count(z)):
        name = C.c_char_p()
        ok(lib.hdnet_npz_name(z, i, C.byref(name)), 'name')
        dt, nd = C.c_int(), sz()
        shp = (sz * 8)()
        ok(lib.hdnet_npz_info(z, name.value, C.byref(dt), shp, 8, C.byref(nd)), 'info')
        shape = tuple(shp[k] for k in range(nd.value))
        a = np.empty(shape, dtype=NP[dt.value])
        ok(lib.hdnet_npz_read(z, name.value, dt.value, a.ctypes.data, a.size), 'read')
        out[name.value.decode()] = a
    return out


def same(a, b):
    return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()


def check_arrays(tmp):
    rng = np.random.default_rng(5)
    arrays = {
        'f4': (F32, rng.standard_normal((3, 4)).astype(np.float32)),
        'f8': (F64, np.array(np.pi)),
        'i8': (I64, np.arange(-12, 12, dtype=np.int64).reshape(2, 3, 4)),
        'i4': (I32, np.array([np.iinfo(np.int32).min, -1, 0, 7], dtype=np.int32)),
        'u1': (U8, np.frombuffer(b'tau=10\n', dtype=np.uint8)),
        'empty': (F32, np.zeros((0, 5), dtype=np.float32)),
        'special': (F32, np.array([np.inf, -np.inf, -0.0, 1e-45], dtype=np.float32)),
    }
    z = npz_from_arrays(arrays)
    path = os.path.join(tmp, 'ours.npz')
    ok(lib.hdnet_npz_save(z, path.encode()), 'npz_save')
    lib.hdnet_npz_free(z)
    with np.load(path) as f:
        check(sorted(f.files) == sorted(arrays), 'numpy sees the members of our .npz')
        for name, (dtype, a) in arrays.items():
            check(same(f[name], a), 'numpy reads %s of our .npz' % name)
    # single .npy
    a = arrays['i8'][1]
    shp, nd = shape_arg(a)
    p = os.path.join(tmp, 'ours.npy')
    ok(lib.hdnet_npy_save(p.encode(), I64, a.ctypes.data, shp, nd), 'npy_save')
    check(same(np.load(p), a), 'numpy reads our .npy')
    # and NumPy's archive through the library
    p = os.path.join(tmp, 'numpy.npz')
    np.savez(p, **{k: v for k, (_, v) in arrays.items()})
    z = vp()
    ok(lib.hdnet_npz_load(C.byref(z), p.encode()), 'npz_load numpy.savez')
    back = npz_to_dict(z)
    lib.hdnet_npz_free(z)
    for name, (dtype, a) in arrays.items():
        check(name in back and same(back[name], a), 'library reads %s of numpy.savez' % name)
    print('arrays: %d members checked both ways' % len(arrays))


def check_model(tmp, tau_vector):
    if not hasattr(lib, 'hdnet_net_save'):
        print('model: library has no hdnet_net_save, skipped')
        return
    cfg, rng, net = vp(), vp(), vp()
    lib.hdnet_config_create.argtypes = [C.POINTER(vp)]
    lib.hdnet_config_set.argtypes = [vp, C.c_char_p, C.c_char_p]
    lib.hdnet_config_set_tau_vector.argtypes = [vp, C.POINTER(C.c_double), sz]
    lib.hdnet_config_free.argtypes = [vp]
    lib.hdnet_rng_create.argtypes = [C.POINTER(vp), C.c_int, C.c_uint64]
    lib.hdnet_rng_free.argtypes = [vp]
    lib.hdnet_net_create.argtypes = [C.POINTER(vp), vp, vp]
    lib.hdnet_net_free.argtypes = [vp]
    lib.hdnet_net_save.argtypes = [vp, C.c_char_p]
    lib.hdnet_net_load.argtypes = [C.POINTER(vp), C.c_char_p]
    lib.hdnet_net_dims.argtypes = [vp, C.POINTER(sz), C.POINTER(sz), C.POINTER(sz)]
    lib.hdnet_net_copy_block.argtypes = [vp, C.c_int, vp, sz]
    lib.hdnet_net_block_info.argtypes = [vp, C.c_int, C.POINTER(sz), C.POINTER(sz), C.POINTER(sz)]
    ok(lib.hdnet_config_create(C.byref(cfg)), 'config_create')
    N = 12
    ok(lib.hdnet_config_set(cfg, b'units', str(N).encode()), 'units')
    tau = None
    if tau_vector:
        tau = np.linspace(5, 20, N)
        ok(lib.hdnet_config_set_tau_vector(cfg, tau.ctypes.data_as(C.POINTER(C.c_double)), N), 'tau')
    ok(lib.hdnet_rng_create(C.byref(rng), 0, 7), 'rng')
    ok(lib.hdnet_net_create(C.byref(net), cfg, rng), 'net_create')

    def blocks(n):
        out = {}
        for b, name in enumerate(BLOCKS):
            r, c = sz(), sz()
            ok(lib.hdnet_net_block_info(n, b, C.byref(r), C.byref(c), None), 'block_info')
            a = np.empty(r.value * c.value, dtype=np.float32)
            ok(lib.hdnet_net_copy_block(n, b, a.ctypes.data, a.size), 'copy_block')
            out[name] = a
        return out

    mine = blocks(net)
    Ni, Ii, Oi = sz(), sz(), sz()
    ok(lib.hdnet_net_dims(net, C.byref(Ni), C.byref(Ii), C.byref(Oi)), 'dims')
    n, i, o = Ni.value, Ii.value, Oi.value
    path = os.path.join(tmp, 'model%s.npz' % ('_tau' if tau_vector else ''))
    ok(lib.hdnet_net_save(net, path.encode()), 'net_save')
    shapes = {'W_in': (n, i), 'b_rec': (n,), 'W_rec': (n, n), 'W_out': (o, n), 'b_out': (o,),
              'ah0': (n,)}
    with np.load(path) as f:
        want = set(BLOCKS) | {'config', 'format_version', 'library_version', 'layout'}
        if tau_vector:
            want.add('tau')
        check(set(f.files) == want, 'model members %s' % sorted(f.files))
        for name in BLOCKS:
            a = f[name]
            check(a.dtype == np.float32 and a.shape == shapes[name], 'model %s dtype/shape' % name)
            check(a.tobytes() == mine[name].tobytes(), 'model %s values' % name)
        for name in ('config', 'library_version', 'layout'):
            check(f[name].dtype.kind == 'U' and f[name].shape == () and isinstance(f[name][()], str),
                  '%s is a NumPy string (%s %s)' % (name, f[name].dtype, f[name].shape))
        text = str(f['config'])
        check(('units=%d\n' % N) in text, 'config text readable in Python')
        check(f['format_version'].shape == () and int(f['format_version']) == 1, 'format_version')
        check(len(str(f['library_version'])) > 0, 'library_version text')
        if tau_vector:
            check(f['tau'].dtype == np.float64 and np.array_equal(f['tau'], tau), 'tau vector')
        arrays = {k: f[k] for k in f.files}
    # re-saved by NumPy, loaded by the library
    p2 = os.path.join(tmp, 'model_resaved.npz')
    np.savez(p2, **arrays)
    net2 = vp()
    ok(lib.hdnet_net_load(C.byref(net2), p2.encode()), 'net_load of numpy.savez model')
    back = blocks(net2)
    for name in BLOCKS:
        check(back[name].tobytes() == mine[name].tobytes(), 'numpy-resaved %s bit-exact' % name)
    lib.hdnet_net_free(net2)
    # the old encoding of the texts (uint8 arrays) still loads
    old = dict(arrays)
    for name in ('config', 'library_version', 'layout'):
        old[name] = np.frombuffer(str(arrays[name]).encode(), dtype=np.uint8)
    p3 = os.path.join(tmp, 'model_uint8_texts.npz')
    np.savez(p3, **old)
    net3 = vp()
    ok(lib.hdnet_net_load(C.byref(net3), p3.encode()), 'net_load of a model with uint8 texts')
    back = blocks(net3)
    for name in BLOCKS:
        check(back[name].tobytes() == mine[name].tobytes(), 'uint8-text model %s bit-exact' % name)
    lib.hdnet_net_free(net3)
    lib.hdnet_net_free(net)
    lib.hdnet_rng_free(rng)
    lib.hdnet_config_free(cfg)
    print('model%s: members, dtypes, shapes, values and config text checked both ways'
          % (' with tau vector' if tau_vector else ''))


def main():
    print('numpy', np.__version__, 'library', LIB)
    with tempfile.TemporaryDirectory() as tmp:
        check_arrays(tmp)
        check_model(tmp, False)
        check_model(tmp, True)
    if failures:
        print('%d check(s) failed' % len(failures))
        return 1
    print('all checks passed')
    return 0


if __name__ == '__main__':
    sys.exit(main())
