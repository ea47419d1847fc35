"""The PyTorch reference recipe with fresh trials, for comparing its seed spread with
`hdnet-train --recipe reference` (issue #3). Not part of the build or the tests.

Model, task (spec model-task-training 2.2, with its zero-AV stretches), loss (masked MSE
+ lambda_h mean(h^2) on the noisy rates, lambda_h x2/3 when E_h >= E_main/2), AdamW
(lr 1e-3, wd 0.01 on every parameter), clipping at 10, self-connections zeroed at init only.
Prints the NE of 1000 noise-free selection trials at the reference checkpoints.
Usage: /usr/bin/python3 bench/torch_reference.py SEED UPDATES   (one thread; ~0.5 s/update)
"""
import sys, math, numpy as np, torch
seed = int(sys.argv[1]); U = int(sys.argv[2])
torch.set_num_threads(1); torch.manual_seed(seed)
rng = np.random.RandomState(seed)
B, T, N, cue = 100, 500, 100, 10
def task(B, rng):
    th0 = 2*np.pi*rng.random_sample(B)
    av = np.zeros((B, T)); th = np.zeros((B, T))
    for i in range(B):
        st = None
        if i < B/2:
            s = rng.randint(round(T/3)+1); e = min(T, s + rng.randint(round(2*T/3)+1)); st = (s, e)
        th[i, :cue] = th0[i]; prev = 0.0
        for t in range(cue, T):
            if st and st[0]-1 <= t <= st[1]-1:
                a = 0.0
            else:
                a = 0.03*rng.standard_normal() + 0.8*prev
            av[i, t] = a; prev = a
            th[i, t] = np.mod(th[i, t-1] + a, 2*np.pi)
    x = np.zeros((B, T, 3)); x[:, :, 0] = av
    x[:, :cue, 1] = np.sin(th0)[:, None]; x[:, :cue, 2] = np.cos(th0)[:, None]
    y = np.stack([np.sin(th), np.cos(th)], -1); m = np.ones((B, T, 2)); m[:, :cue] = 0
    f = lambda a: torch.tensor(a, dtype=torch.float32)
    return f(x), f(y), f(m)
class Net(torch.nn.Module):
    def __init__(s):
        super().__init__()
        s.Wx = torch.nn.Parameter(torch.randn(N, 3)/math.sqrt(3))
        W = 1.5*torch.randn(N, N)/math.sqrt(N); W.fill_diagonal_(0); s.Wh = torch.nn.Parameter(W)
        s.b = torch.nn.Parameter(0.1 + 0.01*torch.randn(N))
        s.Wy = torch.nn.Parameter(torch.zeros(2, N)); s.a0 = torch.nn.Parameter(torch.zeros(N))
    def forward(s, x, noise):
        Bb = x.shape[0]; a = s.a0.expand(Bb, -1); h = torch.clamp(torch.tanh(a), min=0)
        xin = (x @ s.Wx.T + s.b).unbind(1); hs = []
        for t in range(T):
            a = a + 0.1*(-a + h @ s.Wh.T + xin[t])
            h = torch.clamp(torch.tanh(a), min=0)
            if noise: h = h + 0.1*torch.randn_like(a)
            hs.append(h)
        H = torch.stack(hs, 1); return H @ s.Wy.T, H
def ne(y, yt, m):
    tot = 0
    for k in range(2):
        sel = m[:, :, k] > 0; r = (y[:, :, k]-yt[:, :, k])[sel].double(); t = yt[:, :, k][sel].double()
        d = t.mean()-t; tot += (r@r/(d@d)).item()
    return tot/2
net = Net(); opt = torch.optim.AdamW(net.parameters(), lr=1e-3, weight_decay=0.01)
sel_rng = np.random.RandomState(seed + 1000); xs, ys, ms = task(1000, sel_rng)
lam = 0.01
ck = set(range(6)) | set(np.round(np.linspace(25, 150, 20)).astype(int)) | set(np.round(np.linspace(0, 5000, 20)).astype(int))
best = 9
for p in range(U + 1):
    if p in ck:
        with torch.no_grad(): e = ne(net(xs, False)[0], ys, ms)
        best = min(best, e); print(f"ckpt {p} ne {e:.4f} best {best:.4f}", flush=True)
    x, y, m = task(B, rng)
    yo, H = net(x, True)
    em = ((yo-y)**2*m).sum()/m.sum(); eh = lam*(H**2).mean(); loss = em + eh
    if eh.item() >= em.item()/2: lam *= 2/3
    if p == U: break
    opt.zero_grad(); loss.backward()
    torch.nn.utils.clip_grad_norm_(net.parameters(), 10); opt.step()
