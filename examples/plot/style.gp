# Shared style of the figures, loaded by the other scripts from their own directory.
# Colour maps are perceptually uniform: viridis (sequential) for rates, ColorBrewer
# RdBu (diverging, white at 0, used with a range symmetric about 0) for weights.
viridis = "set palette defined (0 '#440154', 1 '#472d7b', 2 '#3b528b', 3 '#2c728e', 4 '#21918c', \
5 '#28ae80', 6 '#5ec962', 7 '#addc30', 8 '#fde725')"
diverging = "set palette defined (0 '#053061', 1 '#2166ac', 2 '#4393c3', 3 '#92c5de', 4 '#d1e5f0', \
5 '#f7f7f7', 6 '#fddbc7', 7 '#f4a582', 8 '#d6604d', 9 '#b2182b', 10 '#67001f')"
# class colours (ColorBrewer Dark2): compass, CCW shifter, CW shifter, weak, inactive
array col[5] = ["#1b9e77", "#d95f02", "#7570b3", "#999999", "#dddddd"]
array cname[5] = ["compass", "CCW shifter", "CW shifter", "weak", "inactive"]
# Every figure is written as PNG, SVG and PDF; w x h in pixels at 72 per inch.
formats = "png svg pdf"
terminal(ext, w, h) = ext eq "png" ? sprintf("set terminal pngcairo size %d,%d font ',10' enhanced", w, h) : \
    ext eq "svg" ? sprintf("set terminal svg size %d,%d font ',10' enhanced", w, h) : \
    sprintf("set terminal pdfcairo size %.2fin,%.2fin font ',10' enhanced", w / 72.0, h / 72.0)
# NaN values are undefined points: gaps in lines, undrawn map cells
set datafile separator whitespace
