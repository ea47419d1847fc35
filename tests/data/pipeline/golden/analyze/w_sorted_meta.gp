wmax=0.853974
nkept=30
b1=10
b2=15
