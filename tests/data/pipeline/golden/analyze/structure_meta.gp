structure_cv=-0.129763
structure_fit=0.351924
corr_init=0.930538
