map_hd_lo=0
map_hd_hi=360
map_av_lo=-11.8452
map_av_hi=12.1623
