#!/bin/bash
# Time from starting stepwise in tmux to the library frame on screen:
#   go build -o /tmp/stepwise ./cmd/stepwise && tui/testdata/firstframe.sh STORE.db
# (build a big store with: STEPWISE_GEN_1M=1 go test ./store/storetest -run Million -v).
# Polling capture-pane every 2 ms; the shell's 0.3 s start delay is subtracted.
DB=$1
tmux -L ff kill-server 2>/dev/null
tmux -L ff new -d -s f -x 120 -y 40 "sleep 0.3; exec /tmp/stepwise --db $DB" 
sleep 0.25
start=$(date +%s%N)
while :; do
  if tmux -L ff capture-pane -p -t f | grep -q "all traces"; then break; fi
  sleep 0.002
done
end=$(date +%s%N)
echo "first frame after ~$(( (end-start)/1000000 - 50 )) ms (poll-based, ±5 ms)"
tmux -L ff kill-server
