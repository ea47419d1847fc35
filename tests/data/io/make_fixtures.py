#!/usr/bin/python3
"""Write the NumPy-made fixtures of tests/test_io.c (proof that libhdnet reads
what NumPy writes). Run from anywhere: /usr/bin/python3 make_fixtures.py.
Values follow formulas that tests/test_io.c recomputes:
  f4_2x3.npy     float32 [2][3], element k = 0.25*k - 1
  f8_scalar.npy  float64 0-d, pi
  i8_2x3x4.npy   int64 [2][3][4], element k = 7*k - 50
  f8_be.npy      big-endian float64 [5], element k = k/8 + 0.5
  i4_empty.npy   int32 [0][3]
  u1_text.npy    uint8 [n], the bytes of "tau=10\\n"
  fortran.npy    float32 [2][3] in Fortran order (rejected: HDNET_ENOTSUP)
  c8.npy         complex64 [2] (rejected: HDNET_ENOTSUP)
  mixed.npz      numpy.savez of a=f4_2x3, b=f8_scalar, c=i8_2x3x4, d=u1_text, e=int32 [4] (k - 2)
  compressed.npz numpy.savez_compressed of a=f4_2x3 (rejected: HDNET_ENOTSUP)
"""
import os
import numpy as np

here = os.path.dirname(os.path.abspath(__file__))


def path(name):
    return os.path.join(here, name)


f4 = (0.25 * np.arange(6) - 1).astype('<f4').reshape(2, 3)
f8 = np.array(np.pi, dtype='<f8')
i8 = (7 * np.arange(24) - 50).astype('<i8').reshape(2, 3, 4)
be = (np.arange(5) / 8 + 0.5).astype('>f8')
empty = np.zeros((0, 3), dtype='<i4')
text = np.frombuffer(b"tau=10\n", dtype=np.uint8)
i4 = (np.arange(4) - 2).astype('<i4')

np.save(path('f4_2x3.npy'), f4)
np.save(path('f8_scalar.npy'), f8)
np.save(path('i8_2x3x4.npy'), i8)
np.save(path('f8_be.npy'), be)
np.save(path('i4_empty.npy'), empty)
np.save(path('u1_text.npy'), text)
np.save(path('fortran.npy'), np.asfortranarray(f4))
np.save(path('c8.npy'), np.array([1 + 2j, 3 - 4j], dtype='<c8'))
np.savez(path('mixed.npz'), a=f4, b=f8, c=i8, d=text, e=i4)
np.savez_compressed(path('compressed.npz'), a=f4)
