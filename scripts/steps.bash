# Timed steps, sourced by scripts/setup and scripts/test: `step NAME` says how
# long the step before it took and starts NAME, so a slow run shows where its
# time went. `step_name` and `step_start` describe the step under way.
step_start=$(date +%s)
step_name=
step() {
  local now
  now=$(date +%s)
  [ -n "$step_name" ] && printf '(%s: %d s)\n' "$step_name" $((now - step_start))
  step_name=$*
  step_start=$now
  printf '\n== %s\n' "$*"
}
