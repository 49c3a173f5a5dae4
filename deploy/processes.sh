# The services run-local.sh and local-network.sh start as background processes, each with a
# pid file. Sourced by both.

stop_pids() { # folder of pid files: each process gets SIGTERM and 5 s to drain
  local pidfile pid
  for pidfile in "$1"/*.pid; do
    [ -f "$pidfile" ] || continue
    pid=$(cat "$pidfile")
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid"
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    fi
    rm -f "$pidfile"
  done
}

wait_listening() { # port pidfile log what: until the port answers, or the process has ended
  for _ in $(seq 1 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
    kill -0 "$(cat "$2")" 2>/dev/null || break
    sleep 0.2
  done
  echo "$4 did not start; see $3" >&2
  tail -n 20 "$3" >&2
  exit 1
}
