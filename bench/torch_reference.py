"""The PyTorch reference recipe with fresh trials, for comparing `hdnet-train --recipe
reference` with PyTorch (issue #3). Not part of the build or the tests.

Model, task (docs/task.md, with its zero-AV stretches), loss (masked MSE
+ lambda_h mean(h^2) on the noisy rates, lambda_h x2/3 when E_h >= E_main/2), AdamW
(lr 1e-3, wd 0.01 on every parameter), clipping at 10, self-connections zeroed at init only.

  torch_reference.py SEED UPDATES
      trains in PyTorch; prints the NE of 1000 noise-free selection trials at the
      reference checkpoints, then the best checkpoint's NE on 1000 independent
      noise-free test trials (`test_ne`). One thread; 25-35 minutes per 5000 updates here.
  torch_reference.py --lockstep hdnet|torch-ulp SEED UPDATES
      runs PyTorch and a second run side by side on the same trials and the same noise and
      prints, per update, the relative differences of the loss terms, of the gradient norm
      and of the parameters. hdnet: libhdnet (Python binding: loss_and_grad with kink=half,
      clip_grad_norm, the AdamW Optimizer) from PyTorch's initial parameters; needs
      HDNET_LIBRARY or the in-tree build. torch-ulp: PyTorch again, with one recurrent
      weight moved by one float32 ulp.
"""
import sys, os, math, copy, numpy as np, torch

B, T, N, CUE = 100, 500, 100, 10


def task(n, rng):
    """n trials of the head-direction task from a NumPy RandomState (inputs, targets, mask)."""
    th0 = 2*np.pi*rng.random_sample(n)
    av = np.zeros((n, T)); th = np.zeros((n, T))
    for i in range(n):
        st = None
        if i < n/2:
            s = rng.randint(round(T/3)+1); e = min(T, s + rng.randint(round(2*T/3)+1)); st = (s, e)
        th[i, :CUE] = th0[i]; prev = 0.0
        for t in range(CUE, T):
            if st and st[0]-1 <= t <= st[1]-1:
                a = 0.0
            else:
                a = 0.03*rng.standard_normal() + 0.8*prev
            av[i, t] = a; prev = a
            th[i, t] = np.mod(th[i, t-1] + a, 2*np.pi)
    x = np.zeros((n, T, 3)); x[:, :, 0] = av
    x[:, :CUE, 1] = np.sin(th0)[:, None]; x[:, :CUE, 2] = np.cos(th0)[:, None]
    y = np.stack([np.sin(th), np.cos(th)], -1); m = np.ones((n, T, 2)); m[:, :CUE] = 0
    f = lambda a: torch.tensor(a, dtype=torch.float32)
    return f(x), f(y), f(m)


def retanh(a):
    # max(tanh a, 0) as the reference writes it: autograd splits the tie at a = 0 (slope 1/2)
    return torch.maximum(torch.tanh(a), torch.zeros_like(a))


class Net(torch.nn.Module):
    def __init__(s):
        super().__init__()
        s.Wx = torch.nn.Parameter(torch.randn(N, 3)/math.sqrt(3))
        W = 1.5*torch.randn(N, N)/math.sqrt(N); W.fill_diagonal_(0); s.Wh = torch.nn.Parameter(W)
        s.b = torch.nn.Parameter(0.1 + 0.01*torch.randn(N))
        s.Wy = torch.nn.Parameter(torch.zeros(2, N)); s.a0 = torch.nn.Parameter(torch.zeros(N))

    def forward(s, x, noise=None):
        """noise: None (noise-free) or the rate noise [trials][T][N], added after f."""
        a = s.a0.expand(x.shape[0], -1); h = retanh(a)
        xin = (x @ s.Wx.T + s.b).unbind(1); hs = []
        for t in range(T):
            a = a + 0.1*(-a + h @ s.Wh.T + xin[t])
            h = retanh(a)
            if noise is not None: h = h + noise[:, t]
            hs.append(h)
        H = torch.stack(hs, 1); return H @ s.Wy.T, H


def ne(y, yt, m):
    tot = 0
    for k in range(2):
        sel = m[:, :, k] > 0; r = (y[:, :, k]-yt[:, :, k])[sel].double(); t = yt[:, :, k][sel].double()
        d = t.mean()-t; tot += (r@r/(d@d)).item()
    return tot/2


def blocks(net):
    """The parameters under libhdnet's block names."""
    return {"W_in": net.Wx, "b_rec": net.b, "W_rec": net.Wh, "W_out": net.Wy, "ah0": net.a0}


def losses(net, x, y, m, noise, lam):
    yo, H = net(x, noise)
    em = ((yo-y)**2*m).sum()/m.sum(); eh = lam*(H**2).mean()
    return em, eh


