ton=300
toff=500
toff1=400
ncomp=14
nsteps=700
