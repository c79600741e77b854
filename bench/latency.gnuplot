# Latency versus throughput from run_bench.sh's open-loop runs.
# gnuplot -e "data='latency.dat'; out='latency.png'" latency.gnuplot
set terminal pngcairo size 900,560 font ",11"
set output out
set title "Predict latency vs throughput (server pinned to one core)"
set xlabel "achieved calls/s"
set ylabel "latency (µs)"
set logscale y
set grid
set key top left
plot data index 0 using 1:3 with linespoints lw 2 pt 7 title "baseline p99", \
     data index 0 using 1:2 with linespoints lw 1 pt 6 dt 2 title "baseline p50", \
     data index 1 using 1:3 with linespoints lw 2 pt 5 title "regserve p99", \
     data index 1 using 1:2 with linespoints lw 1 pt 4 dt 2 title "regserve p50"
