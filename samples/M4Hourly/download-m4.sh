#!/usr/bin/env bash
# Downloads the M4 Competition's hourly subset (Makridakis, Spiliotis & Assimakopoulos, IJF 36(1), 2020; files from the
# Mcompetitions/M4-methods repository, free for research use with that citation) into samples/data/m4/, where
# samples/M4Hourly reads it. About 2.5 MB. Usage, from anywhere: samples/M4Hourly/download-m4.sh
set -euo pipefail
dir="$(cd "$(dirname "$0")/.." && pwd)/data/m4"
base=https://raw.githubusercontent.com/Mcompetitions/M4-methods/master/Dataset
mkdir -p "$dir"
curl -fL -o "$dir/Hourly-train.csv" "$base/Train/Hourly-train.csv"
curl -fL -o "$dir/Hourly-test.csv" "$base/Test/Hourly-test.csv"
echo "M4 hourly files in $dir"
