# Fig 5: class fractions against training speed (adaptive rule, medians and range over seeds).
if (!exists("dir")) dir = "."
f(n) = dir."/".n
do for [ext in "png svg"] {
  if (ext eq "png") { set terminal pngcairo size 1000,450 font ",10" } else { set terminal svg size 1000,450 font ",10" }
  set output f("fig5_speed.".ext)
  set multiplot layout 1,3 title "Training speed against cell types (median over seeds; bars: range)"
  set logscale x; set xrange [0.05:6]; set yrange [0:1]; set xlabel "speed multiplier"; set ylabel "fraction of units"
  set key top center
  do for [r=0:2] {
    set title (r==0 ? "adaptive rule" : r==1 ? "reference thresholds" : "reference, slope scaled by sigma")
    plot f("speed_summary.dat") u ($2==r?$1:1/0):3:5:6 w yerrorlines pt 7 lc rgb "#1b9e77" t "compass", \
         "" u ($2==r?$1:1/0):4:7:8 w yerrorlines pt 5 lc rgb "#d95f02" t "shifters"
  }
  unset multiplot
}
