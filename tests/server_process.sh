# shellcheck shell=bash
# Shared by the shell tests (sourced, not run): waiting for a server process
# started in the background to be up, on the event itself.

# wait_for_port_file FILE PID: waits until FILE (a --port_file, written
# atomically once the server listens) is non-empty. Returns 1 at once if PID
# exits first, or after 60 s (a bound on a hang, never a verdict on speed).
wait_for_port_file() {
  local file=$1 pid=$2 i
  for i in $(seq 1200); do
    [ -s "$file" ] && return 0
    kill -0 "$pid" 2>/dev/null || { [ -s "$file" ] && return 0; return 1; }
    if [ "$i" -le 20 ]; then sleep 0.01; else sleep 0.05; fi
  done
  return 1
}

# wait_until SECONDS COMMAND...: runs COMMAND until it succeeds, for at most
# SECONDS (a bound on a hang). Returns COMMAND's last status.
wait_until() {
  local seconds=$1 end; shift
  end=$(( $(date +%s) + seconds ))
  until "$@"; do
    [ "$(date +%s)" -lt "$end" ] || return 1
    sleep 0.05
  done
}
