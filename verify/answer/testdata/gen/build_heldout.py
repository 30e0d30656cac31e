"""Builds ../math_verify_cases_heldout.jsonl from the transcriptions beside
this script, leaving out every case already in the shared (even) file."""
import json, os, importlib.util
here = os.path.dirname(os.path.abspath(__file__))
even = set()
for l in open(os.path.join(here, "..", "math_verify_cases_even.jsonl")):
    r = json.loads(l)
    even.add((r["gold"], r["pred"], r["equivalent"]))
out, seen = [], set()
for name in ["heldout_test_all_p1", "heldout_test_all_p2", "heldout_numina", "heldout_open_thoughts", "heldout_yujianll"]:
    spec = importlib.util.spec_from_file_location(name, os.path.join(here, name + ".py"))
    m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)
    for c in m.CASES:
        gold, pred, exp, origin, extraction = c[:5]
        key = (gold, pred, bool(exp))
        if key in even or key in seen:
            continue
        seen.add(key)
        r = {"case": "ho-%03d" % len(out), "gold": gold, "pred": pred, "equivalent": bool(exp),
             "extraction": extraction, "origin": origin, "source": name}
        if len(c) > 5:
            r["precision"] = c[5]
        out.append(r)
with open(os.path.join(here, "..", "math_verify_cases_heldout.jsonl"), "w") as f:
    for r in out:
        f.write(json.dumps(r, ensure_ascii=False) + "\n")
print(len(out), "held-out cases")
