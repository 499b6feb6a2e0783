#!/usr/bin/env bash
# Run the tests with the machine's clock set to several times of day (libfaketime), to show that
# no test depends on the wall clock (issue 14.13). Not run in CI: the whole suite once per time.
#
#   tests/run_at_times.sh                          # the whole suite at every time below
#   tests/run_at_times.sh tests/test_telegram_e2e.py -x
#   RUN_AT_TIMES="2026-12-02 00:45:00" tests/run_at_times.sh
#
# Needs Debian's faketime (apt-get install -y faketime). Times are UTC; Vietnam is UTC+7.
set -u
cd "$(dirname "$0")/.."
if ! command -v faketime >/dev/null; then
    echo "faketime is missing: apt-get install -y faketime" >&2
    exit 2
fi
if [ -n "${RUN_AT_TIMES:-}" ]; then
    IFS=',' read -r -a times <<<"$RUN_AT_TIMES"
else
    times=(
        "2026-12-02 01:40:00"  # 08:40 Vietnam, 02/12/2026 (the time of issue 14.13)
        "2026-12-02 00:45:00"  # 07:45: inside the daily run's hour of grace
        "2026-12-02 00:29:30"  # 07:29:30: the 07:30 cron trigger fires during the run
        "2026-12-01 17:30:00"  # 00:30 on 02/12: Vietnam's date is a day after UTC's
        "2026-12-02 16:59:00"  # 23:59: the day turns during the run
        "2026-03-31 16:59:00"  # 23:59 on 31/03/2026: a quarter's last minute
    )
fi
failed=()
for at in "${times[@]}"; do
    echo "== clock at $at UTC"
    if ! faketime "$at" python -m pytest -q -p no:cacheprovider "$@"; then
        failed+=("$at")
    fi
done
if [ ${#failed[@]} -gt 0 ]; then
    printf 'FAILED at: %s UTC\n' "${failed[@]}"
    exit 1
fi
echo "passed at every time"
