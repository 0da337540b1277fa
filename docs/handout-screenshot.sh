#!/bin/sh
# Render lesson handouts as HTML and screenshot them in headless Chromium,
# to look at what students will print. Needs the Debian packages chromium
# and fonts-noto-cjk (Korean glyphs).
#
#   docs/handout-screenshot.sh [OUTDIR]     (default: docs/screenshots)
#
# Writes OUTDIR/LESSON-LANG.html and OUTDIR/LESSON-LANG.png.
set -eu
out=${1:-docs/screenshots}
mkdir -p "$out"
out=$(cd "$out" && pwd)
bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
go build -o "$bin/sysdojo" ./cmd/sysdojo
chrome=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
if [ -z "$chrome" ]; then
	echo "handout-screenshot: chromium not found (apt-get install chromium fonts-noto-cjk)" >&2
	exit 1
fi
for spec in perm-octal:en links-experiment:ko links-experiment:en owner-chown:ko; do
	id=${spec%%:*}
	lang=${spec#*:}
	html="$out/$id-$lang.html"
	png="$out/$id-$lang.png"
	"$bin/sysdojo" --lang "$lang" lesson handout "$id" --format html --solutions -o "$html"
	profile=$(mktemp -d)
	"$chrome" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync \
		--user-data-dir="$profile" --screenshot="$png" --window-size=1200,1600 \
		"file://$html" >/dev/null 2>&1
	rm -rf "$profile"
	echo "$png"
done
