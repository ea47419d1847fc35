# Figures of hdnet-attractor. Usage: gnuplot -e "dir='OUT'" attractor.gp
if (!exists("dir")) dir = "."
f(n) = dir."/".n
set datafile separator ","
set datafile missing "nan"
do for [ext in "png svg"] {
  if (ext eq "png") { set terminal pngcairo size 1500,900 font ",10" } else { set terminal svg size 1500,900 font ",10" }
  set output f("fig_attractor.".ext)
  set multiplot layout 2,3 title "The ring attractor on the dynamics (fixed and slow points, drift, gain, diffusion, rank)"
  # 1: slow and fixed points on the first two principal components of the trajectories
  set title "points on PC1-PC2 of the trajectories (colour: decoded heading)"
  set xlabel "PC1"; set ylabel "PC2"; set size ratio -1
  set palette model HSV defined (0 0 1 1, 1 1 1 1); set cbrange [0:360]; set cblabel "heading (deg)"
  set key top left font ",8" opaque
  plot f("trajectory_pcs.csv") skip 1 u 1:2 w d lc rgb "#cccccc" t "trajectories", \
       f("slow_points.csv") skip 1 u 10:11:1 w p pt 7 ps 0.3 lc palette t "slow points", \
       f("fixed_points.csv") skip 1 u ($4==0?$10:1/0):11:1 w p pt 7 ps 1.3 lc palette t "stable fixed points", \
       f("fixed_points.csv") skip 1 u ($4>0?$10:1/0):11:1 w p pt 8 ps 1.5 lw 2 lc palette t "saddles"
  set size noratio; unset colorbox
  # 2: drift along the ring at zero input
  set title "drift along the ring at zero input"
  set xlabel "decoded heading (deg)"; set ylabel "heading velocity (deg/step)"; set xrange [0:360]; set xtics 90
  set key top right
  plot f("slow_points.csv") skip 1 u 1:3 w p pt 7 ps 0.4 lc rgb "#1b9e77" t "slow points", \
       f("fixed_points.csv") skip 1 u ($4==0?$1:1/0):3 w p pt 7 ps 1.2 lc rgb "black" t "stable", \
       f("fixed_points.csv") skip 1 u ($4>0?$1:1/0):3 w p pt 8 ps 1.2 lc rgb "red" t "saddle", 0 w l dt 2 lc rgb "grey" notitle
  set autoscale x; set xtics autofreq
  # 3: spectrum of a typical stable point
  set title "Jacobian eigenvalues of the typical stable point"
  set xlabel "Re {/Symbol l} (per step)"; set ylabel "Im {/Symbol l}"
  set arrow 1 from 0, graph 0 to 0, graph 1 nohead dt 2 lc rgb "grey"
  plot f("spectrum.csv") skip 1 u 1:2 w p pt 7 ps 0.8 lc rgb "#7570b3" notitle
  unset arrow 1
  # 4: gain curve
  set title "gain curve"
  set xlabel "input angular velocity (deg/step)"; set ylabel "decoded bump velocity (deg/step)"
  set key top left
  plot f("gain.csv") skip 1 u 1:2:3 w yerrorlines pt 7 ps 0.6 lc rgb "#d95f02" t "network", x w l dt 2 lc rgb "grey" t "perfect integration"
  # 5: diffusion
  set title "bump diffusion at zero input"
  set xlabel "step"; set ylabel "heading variance (deg^2)"; set yrange [0:*]
  plot for [k=3:5] f("diffusion.csv") skip 12 u 1:k w l lw 2 t "rate noise SD ".word("0 0.05 0.1 0.2", k-1)
  set autoscale y
  # 6: rank truncation
  set title "error after truncating to rank r"
  set xlabel "rank r"; set ylabel "normalized error"; set logscale y; set key top right
  plot f("rank.csv") skip 1 u 1:3 w lp pt 7 ps 0.5 lc rgb "#e7298a" t "W_{rec}", \
       "" skip 1 u 1:5 w lp pt 5 ps 0.5 lc rgb "#66a61e" t "W_{rec} - W_{rec}(untrained), added back"
  unset logscale y
  unset multiplot
}
