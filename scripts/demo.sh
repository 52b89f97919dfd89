#!/usr/bin/env bash
# `make demo`: the month's main job on the bundled SYNTHETIC sample data, with a throw-away
# SQLite audit store in .demo/. Safe to run again: it starts from a clean .demo/ each time.
set -uo pipefail
cd "$(dirname "$0")/.."

CLI=.venv/bin/cfcs-qa
AS_OF=2026-11-20          # the sample extract was taken on this date
RETURNED=2026-12-21       # when the demo's auditors have sent their toolkits back
DEMO=.demo
DB="sqlite:///$DEMO/cfcs-qa.db"

rm -rf "$DEMO"
mkdir -m 700 "$DEMO"

step() {  # run a step; exit 1 means "ran, needs attention" and the demo goes on
  printf '\n\033[1m== %s\033[0m\n' "$1"; shift
  "$@"
  local rc=$?
  if [ "$rc" -gt 1 ]; then
    echo "demo: step failed with exit $rc" >&2
    exit "$rc"
  fi
}

step "Data quality: cfcs-qa validate" \
  "$CLI" validate --as-of "$AS_OF" --format table
step "KPIs for October 2026: cfcs-qa kpis" \
  "$CLI" kpis --as-of "$AS_OF" --month 2026-10 --format table
if "$CLI" calendar --help >/dev/null 2>&1; then
  step "The audit calendar for December 2026: cfcs-qa calendar" \
    "$CLI" calendar --as-of "$AS_OF" --format table
fi
if "$CLI" sample --help >/dev/null 2>&1; then
  step "Draw and allocate the Tier 2 sample: cfcs-qa sample" \
    "$CLI" sample --as-of "$AS_OF" --db "$DB" --toolkits "$DEMO/toolkits" --seed 20261201 --format table
  if [ -d "$DEMO/toolkits" ] && "$CLI" audits import --help >/dev/null 2>&1; then
    step "Auditors complete three toolkits (filled in by the generator)" \
      .venv/bin/python -m cfcs_qa.sampling.toolkit_fill --count 3 --seed 7 "$DEMO/toolkits"
    step "Import the completed toolkits: cfcs-qa audits import" \
      "$CLI" audits import --db "$DB" --as-of "$RETURNED" --format table $(ls "$DEMO"/toolkits/*.xlsx | head -n 3)
  fi
  if "$CLI" audits status --help >/dev/null 2>&1; then
    step "Where the month stands: cfcs-qa audits status" \
      "$CLI" audits status --db "$DB" --data sample_data --as-of "$RETURNED" --month 2026-12 --format table
  fi
fi
printf '\nDemo finished. Outputs are in %s/ (synthetic data only).\n' "$DEMO"
