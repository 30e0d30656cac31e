#!/usr/bin/env python3
"""Rebuild openai_chat_from_inspect.jsonl from the Inspect logs in ../samples/inspect_ai.

Each record is one raw OpenAI Chat Completions request found in a log at
samples[].events[event=="model"].call.request, with the response's first
choice message appended to messages, the response's model and usage, and the
request's tools. Inspect's "attachment://<hash>" / "tc://<hash>" references are
resolved through the sample's attachments (and transcript.content) first.
Run from this directory: python3 extract_openai_chat.py > openai_chat_from_inspect.jsonl
"""
import json
import re

SRC = "../samples/inspect_ai/"
PICKS = [  # (file, sample id, index of the model event)
    ("evallog_v2_browser_agent_toolcalls.json", 1, 36),
    ("evallog_v2_model_graded_fact.json", 1, 6),
    ("evallog_v2_model_graded_fact.json", 1, 10),
    ("evallog_v2_popularity_multisample.json", 3, 7),
    ("evallog_v2_log_formats.json", 1, 5),
]
REF = re.compile(r"^(?:attachment|tc)://([0-9a-f]{32})$")


def resolve(o, texts):
    if isinstance(o, str):
        m = REF.match(o)
        return texts[m.group(1)] if m and m.group(1) in texts else o
    if isinstance(o, list):
        return [resolve(x, texts) for x in o]
    if isinstance(o, dict):
        return {k: resolve(v, texts) for k, v in o.items()}
    return o


for fname, sid, ev in PICKS:
    log = json.load(open(SRC + fname))
    s = next(x for x in log["samples"] if x["id"] == sid)
    texts = dict(s.get("attachments") or {})
    texts.update((s.get("transcript") or {}).get("content") or {})
    events = s.get("events") or s["transcript"]["events"]
    call = resolve(events[ev]["call"], texts)
    req, resp = call["request"], call["response"]
    rec = {"id": f"{fname}#sample{sid}/event{ev}", "model": resp["model"],
           "messages": req["messages"] + [resp["choices"][0]["message"]]}
    if req.get("tools"):
        rec["tools"] = req["tools"]
    rec["usage"] = resp["usage"]
    print(json.dumps(rec, ensure_ascii=False))
