# stepwise sandbox harness. Runs inside bubblewrap as the first and only
# trusted Python code: it lowers the resource limits, reads the responses as
# data (JSON), compiles the generated checker from its own file and calls its
# entry function once per response. The responses are never pasted into source.
import json
import resource
import sys
import traceback


def lower_limits(spec):
    for name, value in spec.items():
        which = getattr(resource, name)
        resource.setrlimit(which, (value, value))


def arity(fn):
    code = getattr(fn, "__code__", None)
    if code is None:
        return 1
    return code.co_argcount - (1 if hasattr(fn, "__self__") else 0)


def main():
    lower_limits(json.loads(sys.argv[1]))
    with open("/sandbox/in/input.json", encoding="utf-8") as f:
        data = json.load(f)
    with open("/sandbox/in/check.py", encoding="utf-8") as f:
        source = f.read()
    entry = data["entry"]
    responses = data["responses"]
    namespace = {"__name__": "__check__"}
    exec(compile(source, "check.py", "exec"), namespace)
    fn = namespace.get(entry)
    if not callable(fn):
        print("check.py defines no function named %s" % entry, file=sys.stderr)
        return 3
    status = 0
    for item in responses:
        print("=== %s ===" % item["label"], flush=True)
        try:
            if arity(fn) >= 2:
                fn(item["text"], item["steps"])
            else:
                fn(item["text"])
        except Exception:
            traceback.print_exc()
            status = 1
        sys.stdout.flush()
    return status


sys.exit(main())