class TorchStepper:
    """One PyTorch training run: AdamW, clipping, the lambda_h rule."""

    def __init__(self, net):
        self.net, self.lam = net, 0.01
        self.opt = torch.optim.AdamW(net.parameters(), lr=1e-3, weight_decay=0.01)

    def step(self, x, y, m, z):
        em, eh = losses(self.net, x, y, m, z, self.lam)
        if eh.item() >= em.item()/2: self.lam *= 2/3
        self.opt.zero_grad(); (em + eh).backward()
        gn = torch.nn.utils.clip_grad_norm_(self.net.parameters(), 10).item(); self.opt.step()
        return em.item(), eh.item(), gn

    def params(self):
        return blocks(self.net)


def train(seed, U):
    torch.set_num_threads(1); torch.manual_seed(seed)
    rng = np.random.RandomState(seed)
    net = Net(); run = TorchStepper(net)
    xs, ys, ms = task(1000, np.random.RandomState(seed + 1000))
    ck = set(range(6)) | set(np.round(np.linspace(25, 150, 20)).astype(int)) | \
        set(np.round(np.linspace(0, U, 20)).astype(int))
    best = math.inf
    for p in range(U + 1):
        if p in ck:
            with torch.no_grad(): e = ne(net(xs)[0], ys, ms)
            if e < best: best = e; best_state = copy.deepcopy(net.state_dict())
            print(f"ckpt {p} ne {e:.4f} best {best:.4f}", flush=True)
        if p == U: break
        x, y, m = task(B, rng)
        run.step(x, y, m, 0.1*torch.randn(B, T, N))
    net.load_state_dict(best_state)
    xt, yt, mt = task(1000, np.random.RandomState(seed + 2000))
    with torch.no_grad(): print(f"test_ne {ne(net(xt)[0], yt, mt):.4f}", flush=True)


class HdnetStepper:
    """The same run in libhdnet: loss_and_grad with the caller's noise, clip_grad_norm,
    the AdamW Optimizer handle."""

    def __init__(self, net):
        import hdnet
        self.hd, self.lam = hdnet, 0.01
        cfg = hdnet.Config.from_recipe("reference", kink="half")
        self.net = hdnet.Net(cfg, rng=1)
        self.names = list(blocks(net))
        for name, p in blocks(net).items():
            self.net.set_block(name, p.detach().numpy())
        self.opt = hdnet.Optimizer(cfg, self.net)

    def step(self, x, y, m, z):
        terms, grads = self.net.loss_and_grad(x.numpy(), y.numpy(), m.numpy(), noise=z.numpy(),
                                              rate_l2=self.lam)
        if terms["rate"] >= terms["main"]/2: self.lam *= 2/3
        flat = np.zeros(self.net.num_params, np.float32)
        for name, g in grads.items():
            flat[self.net.block_offset(name):self.net.block_offset(name) + g.size] = g.ravel()
        gn, _ = self.hd.clip_grad_norm(self.net, flat, 10)
        self.opt.step(self.net, flat)
        return terms["main"], terms["rate"], gn

    def params(self):
        return {name: self.net.get_block(name) for name in self.names}


def lockstep(seed, U, other):
    """Trains PyTorch and `other` side by side on the same trials and noise and prints how
    far apart they are after each update. other = "hdnet" (libhdnet from PyTorch's initial
    parameters) or "torch-ulp" (PyTorch again, one W_rec entry moved by one float32 ulp:
    how fast rounding differences alone grow)."""
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "bindings", "python"))
    torch.set_num_threads(1); torch.manual_seed(seed)
    rng = np.random.RandomState(seed)
    net = Net()
    if other == "hdnet":
        b = HdnetStepper(net)
    else:
        twin = copy.deepcopy(net)
        with torch.no_grad():
            w = twin.Wh[0, 1:2]; w.copy_(torch.nextafter(w, w + 1))
        b = TorchStepper(twin)
    a = TorchStepper(net)
    rel = lambda u, v: abs(u - v) / max(abs(v), 1e-30)
    arr = lambda p: p.detach().numpy() if isinstance(p, torch.Tensor) else p
    print("update rel_main rel_rate rel_gradnorm max_rel_param")
    for p in range(U):
        x, y, m = task(B, rng)
        z = 0.1*torch.randn(B, T, N)
        ra, rb = a.step(x, y, m, z), b.step(x, y, m, z)
        pa, pb = a.params(), b.params()
        dp = max(np.abs(arr(pb[k]) - arr(pa[k])).max() / np.abs(arr(pa[k])).max() for k in pa)
        print(f"{p + 1} " + " ".join(f"{rel(u, v):.2e}" for u, v in zip(rb, ra)) + f" {dp:.2e}",
              flush=True)


if __name__ == "__main__":
    args = sys.argv[1:]
    if len(args) == 4 and args[0] == "--lockstep" and args[1] in ("hdnet", "torch-ulp"):
        lockstep(int(args[2]), int(args[3]), args[1])
    elif len(args) == 2 and not args[0].startswith("-"):
        train(int(args[0]), int(args[1]))
    else:
        sys.exit(__doc__)
