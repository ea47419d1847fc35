# Figures of hdnet-analyze. Usage: gnuplot -e "dir='OUT'" analyze.gp
# Writes OUT/fig1_task, fig2_tuning, fig2_av, fig2_scatter, fig2_tiling, fig3_wsorted,
# fig3_profiles, fig9_maps (each .png, .svg and .pdf).
if (!exists("dir")) dir = "."
f(n) = dir."/".n
# this script's directory, for style.gp
sdir = "."
do for [i = strlen(ARG0):1:-1] { if (sdir eq "." && ARG0[i:i] eq "/") { sdir = ARG0[1:i-1] } }
load sdir."/style.gp"
load f("plot_meta.gp")
load f("w_sorted_meta.gp")
load f("maps_meta.gp")
max(a, b) = a > b ? a : b
min(a, b) = a < b ? a : b

# shared axes: one range per figure over every panel that is compared
stats f("test_trace.dat") index 0 u 1 nooutput
nsteps = STATS_max + 1
# The example and pair files are empty when no unit is compass or shifter (a network that
# has barely trained): stats then defines nothing, and fixed ranges stand in.
undefine STATS_*
stats f("curves_examples.dat") u 2:3 nooutput
rmax = exists("STATS_max_x") ? max(STATS_max_x, STATS_max_y) : 1
undefine STATS_*
stats f("curves_examples.dat") u 4 nooutput
rmax = exists("STATS_max") ? max(rmax, STATS_max) : rmax
undefine STATS_*
stats f("av_examples.dat") u 1:2 nooutput
avlo = exists("STATS_min_x") ? STATS_min_x : -1
avhi = exists("STATS_max_x") ? STATS_max_x : 1
amax = exists("STATS_max_y") ? STATS_max_y : 1
undefine STATS_*
stats f("av_examples.dat") u 4 nooutput
amax = exists("STATS_max") ? max(amax, STATS_max) : amax
amin = exists("STATS_min") ? min(0, STATS_min) : 0
undefine STATS_*
stats f("pairs_main.dat") u 2 nooutput
plo = exists("STATS_min") ? STATS_min : -1
phi_ = exists("STATS_max") ? STATS_max : 1

