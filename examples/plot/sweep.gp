# Figures of hdnet-sweep collect. Usage: gnuplot -e "dir='OUT'" sweep.gp
# Writes OUT/sweep_values.png (median, quartiles and range of each value per grid
# point) and OUT/sweep_rates.png (pass rate of each finding with its 95 % Wilson
# interval), from plot_values.dat, plot_rates.dat and plot_vars.gp.
if (!exists("dir")) dir = "."
f(n) = dir."/".n
load f("plot_vars.gp")
set datafile separator whitespace
set key off
set grid ytics
set offsets graph 0.08, graph 0.08, graph 0.08, graph 0.08
set xlabel xname noenhanced
cols(n) = n < 3 ? n : 3
rows(n) = (n + 2) / 3

if (nvalues > 0) {
  set terminal pngcairo size 400 * cols(nvalues), 300 * rows(nvalues) font ",9"
  set output f("sweep_values.png")
  set multiplot layout rows(nvalues), cols(nvalues) title "median (points), quartiles (boxes) and range (bars) over seeds"
  do for [i = 1:nvalues] {
    set title vtitle[i] noenhanced
    if (numeric_x) {
      plot f("plot_values.dat") index (i - 1) using 1:5:6 with filledcurves fc rgb "#dddddd", \
           "" index (i - 1) using 1:3:4 with filledcurves fc rgb "#9ecae1", \
           "" index (i - 1) using 1:2 with linespoints pt 7 lc rgb "#08519c"
    } else {
      set xtics rotate by -30 noenhanced
      plot f("plot_values.dat") index (i - 1) using 1:2:5:6:xtic(8) with yerrorbars pt 7 ps 1.2 lc rgb "#08519c", \
           "" index (i - 1) using 1:2:3:4 with yerrorbars pt -1 lw 3 lc rgb "#9ecae1"
    }
  }
  unset multiplot
}

if (nrates > 0) {
  set terminal pngcairo size 400 * cols(nrates), 300 * rows(nrates) font ",9"
  set output f("sweep_rates.png")
  set yrange [-0.05:1.05]
  set multiplot layout rows(nrates), cols(nrates) title "pass rate over seeds with 95 % Wilson interval"
  do for [i = 1:nrates] {
    set title rtitle[i] noenhanced
    if (numeric_x) {
      plot f("plot_rates.dat") index (i - 1) using 1:2:3:4 with yerrorlines pt 7 lc rgb "#a63603"
    } else {
      set xtics rotate by -30 noenhanced
      plot f("plot_rates.dat") index (i - 1) using 1:2:3:4:xtic(7) with yerrorbars pt 7 lc rgb "#a63603"
    }
  }
  unset multiplot
}
