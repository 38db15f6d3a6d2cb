#!/usr/bin/env bash
# Rebuild the dashboard's plotly.js bundle: the plotly.js core (scatter, legends, hover, annotations,
# shapes, colour bars, the mode bar) with the bar and heatmap traces: every figure skillpulse draws.
# The stock "cartesian" bundle also carries box, violin, histograms, contours, ternary, image, pie
# and the world calendars: 1.50 MB against 1.17 MB here, and about a fifth more time to evaluate
# in Chromium before the first chart (measured with bench/bench_dashboard.py's floor page).
# Needs Node.js and npm (the npm registry). Keep plotly.js equal to the plotly.js of the installed
# `plotly` Python package when upgrading, and rename the asset with the version.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$here/../../dashboard/assets/00_plotly-skillpulse-4.1.1.min.js"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp "$here/package.json" "$here/entry.js" "$work/"
(cd "$work" && npm install --no-audit --no-fund --ignore-scripts >/dev/null \
  && npx esbuild entry.js --bundle --minify --format=iife --global-name=Plotly \
       --define:process.env.NODE_ENV='"production"' --define:global=window \
       --legal-comments=eof --footer:js='window.Plotly = Plotly;' --outfile=bundle.js)
# plotly.js injects its own styles; the CSS esbuild extracts (a map library's) is not used.
{ echo "/*! plotly.js 4.1.1 (MIT, github.com/plotly/plotly.js): core + bar + heatmap, built by docs/plotly-bundle/build.sh */"
  cat "$work/bundle.js"; } > "$out.tmp"
mv "$out.tmp" "$out"
echo "wrote $out ($(wc -c < "$out") bytes)"
