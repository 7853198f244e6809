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

exec "${KUBELINT:-kubelint}" "${args[@]}" -- "${paths[@]}"
