#!/usr/bin/env bash
# The GitHub Action's run step. Inputs arrive as environment variables (never pasted into the
# shell line), so paths and versions with spaces or quotes cannot inject commands.
set -euo pipefail

args=(check --fail-on "${INPUT_FAIL_ON:-error}" --format "${INPUT_FORMAT:-github}")
if [ -n "${INPUT_KUBERNETES_VERSION:-}" ]; then args+=(--kubernetes-version "$INPUT_KUBERNETES_VERSION"); fi
if [ -n "${INPUT_CONFIG:-}" ]; then args+=(--config "$INPUT_CONFIG"); fi
if [ -n "${INPUT_SARIF_FILE:-}" ]; then args+=(--output "sarif:$INPUT_SARIF_FILE"); fi
if [ -n "${INPUT_BASELINE:-}" ]; then args+=(--baseline "$INPUT_BASELINE"); fi
if [ "${INPUT_SUMMARY:-true}" = "true" ] && [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  args+=(--output "markdown:$GITHUB_STEP_SUMMARY")
fi

# Context: the repository root unless the input says otherwise; config `context:` wins over the default.
case "${INPUT_CONTEXT:-.}" in
  none) args+=(--no-context) ;;
  .) args+=(--default-context .) ;;
  *) args+=(--context "$INPUT_CONTEXT") ;;
esac

# Only new findings: the revision given, or on a pull request the merge base of its base and head.
rev="${INPUT_NEW_FROM_REV:-}"
if [ -z "$rev" ] && [ "${EVENT_NAME:-}" = "pull_request" ] && [ -n "${PR_BASE_SHA:-}" ]; then
  if ! git cat-file -e "${PR_BASE_SHA}^{commit}" 2>/dev/null; then
    git fetch --no-tags --quiet origin "$PR_BASE_SHA" || true
  fi
  if ! rev=$(git merge-base "$PR_BASE_SHA" HEAD 2>/dev/null); then
    # A shallow clone: fetch the history the merge base needs, then try again.
    git fetch --no-tags --quiet --unshallow origin 2>/dev/null || git fetch --no-tags --quiet --deepen=1000 origin || true
    rev=$(git merge-base "$PR_BASE_SHA" HEAD 2>/dev/null) || {
      echo "::warning title=kubelint::no merge base with ${PR_BASE_SHA} (use actions/checkout with fetch-depth: 0); comparing with it directly"
      rev="$PR_BASE_SHA"
    }
  fi
fi
if [ -n "$rev" ] && [ "$rev" != "none" ]; then args+=(--new-from-rev "$rev"); fi

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
