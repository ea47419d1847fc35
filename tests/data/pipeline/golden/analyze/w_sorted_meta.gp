wmax=0.844602
nkept=21
b1=13
b2=15
