#!/usr/bin/python3
"""Exact expectations of the post-cue angular-velocity statistics of the
default task (T=500, cue=10, m=0.8, angular_sd=0.03, stretches in half of the
trials with s ~ U{0..167}, e = min(T, s + U{0..333}), zero av on steps
s-1..e-1), used by tests/test_task.c (statistics). Enumerates every (s, e)
and propagates the AR(1) variance, which restarts from 0 after the cue and
after a stretch; mean |av| = sqrt(2/pi) * SD at each step (Gaussian).
Run: /usr/bin/python3 tests/data/task_theory.py   (about 10 s)
"""
import numpy as np
T,cue,m,sd=500,10,0.8,0.03
R1,R2=167,333
# per post-cue step variance given restart index
def trial_stats(zero):  # zero: bool array len T
    var=np.zeros(T); v=0.0
    for t in range(cue,T):
        if zero[t]: v=0.0; var[t]=0
        else: v=sd*sd+m*m*v; var[t]=v
    return var
z_tot=0; sq=0; ab=0; n=0
# no-stretch trial
var=trial_stats(np.zeros(T,bool))
base=(var[cue:].sum(), np.sqrt(var[cue:]).sum(), 0)
acc=np.zeros(3)
for s in range(R1+1):
    for d in range(R2+1):
        e=min(T,s+d)
        zero=np.zeros(T,bool); zero[max(0,s-1):e]=True
        zero[:cue]=False
        # fast var recursion
        var=trial_stats(zero)
        acc+= (zero[cue:].sum(), var[cue:].sum(), np.sqrt(var[cue:]).sum())
acc/= (R1+1)*(R2+1)
P=T-cue
zf=acc[0]/P/2
ms=(acc[1]+base[0])/P/2
mab=(acc[2]+base[1])/P/2
c=180/np.pi
print("zero frac post-cue",zf," all steps",acc[0]/T/2)
print("SD deg",np.sqrt(ms)*c, "mean|av| deg", np.sqrt(2/np.pi)*mab*c)
