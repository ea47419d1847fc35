# Figures of hdnet-lesion (rate mode, trial 0). Usage: gnuplot -e "dir='OUT'" lesion.gp
if (!exists("dir")) dir = "."
f(n) = dir."/".n
load f("lesion_meta.gp")
array ex[4] = ["E1", "E2", "E2m", "E3"]
array tt[4] = ["E1: compass units silenced", "E2: CW shifters silenced (omega = 0)", \
               "E2m: CCW shifters silenced (omega = 0)", "E3: both shifter groups silenced (omega = +1 deg/step)"]
do for [ext in "png svg"] {
  if (ext eq "png") { set terminal pngcairo size 1300,900 font ",10" } else { set terminal svg size 1300,900 font ",10" }
  set output f("fig4_lesion.".ext)
  set multiplot layout 3,4 title "Perturbations (window shaded; shadow rates of compass units sorted by phi)"
  # row 1: heat maps
  do for [k=1:4] {
    set title tt[k] font ",9"
    t1 = (k == 1 ? toff1 : toff)
    set object 1 rect from ton, graph 0 to t1, graph 1 fs empty border lc rgb "white" front
    set xlabel "step"; set ylabel "compass unit (by phi)"; unset colorbox
    set palette rgbformulae 33,13,10
    set xrange [-0.5:nsteps-0.5]; set yrange [-0.5:ncomp-0.5]
    plot f("lesion_".ex[k]."_heat.dat") matrix w image notitle
    set autoscale x; set autoscale y
    unset object 1
  }
  # row 2: headings
  do for [k=1:4] {
    unset title
    t1 = (k == 1 ? toff1 : toff)
    set object 2 rect from ton, graph 0 to t1, graph 1 fs solid 0.15 fc rgb "grey" behind
    set ylabel "heading (deg, unwrapped)"; set key top left font ",8"; set xrange [0:nsteps]
    plot f("lesion_".ex[k].".dat") u 1:2 w l lw 2 lc rgb "black" t "true", "" u 1:3 w l lc rgb "red" t "decoded", \
         "" u 1:4 w l lc rgb "blue" t "bump {/Symbol y}", "" u 1:7 w l dt 2 lc rgb "blue" t "control {/Symbol y}"
    unset object 2
  }
  # row 3: bump amplitude
  do for [k=1:4] {
    t1 = (k == 1 ? toff1 : toff)
    set object 3 rect from ton, graph 0 to t1, graph 1 fs solid 0.15 fc rgb "grey" behind
    set ylabel "bump amplitude B"
    plot f("lesion_".ex[k].".dat") u 1:5 w l lc rgb "blue" t "lesioned", "" u 1:6 w l dt 2 lc rgb "black" t "control"
    unset object 3
  }
  unset multiplot
}
