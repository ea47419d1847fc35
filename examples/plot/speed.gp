# Fig 5: class fractions against training speed (adaptive rule, medians and range over seeds).
# Writes OUT/fig5_speed (.png, .svg and .pdf).
if (!exists("dir")) dir = "."
f(n) = dir."/".n
# this script's directory, for style.gp
sdir = "."
do for [i = strlen(ARG0):1:-1] { if (sdir eq "." && ARG0[i:i] eq "/") { sdir = ARG0[1:i-1] } }
load sdir."/style.gp"
do for [ext in formats] {
  eval terminal(ext, 1000, 450)
  set output f("fig5_speed.".ext)
  set multiplot layout 1,3 title "Training speed against cell types (median over seeds; bars: range)" \
      margins 0.07,0.98,0.22,0.86 spacing 0.07
  set logscale x; set xrange [0.05:6]; set yrange [0:1]
  set xlabel "angular-velocity speed multiplier (x)"; set ylabel "fraction of units"
  do for [r=0:2] {
    # one legend for the three panels, centred below them
    if (r == 0) { set key at screen 0.5, screen 0.03 center bottom horizontal } else { unset key }
    set title (r==0 ? "adaptive rule" : r==1 ? "reference thresholds" : "reference, slope scaled by sigma")
    plot f("speed_summary.dat") u ($2==r?$1:1/0):3:5:6 w yerrorlines pt 7 lc rgb col[1] t "compass", \
         "" u ($2==r?$1:1/0):4:7:8 w yerrorlines pt 5 lc rgb col[2] t "shifters"
  }
  unset multiplot
}
