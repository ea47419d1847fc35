# Figures of hdnet-analyze. Usage: gnuplot -e "dir='OUT'" analyze.gp
# Writes OUT/fig1_task, fig2_tuning, fig2_av, fig2_scatter, fig2_tiling, fig3_wsorted,
# fig3_profiles, fig9_maps (each .png and .svg).
if (!exists("dir")) dir = "."
f(n) = dir."/".n
load f("plot_meta.gp")
# NaN values are undefined points: gaps in lines, undrawn map cells
set datafile separator whitespace
# class colours: compass, CCW, CW, weak, inactive
array col[5] = ["#1b9e77", "#d95f02", "#7570b3", "#999999", "#dddddd"]
array cname[5] = ["compass", "CCW shifter", "CW shifter", "weak", "inactive"]

do for [ext in "png svg"] {
  if (ext eq "png") { set terminal pngcairo size 1200,800 font ",10" } else { set terminal svg size 1200,800 font ",10" }

  # ---- Fig 1: task and performance ----
  set output f("fig1_task.".ext)
  set multiplot layout (exists("ckfile") ? 3 : 2),1 title sprintf("Test trial (NE %.3f%%)", ne)
  set ylabel "heading (deg)"; set xlabel "step"; set yrange [0:360]; set xrange [0:*]; set key outside right
  plot f("test_trace.dat") index 0 u 1:2 w l lw 2 lc rgb "black" t "true {/Symbol q}", \
       "" index 0 u 1:3 w l lw 1 lc rgb "red" t "decoded"
  set ylabel "AV (deg/step)"; set autoscale y
  plot f("test_trace.dat") index 0 u 1:7 w l lc rgb "#444444" t "{/Symbol w}"
  if (exists("ckfile")) {
    set datafile separator ","; set logscale y; set autoscale x; set ylabel "selection NE"; set xlabel "update"
    plot ckfile u 1:2 every ::1 w lp pt 7 ps 0.4 lc rgb "black" t "NE at checkpoints"
    unset logscale y; set datafile separator whitespace
  }
  unset multiplot; unset key

  # ---- Fig 2: tuning curves of example units ----
  set output f("fig2_tuning.".ext)
  set multiplot layout 1,3 title "HD tuning of the most strongly tuned unit per class (c, c+ CCW turns, c- CW turns)"
  set xlabel "heading (deg)"; set ylabel "rate"; set xrange [0:360]; set autoscale y; set key top left
  do for [k=0:2] {
    set title cname[k+1]
    plot f("curves_examples.dat") index k u 1:2 w l lw 2 lc rgb "black" t "all", \
         "" index k u 1:3 w l lc rgb col[2] t "CCW", "" index k u 1:4 w l lc rgb col[3] t "CW"
  }
  unset multiplot; set autoscale x; unset title

  set output f("fig2_av.".ext)
  set multiplot layout 1,3 title "AV tuning at the preferred heading (filled: bins in the fit; line: fit)"
  set xlabel "AV (deg/step)"; set ylabel "rate"
  do for [k=0:2] {
    set title cname[k+1]
    plot f("av_examples.dat") index k u 1:($3>0?$2:1/0) w p pt 7 ps 0.6 lc rgb col[k+1] t "fitted", \
         "" index k u 1:($3>0?1/0:$2) w p pt 6 ps 0.6 lc rgb "#888888" t "dropped", \
         "" index k u 1:4 w l lc rgb "black" t "fit"
  }
  unset multiplot; unset title

  # ---- Fig 2: S against A, by class ----
  set output f("fig2_scatter.".ext)
  set logscale x; set xlabel "AV modulation index A"; set ylabel "HD tuning strength S"; set key outside right
  set arrow 1 from astar, graph 0 to astar, graph 1 nohead dt 2
  plot for [k=0:4] f("units_plot.dat") u (($2==k && $4>0)?$4:1/0):3 w p pt 7 ps 1 lc rgb col[k+1] t cname[k+1]
  unset arrow 1; unset logscale x

  # ---- Fig 2: tiling ----
  set output f("fig2_tiling.".ext)
  set size ratio -1; set xrange [-3.5:3.5]; set yrange [-3.5:3.5]; unset xtics; unset ytics
  set xlabel ""; set ylabel ""; set title "Preferred headings on circles (inner compass, middle CCW, outer CW)"
  set parametric; set trange [0:2*pi]
  plot for [k=0:2] (k+1)*cos(t), (k+1)*sin(t) w l lc rgb "#cccccc" notitle, \
       for [k=0:2] f("tiling.dat") u ($1==k?($1+1)*$3:1/0):(($1+1)*$4) w p pt 7 ps 1.2 lc rgb col[k+1] t cname[k+1]
  unset parametric; set size noratio; set xtics; set ytics; set autoscale; unset title

  # ---- Fig 3: sorted weights ----
  load f("w_sorted_meta.gp")
  set output f("fig3_wsorted.".ext)
  set size ratio -1; set palette defined (-1 "blue", 0 "white", 1 "red"); set cbrange [-wmax:wmax]
  set xrange [-0.5:nkept-0.5]; set yrange [nkept-0.5:-0.5]
  set xlabel "presynaptic (compass | CCW | CW, by phi)"; set ylabel "postsynaptic"
  set title "W_{rec} sorted by class and preferred heading"
  set arrow 11 from b1-0.5, graph 0 to b1-0.5, graph 1 nohead lc rgb "black"
  set arrow 12 from b2-0.5, graph 0 to b2-0.5, graph 1 nohead lc rgb "black"
  set arrow 13 from graph 0, first b1-0.5 to graph 1, first b1-0.5 nohead lc rgb "black"
  set arrow 14 from graph 0, first b2-0.5 to graph 1, first b2-0.5 nohead lc rgb "black"
  plot f("w_sorted.dat") matrix w image notitle
  unset arrow 11; unset arrow 12; unset arrow 13; unset arrow 14
  set size noratio; set autoscale; unset title; set cbrange [*:*]

  # ---- Fig 3: connectivity profiles ----
  set output f("fig3_profiles.".ext)
  array pt[3] = ["compass -> compass", "CCW shifter -> compass", "CW shifter -> compass"]
  set multiplot layout 1,3 title "W_{rec} against relative preferred heading (mean +- SD, 5-degree window; dots: pairs)"
  set xrange [-180:180]; set xtics 90; set xlabel "phi_{post} - phi_{pre} (deg)"; set ylabel "weight"
  do for [k=0:2] {
    set title pt[k+1]
    plot f("pairs_main.dat") index k u 1:2 w p pt 7 ps 0.2 lc rgb "#bbbbbb" notitle, \
         f("profiles_main.dat") index k u 1:($2-$3):($2+$3) w filledcurves fc rgb col[k+1] fs transparent solid 0.3 notitle, \
         "" index k u 1:2 w l lw 2 lc rgb col[k+1] notitle, 0 w l dt 2 lc rgb "black" notitle
  }
  unset multiplot; set autoscale; unset title; set xtics autofreq

  # ---- Fig 9: joint HD x AV maps ----
  set output f("fig9_maps.".ext)
  set palette rgbformulae 33,13,10; unset colorbox
  set multiplot layout 10,10 title "Joint HD x AV tuning, trained (row-normalised; order: compass, CCW, CW, weak, inactive)" margins 0.02,0.98,0.02,0.95 spacing 0.005
  unset xtics; unset ytics; unset xlabel; unset ylabel; unset key; unset title
  do for [u=0:nunits-1] { plot f("maps_grid.dat") index u matrix w image }
  unset multiplot; set xtics; set ytics; set colorbox
}
