# Fig 9a: joint maps of the untrained network, in the trained network's unit order.
if (!exists("dir")) dir = "."
f(n) = dir."/".n
load f("plot_meta.gp")
# NaN values are undefined points: gaps in lines, undrawn map cells
do for [ext in "png svg"] {
  if (ext eq "png") { set terminal pngcairo size 1200,800 font ",10" } else { set terminal svg size 1200,800 font ",10" }
  set output f("fig9_maps_untrained.".ext)
  set palette rgbformulae 33,13,10; unset colorbox
  set multiplot layout 10,10 title "Joint HD x AV tuning, untrained (row-normalised; trained network's order)" margins 0.02,0.98,0.02,0.95 spacing 0.005
  unset xtics; unset ytics; unset key
  do for [u=0:nunits-1] { plot f("maps_grid_untrained.dat") index u matrix w image }
  unset multiplot
}
