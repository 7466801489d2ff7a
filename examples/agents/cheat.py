#!/usr/bin/env python3
"""Agents built to cheat, over rehearse's stdio protocol (PROTOCOL.md), writing free text only (no act: the scenario's
tagger reads it). rehearse must give none of them success.

    python3 cheat.py refuse       refuses every request at once, then closes (each admissible refusal is wrongful)
    python3 cheat.py claim-done   says the request is done without calling a tool, then closes
    python3 cheat.py close-now    closes at its first turn

    rehearse run --agent 'cmd:python3 examples/agents/cheat.py refuse' --episodes 1000

Standard library only.
"""
import json
import sys

FIRST = {
    "refuse": {"say": "I'm sorry, I can't help with that."},
    "claim-done": {"say": "All done, everything is sorted on my end."},
    "close-now": {"say": "Thanks for reaching out, goodbye."},
}


def main():
    mode = sys.argv[1] if len(sys.argv) > 1 else "refuse"
    if mode not in FIRST:
        sys.exit(f"unknown mode {mode!r}; one of {', '.join(FIRST)}")
    spoken = set()
    for line in sys.stdin:
        message = json.loads(line)
        if message["type"] == "hello":
            reply = {"type": "hello", "protocol": 1, "name": f"cheat-{mode}"}
        elif message["type"] == "turns":
            for episode in message["ended"]:
                spoken.discard(episode)
            actions = []
            for observation in message["batch"]:
                if observation["episode"] in spoken:
                    actions.append({"say": "Goodbye."})
                else:
                    spoken.add(observation["episode"])
                    actions.append(FIRST[mode])
            reply = {"type": "actions", "actions": actions}
        else:
            continue
        print(json.dumps(reply), flush=True)


if __name__ == "__main__":
    main()
