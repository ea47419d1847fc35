# Figures of hdnet-lesion (rate mode, trial 0). Usage: gnuplot -e "dir='OUT'" lesion.gp
# Writes OUT/fig4_lesion (.png, .svg and .pdf).
if (!exists("dir")) dir = "."
f(n) = dir."/".n
# this script's directory, for style.gp
sdir = "."
do for [i = strlen(ARG0):1:-1] { if (sdir eq "." && ARG0[i:i] eq "/") { sdir = ARG0[1:i-1] } }
load sdir."/style.gp"
load f("lesion_meta.gp")
array ex[4] = ["E1", "E2", "E2m", "E3"]
array tt[4] = ["E1: compass units silenced", "E2: CW shifters silenced\n({/Symbol w} = 0)", \
               "E2m: CCW shifters silenced\n({/Symbol w} = 0)", "E3: both shifter groups silenced\n({/Symbol w} = +1 deg/step)"]
do for [ext in formats] {
  eval terminal(ext, 1500, 950)
  set output f("fig4_lesion.".ext)
  set multiplot layout 3,4 title "Perturbations of trial 0 (window shaded or outlined; top: shadow rates of the compass units, sorted by preferred heading)" \
      margins 0.06,0.88,0.07,0.90 spacing 0.06,0.09
  # row 1: heat maps of the compass units' shadow rates, one colour scale and bar
  @viridis
  set cbrange [0:1]; set xlabel "time (steps)"; set xtics 200
  do for [k=1:4] {
    set title tt[k] font ",10"
    t1 = (k == 1 ? toff1 : toff)
    set object 1 rect from ton, graph 0 to t1, graph 1 fs empty border lc rgb "white" lw 1.5 front
    set ylabel (k == 1 ? "compass unit (by preferred heading)" : "")
    if (k == 4) { set colorbox user origin screen 0.895, screen 0.70 size screen 0.012, screen 0.19; set cblabel "shadow rate (a.u.)" } \
    else { unset colorbox }
    set xrange [-0.5:nsteps-0.5]; set yrange [-0.5:ncomp-0.5]
    plot f("lesion_".ex[k]."_heat.dat") matrix w image notitle
    set autoscale x; set autoscale y
    unset object 1
  }
  unset colorbox; unset cblabel; set cbrange [*:*]
  # row 2: headings
  do for [k=1:4] {
    unset title
    t1 = (k == 1 ? toff1 : toff)
    set object 2 rect from ton, graph 0 to t1, graph 1 fs solid 0.15 fc rgb "grey" behind
    set ylabel (k == 1 ? "heading (deg, unwrapped)" : ""); set xrange [0:nsteps]
    # one legend per row, in the right margin beside the last panel
    if (k == 4) { set key at screen 0.89, graph 1 left top Left reverse font ",9" } else { unset key }
    plot f("lesion_".ex[k].".dat") u 1:2 w l lw 2 lc rgb "black" t "true", "" u 1:3 w l lc rgb "#d95f02" t "decoded", \
         "" u 1:4 w l lc rgb "#2166ac" t "bump {/Symbol y}", "" u 1:7 w l dt 2 lc rgb "#2166ac" t "control {/Symbol y}"
    unset object 2
  }
  # row 3: bump amplitude
  do for [k=1:4] {
    t1 = (k == 1 ? toff1 : toff)
    set object 3 rect from ton, graph 0 to t1, graph 1 fs solid 0.15 fc rgb "grey" behind
    set ylabel (k == 1 ? "bump amplitude B (rate, a.u.)" : "")
    if (k == 4) { set key at screen 0.89, graph 1 left top Left reverse font ",9" } else { unset key }
    plot f("lesion_".ex[k].".dat") u 1:5 w l lc rgb "#2166ac" t "lesioned", "" u 1:6 w l dt 2 lc rgb "black" t "control"
    unset object 3
  }
  unset multiplot
}
