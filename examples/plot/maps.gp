# One figure of heading x angular-velocity maps, one panel per unit (loaded by
# analyze.gp and maps_untrained.gp with map_title, map_file and maps_meta.gp loaded).
# Each panel: heading map_hd_lo to map_hd_hi deg left to right, angular velocity
# map_av_lo (bottom) to map_av_hi deg/step (top),
# rates normalised per AV row to [0, 1] (before the grid averages neighbouring bins).
@viridis
set cbrange [0:1]
set multiplot layout 10,10 title map_title." (units in class order: compass, CCW, CW, weak, inactive)" \
    margins 0.06,0.90,0.07,0.93 spacing 0.004
unset xtics; unset ytics; unset xlabel; unset ylabel; unset key; unset title; unset colorbox
set label 91 sprintf("heading (%g to %g deg, left to right in every panel)", map_hd_lo, map_hd_hi) \
    at screen 0.48, screen 0.035 center
set label 92 sprintf("angular velocity (%.3g to %.3g deg/step, bottom to top in every panel)", map_av_lo, map_av_hi) \
    at screen 0.025, screen 0.5 center rotate by 90
do for [u=0:nunits-1] {
  if (u == nunits - 1) {
    set colorbox user origin screen 0.92, screen 0.25 size screen 0.015, screen 0.5
    set cblabel "rate, normalised per AV row: (r - min) / (max - min)"; set cbtics 0.25
  }
  plot map_file index u matrix w image
  unset label 91; unset label 92
}
unset multiplot; unset colorbox; set xtics; set ytics; unset cblabel; set cbtics autofreq; set cbrange [*:*]
