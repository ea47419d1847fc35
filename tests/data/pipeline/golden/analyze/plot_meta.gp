ne=16.8248
astar=0.108244
nunits=32
