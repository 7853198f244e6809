#!/usr/bin/env bash
# The GitHub Action's run step. Inputs arrive as environment variables (never pasted into the
# shell line), so paths and versions with spaces or quotes cannot inject commands.
set -euo pipefail

args=(check --fail-on "${INPUT_FAIL_ON:-error}" --format "${INPUT_FORMAT:-github}")
if [ -n "${INPUT_KUBERNETES_VERSION:-}" ]; then args+=(--kubernetes-version "$INPUT_KUBERNETES_VERSION"); fi
if [ -n "${INPUT_CONFIG:-}" ]; then args+=(--config "$INPUT_CONFIG"); fi
if [ -n "${INPUT_SARIF_FILE:-}" ]; then args+=(--output "sarif:$INPUT_SARIF_FILE"); fi

# Paths are separated by spaces or newlines.
mapfile -t paths < <(printf '%s\n' ${INPUT_PATHS:-.} | sed '/^$/d')
if [ "${#paths[@]}" -eq 0 ]; then paths=(.); fi

if [ "${INPUT_MODE:-check}" = "fix" ]; then
  # The diff of the fixes goes to a file (uploaded by the next step) and the job summary; the
  # findings that would remain are printed in the chosen format, and decide the exit code.
  diff_file="${RUNNER_TEMP:-/tmp}/kubelint-fix.diff"
  report="${RUNNER_TEMP:-/tmp}/kubelint-fix.report"
  status=0
  "${KUBELINT:-kubelint}" "${args[@]}" --diff --output "${INPUT_FORMAT:-github}:$report" -- "${paths[@]}" \
    > "$diff_file" || status=$?
  cat "$report" 2>/dev/null || true
  if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
    {
      echo "## kubelint fix"
      if [ -s "$diff_file" ]; then
        echo "Apply with \`git apply kubelint-fix.diff\` (the artifact kubelint-fix-diff), or run \`kubelint fix\`."
        echo
        echo '```diff'
        head -c 900000 "$diff_file"
        echo '```'
      else
        echo "Nothing to fix."
      fi
    } >> "$GITHUB_STEP_SUMMARY"
  fi
  exit "$status"
fi

exec "${KUBELINT:-kubelint}" "${args[@]}" -- "${paths[@]}"
