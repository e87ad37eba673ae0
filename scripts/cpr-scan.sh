#!/usr/bin/env bash
# Prints lines that contain something shaped like a full CPR number
# (DDMMYY-SSSS or ten digits starting with a real day and month) and exits
# 1 if there are any. Masked numbers (ddmm**-****) do not match.
set -u
pattern='(^|[^0-9A-Za-z])(0[1-9]|[12][0-9]|3[01]|6[1-9]|[78][0-9]|9[01])(0[1-9]|1[0-2])[0-9]{2}-?[0-9]{4}([^0-9A-Za-z]|$)'
hits=$(grep -nE "$pattern" "$@" | grep -vE '(urn:uuid|[0-9a-f]{8}-[0-9a-f]{4}-)' | head -20)
if [ -n "$hits" ]; then
  echo "possible full CPR numbers in output:" >&2
  # Show where, never the number itself.
  echo "$hits" | sed -E 's/[0-9]{6}-?[0-9]{4}/<ten digits>/g' >&2
  exit 1
fi
exit 0
