#!/usr/bin/env bash
# The README opens with exactly two commands, and .ci/run runs the second one as written.
set -u
root=$1
readme=$root/README.md
mapfile -t blocks < <(awk '/^```sh$/{getline; print}' "$readme")
[ "${#blocks[@]}" -ge 2 ] || { echo "FAIL: README has fewer than two sh blocks"; exit 1; }
grep -qxF -- "${blocks[1]}" "$root/.ci/run" || { echo "FAIL: .ci/run does not run README command 2: ${blocks[1]}"; exit 1; }
case "${blocks[0]}" in *fahras-search*"اتفاقية الشراكة"*) ;; *) echo "FAIL: command 1 has no sample search"; exit 1 ;; esac
echo "readme: 2 passed, 0 failed"
