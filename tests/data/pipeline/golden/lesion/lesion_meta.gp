ton=300
toff=500
toff1=400
ncomp=17
nsteps=700
