#!/usr/bin/env bash
# Runs the test suites and prints one closing line with the totals: "N passed, N failed, N skipped"
# (skipped counts Pester's inconclusive results too), then why each test was not run, grouped by reason.
# Usage: build/test.sh [all|unit|pester]  (expects ./build.sh build to have run)
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RESULTS="$ROOT/out/test-results"
mkdir -p "$RESULTS"
rm -f "$RESULTS"/*.trx "$RESULTS"/pester.txt "$RESULTS"/notrun.txt
NOTRUN="$RESULTS/notrun.txt"   # kind<TAB>reason<TAB>test, one line per test neither passed nor failed
: > "$NOTRUN"
export NO_COLOR=1
what="${1:-all}"
status=0

# A throwaway PostgreSQL for the cluster tests, unless one is given; without PostgreSQL installed
# the script does nothing and those tests count as skipped.
if [ -z "${MSPMIGRATION_TEST_PG:-}" ]; then
  trap 'bash "$ROOT/tests/infra/postgres.sh" stop >/dev/null 2>&1 || true' EXIT
  eval "$(bash "$ROOT/tests/infra/postgres.sh" start)" || echo "PostgreSQL did not start; PostgreSQL tests will be skipped." >&2
fi
[ -n "${MSPMIGRATION_TEST_PG:-}" ] && echo "PostgreSQL tests run against ${MSPMIGRATION_TEST_PG}"
passed=0; failed=0; skipped=0

if [ "$what" = all ] || [ "$what" = unit ]; then
  dotnet test "$ROOT/tests/Unit" -c Release --no-build --nologo \
    --logger "trx;LogFileName=unit.trx" --results-directory "$RESULTS" || status=1
  trx="$RESULTS/unit.trx"
  if [ -f "$trx" ]; then
    counters=$(grep -o '<Counters [^>]*>' "$trx")
    get() { echo "$counters" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
    p=$(get passed); f=$(get failed); t=$(get total); e=$(get executed)
    passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0})); skipped=$((skipped + ${t:-0} - ${e:-0}))
    echo "xunit: ${p:-0} passed, ${f:-0} failed, $(( ${t:-0} - ${e:-0} )) skipped"
    # xunit keeps a skipped test's reason in its result's message.
    TRX="$trx" "$ROOT/.tools/pwsh/pwsh" -NoProfile -NonInteractive -Command '
      [xml] $x = Get-Content -Raw $env:TRX
      foreach ($r in $x.TestRun.Results.UnitTestResult | Where-Object outcome -ne "Passed" | Where-Object outcome -ne "Failed") {
        $why = $r.Output.ErrorInfo.Message; if (-not $why) { $why = "no reason given" }
        "Skipped`t$(($why -replace "\s+", " ").Trim())`t$($r.testName)"
      }' >> "$NOTRUN" || true
  else
    echo "xunit: no results (build or run failure)"; failed=$((failed + 1)); status=1
  fi
fi

if [ "$what" = all ] || [ "$what" = pester ]; then
  "$ROOT/.tools/pwsh/pwsh" -NoProfile -NonInteractive -File "$ROOT/tests/Pester/Invoke-Tests.ps1" \
    -ResultFile "$RESULTS/pester.txt" || status=1
  if [ -f "$RESULTS/pester.txt" ]; then
    read -r p f s i < "$RESULTS/pester.txt"
    passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s + ${i:-0}))
    echo "pester: $p passed, $f failed, $s skipped, ${i:-0} inconclusive"
    tail -n +2 "$RESULTS/pester.txt" >> "$NOTRUN"
  else
    echo "pester: no results (import or run failure)"; failed=$((failed + 1)); status=1
  fi
fi

[ "$failed" -gt 0 ] && status=1
echo "$passed passed, $failed failed, $skipped skipped"
if [ -s "$NOTRUN" ]; then
  echo "Not run, by reason:"
  sort -t $'\t' -k1,1 -k2,2 -k3,3 "$NOTRUN" | awk -F '\t' '
    { k = $1 ": " $2; if (!(k in c)) order[++n] = k; c[k]++; names[k] = names[k] "    - " $3 "\n" }
    END { for (i = 1; i <= n; i++) { k = order[i]; printf "  %s (%d)\n%s", k, c[k], names[k] } }'
fi
exit $status
