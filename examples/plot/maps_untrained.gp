# Fig 9a: joint maps of the untrained network, in the trained network's unit order.
if (!exists("dir")) dir = "."
f(n) = dir."/".n
# this script's directory, for style.gp
sdir = "."
do for [i = strlen(ARG0):1:-1] { if (sdir eq "." && ARG0[i:i] eq "/") { sdir = ARG0[1:i-1] } }
load sdir."/style.gp"
load f("plot_meta.gp")
load f("maps_meta.gp")
do for [ext in formats] {
  eval terminal(ext, 1200, 900)
  set output f("fig9_maps_untrained.".ext)
  map_title = "Joint heading x angular-velocity tuning, untrained network (trained network's order)"
  map_file = f("maps_grid_untrained.dat")
  load sdir."/maps.gp"
}
