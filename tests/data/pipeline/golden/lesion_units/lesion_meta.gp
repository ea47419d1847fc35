ton=300
toff=500
toff1=400
ncomp=13
nsteps=700
