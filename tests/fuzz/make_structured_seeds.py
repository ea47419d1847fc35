#!/usr/bin/python3
"""Turn model files of the seed corpus into "HDFZ" structured inputs for
fuzz_npz.c (see its header): repeated [name length][name][u16 length][.npy]."""
import io
import os
import sys

import numpy as np

here = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'corpus')
for src in ['model_n3.npz', 'model_n3_tau.npz', 'ckpt_n3.npz']:
    out = bytearray(b'HDFZ')
    with np.load(os.path.join(here, src)) as z:
        for name in z.files:
            buf = io.BytesIO()
            np.save(buf, z[name])
            b = buf.getvalue()
            if len(b) > 0xffff:
                sys.exit('member too large for the structured format')
            out += bytes([len(name)]) + name.encode() + len(b).to_bytes(2, 'little') + b
    with open(os.path.join(here, 'structured_' + src.replace('.npz', '.bin')), 'wb') as f:
        f.write(out)
