#!/bin/sh
# Runs a command (DynamoDB Local's java) and ends it when this script's standard input reaches end of file.
# The runtime that starts this script holds the only writing end of that pipe, and the kernel closes it
# whenever the runtime ends: a clean stop, a crash, or a SIGKILL that no handler sees. So Java never
# outlives the runtime. Usage: sh end-with-parent.sh <command> [args...] with stdin a pipe from the parent.

exec 3<&0
# The command gets no stdin and not the pipe either: only this script may hold the reading end.
"$@" 0</dev/null 3<&- &
child=$!

# The watcher: reads until end of file (nothing is ever written), then TERM, and KILL after 5 s.
{
  while read -r _; do :; done
  kill -TERM "$child" 2>/dev/null
  tries=0
  while kill -0 "$child" 2>/dev/null && [ "$tries" -lt 50 ]; do
    sleep 0.1
    tries=$((tries + 1))
  done
  kill -KILL "$child" 2>/dev/null
} 0<&3 &
watcher=$!
exec 3<&-

# The command ending by itself (a port in use, a crash) ends this script too, with its status.
wait "$child"
status=$?
kill "$watcher" 2>/dev/null
exit "$status"
