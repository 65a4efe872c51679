#!/bin/bash
# Measures one single grade vs two shards + merge of 4 clones of the real course.
G=/work/wt/i16-h4/target/debug/grader
cd /tmp/h4meas/course
fresh() { rm -rf /tmp/h4meas/$1; mkdir -p /tmp/h4meas/$1; ln -s /work/wt/i16-h4/target/awaitlings/cargo /tmp/h4meas/$1/cargo; }
t() { local s=$(date +%s.%N); "$@"; local e=$(date +%s.%N); echo "TIME $(echo "$e - $s" | bc) :: $*" >&2; }
export AWAITLINGS_SEED=7
fresh s0; AWAITLINGS_TARGET_DIR=/tmp/h4meas/s0 t nice $G --color never grade ../class/* --gradebook ../one.csv --summary > ../one.txt
fresh s1; AWAITLINGS_TARGET_DIR=/tmp/h4meas/s1 t nice $G --color never grade ../class/* --shard 1/2 --format json --out ../sh1 > /dev/null
fresh s2; AWAITLINGS_TARGET_DIR=/tmp/h4meas/s2 t nice $G --color never grade ../class/* --shard 2/2 --format json --out ../sh2 > /dev/null
AWAITLINGS_TARGET_DIR=/tmp/h4meas/s0 t $G --color never merge ../sh1 ../sh2 --gradebook ../merged.csv --summary > ../merged.txt
cmp ../one.csv ../merged.csv && echo GRADEBOOK-EQUAL
diff <(head -n -1 ../one.txt) <(head -n -1 ../merged.txt) > /dev/null && echo SUMMARY-EQUAL
AWAITLINGS_TARGET_DIR=/tmp/h4meas/s0 t nice $G --color never grade ../class/* > /dev/null
du -sh /tmp/h4meas/s0 --exclude cargo
AWAITLINGS_TARGET_DIR=/tmp/h4meas/s0 t nice $G --color never grade ../class/* --clean > /dev/null