do for [ext in formats] {
  # ---- Fig 1: a test trial and the training curve ----
  eval terminal(ext, 1200, 800)
  set output f("fig1_task.".ext)
  set multiplot layout (exists("ckfile") ? 3 : 2),1 title sprintf("A test trial of the trained network (NE %.3f%%)", ne)
  set lmargin at screen 0.08; set rmargin at screen 0.84
  set key outside right top
  set xlabel "time (steps)"; set xrange [0:nsteps]
  # headings wrap at 360 deg: the data has NaN where they wrap, so no line crosses the panel
  set ylabel "heading (deg)"; set yrange [0:360]; set ytics 0,90,360
  plot f("test_trace.dat") index 0 u 1:2 w l lw 2 lc rgb "black" t "true {/Symbol q}", \
       "" index 0 u 1:3 w l lw 1 lc rgb "#d95f02" t "decoded from the output"
  set ylabel "angular velocity (deg/step)"; set autoscale y; set ytics autofreq
  plot f("test_trace.dat") index 0 u 1:7 w l lc rgb "#444444" t "input {/Symbol w}", \
       0 w l dt 2 lc rgb "#999999" notitle
  if (exists("ckfile")) {
    set datafile separator ","; set logscale y; set autoscale x; set ylabel "selection NE (fraction)"
    set xlabel "training update"; set format y "10^{%L}"
    plot ckfile u 1:2 every ::1 w lp pt 7 ps 0.4 lc rgb "black" t "NE at checkpoints"
    unset logscale y; set format y "%g"; set datafile separator whitespace
  }
  unset multiplot; unset key; set lmargin; set rmargin; set autoscale

  # ---- Fig 2: tuning curves of example units (shared axes) ----
  eval terminal(ext, 1200, 450)
  set output f("fig2_tuning.".ext)
  set multiplot layout 1,3 title "Heading tuning of the most strongly tuned unit per class (all steps, CCW turns, CW turns)" \
      margins 0.06,0.98,0.22,0.88 spacing 0.07
  set xlabel "heading (deg)"; set ylabel "rate (a.u.)"; set xrange [0:360]; set xtics 0,90,360
  set yrange [0:rmax * 1.08]
  do for [k=0:2] {
    # one legend for the three panels, centred below them
    if (k == 0) { set key at screen 0.5, screen 0.03 center bottom horizontal } else { unset key }
    set title cname[k+1]
    plot f("curves_examples.dat") index k u 1:2 w l lw 2 lc rgb "black" t "all", \
         "" index k u 1:3 w l lc rgb col[2] t "CCW ({/Symbol w} > 0)", "" index k u 1:4 w l lc rgb col[3] t "CW ({/Symbol w} < 0)"
  }
  unset multiplot; set autoscale; set xtics autofreq; unset title

  set output f("fig2_av.".ext)
  set multiplot layout 1,3 title "Angular-velocity tuning at the preferred heading, same axes in every panel (filled: bins in the fit; line: fit)" \
      margins 0.06,0.98,0.22,0.88 spacing 0.07
  set xlabel "angular velocity (deg/step)"; set ylabel "rate (a.u.)"
  set xrange [avlo:avhi]; set yrange [amin:amax * 1.08]
  do for [k=0:2] {
    if (k == 0) { set key at screen 0.5, screen 0.03 center bottom horizontal } else { unset key }
    set title cname[k+1]
    plot f("av_examples.dat") index k u 1:($3>0?$2:1/0) w p pt 7 ps 0.6 lc rgb col[k+1] t "fitted", \
         "" index k u 1:($3>0?1/0:$2) w p pt 6 ps 0.6 lc rgb "#888888" t "dropped", \
         "" index k u 1:4 w l lc rgb "black" t "fit"
  }
  unset multiplot; set autoscale; unset title

  # ---- Fig 2: S against A, by class ----
  eval terminal(ext, 900, 600)
  set output f("fig2_scatter.".ext)
  set logscale x; set xlabel "angular-velocity modulation index A (dimensionless)"
  set ylabel "heading tuning strength S (rate, a.u.)"; set key outside right top vertical
  set arrow 1 from astar, graph 0 to astar, graph 1 nohead dt 2
  set label 1 " A* (adaptive rule threshold)" at astar, graph 0.97 left
  plot for [k=0:4] f("units_plot.dat") u (($2==k && $4>0)?$4:1/0):3 w p pt 7 ps 1 lc rgb col[k+1] t cname[k+1]
  unset arrow 1; unset label 1; unset logscale x; unset key

  # ---- Fig 2: tiling ----
  eval terminal(ext, 800, 800)
  set output f("fig2_tiling.".ext)
  set size ratio -1; set xrange [-4.2:4.2]; set yrange [-4.2:4.2]; unset xtics; unset ytics; unset border
  set xlabel ""; set ylabel ""; set title "Preferred headings (inner ring compass, middle CCW, outer CW shifters)"
  set key inside bottom right
  # angle ticks every 30 deg, labelled every 90; 0 deg points right, angles grow counter-clockwise
  do for [a=0:330:30] {
    set arrow (20 + a/30) from 3.2*cos(a*pi/180), 3.2*sin(a*pi/180) to (a % 90 ? 3.4 : 3.5)*cos(a*pi/180), \
        (a % 90 ? 3.4 : 3.5)*sin(a*pi/180) nohead lc rgb "black"
  }
  set label 20 "0°" at 3.8, 0 center; set label 21 "90°" at 0, 3.8 center
  set label 22 "180°" at -3.85, 0 center; set label 23 "270°" at 0, -3.8 center
  set arrow 40 from 0, 0 to 3.2, 0 nohead dt 3 lc rgb "#bbbbbb"
  set parametric; set trange [0:2*pi]
  plot for [k=0:2] (k+1)*cos(t), (k+1)*sin(t) w l lc rgb "#cccccc" notitle, \
       for [k=0:2] f("tiling.dat") u ($1==k?($1+1)*$3:1/0):(($1+1)*$4) w p pt 7 ps 1.2 lc rgb col[k+1] t cname[k+1]
  unset parametric; set size noratio; set xtics; set ytics; set border; set autoscale; unset title
  do for [i=20:40] { unset arrow i; unset label i }
  unset key

  # ---- Fig 3: sorted weights, diverging colour map centred on 0 ----
  eval terminal(ext, 900, 800)
  set output f("fig3_wsorted.".ext)
  @diverging
  set size ratio -1; set cbrange [-wmax:wmax]; set colorbox; set cblabel "W_{rec} (a.u.)"
  set xrange [-0.5:nkept-0.5]; set yrange [nkept-0.5:-0.5]
  set xlabel "presynaptic unit (by class, then preferred heading)"; set ylabel "postsynaptic unit (same order)"
  set tmargin 5; set title "W_{rec} sorted by class and preferred heading" offset 0,1
  # class boundaries and names
  set arrow 11 from b1-0.5, graph 0 to b1-0.5, graph 1 nohead lw 1.5 lc rgb "black" front
  set arrow 12 from b2-0.5, graph 0 to b2-0.5, graph 1 nohead lw 1.5 lc rgb "black" front
  set arrow 13 from graph 0, first b1-0.5 to graph 1, first b1-0.5 nohead lw 1.5 lc rgb "black" front
  set arrow 14 from graph 0, first b2-0.5 to graph 1, first b2-0.5 nohead lw 1.5 lc rgb "black" front
  set label 11 "compass" at (b1-1)/2.0, graph 1.025 center tc rgb col[1]
  set label 12 "CCW" at (b1+b2-1)/2.0, graph 1.025 center tc rgb col[2]
  set label 13 "CW" at (b2+nkept-1)/2.0, graph 1.025 center tc rgb col[3]
  if (nkept > 0) {
    plot f("w_sorted.dat") matrix w image notitle
  } else {
    set label 15 "no compass or shifter units to sort" at graph 0.5, graph 0.5 center
    plot [0:1][0:1] NaN notitle
    unset label 15
  }
  do for [i=11:14] { unset arrow i; unset label i }
  set size noratio; set autoscale; unset title; set cbrange [*:*]; unset cblabel; set tmargin

  # ---- Fig 3: connectivity profiles (shared axes) ----
  eval terminal(ext, 1200, 450)
  set output f("fig3_profiles.".ext)
  array pt[3] = ["compass -> compass", "CCW shifter -> compass", "CW shifter -> compass"]
  set multiplot layout 1,3 title "W_{rec} against relative preferred heading (mean ± SD, 5-degree window; dots: pairs)"
  set xrange [-180:180]; set xtics 90; set xlabel "{/Symbol f}_{post} - {/Symbol f}_{pre} (deg)"
  set ylabel "W_{rec} (a.u.)"; set yrange [plo:phi_]
  do for [k=0:2] {
    set title pt[k+1]
    plot f("pairs_main.dat") index k u 1:2 w p pt 7 ps 0.2 lc rgb "#bbbbbb" notitle, \
         f("profiles_main.dat") index k u 1:($2-$3):($2+$3) w filledcurves fc rgb col[k+1] fs transparent solid 0.3 notitle, \
         "" index k u 1:2 w l lw 2 lc rgb col[k+1] notitle, 0 w l dt 2 lc rgb "black" notitle
  }
  unset multiplot; set autoscale; unset title; set xtics autofreq

  # ---- Fig 9: joint heading x AV maps (viridis, one colour bar) ----
  eval terminal(ext, 1200, 900)
  set output f("fig9_maps.".ext)
  map_title = "Joint heading x angular-velocity tuning, trained network"
  map_file = f("maps_grid.dat")
  load sdir."/maps.gp"
}
