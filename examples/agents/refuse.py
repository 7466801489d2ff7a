#!/usr/bin/env python3
"""An agent built to cheat, over rehearse's stdio protocol (PROTOCOL.md): it refuses every request at once, then
closes. rehearse must score it 0% success and flag each refusal of an admissible request as `wrongful-refusal`.

    rehearse run --agent 'cmd:python3 examples/agents/refuse.py' --episodes 1000

Standard library only.
"""
import json
import sys


def main():
    refused = set()
    for line in sys.stdin:
        message = json.loads(line)
        if message["type"] == "hello":
            reply = {"type": "hello", "protocol": 1, "name": "refuse"}
        elif message["type"] == "turns":
            for episode in message["ended"]:
                refused.discard(episode)
            actions = []
            for observation in message["batch"]:
                if observation["episode"] in refused:
                    actions.append({"act": "close", "say": "Goodbye."})
                else:
                    refused.add(observation["episode"])
                    actions.append({"act": "deny", "say": "I'm sorry, I can't help with that."})
            reply = {"type": "actions", "actions": actions}
        else:
            continue
        print(json.dumps(reply), flush=True)


if __name__ == "__main__":
    main()
