structure_cv=-0.083956
structure_fit=0.264702
corr_init=0.931213
