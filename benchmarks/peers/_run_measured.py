"""Run a command, then write its own peak RSS and wall time as JSON to a file.

    python _run_measured.py OUT.json CMD [ARGS...]

Used as Brian2's ``devices.cpp_standalone.run_cmd_unix`` so that the generated binary's memory is
measured on its own (os.wait4 returns the rusage of exactly that child, not of the compiler).
"""

import json
import os
import subprocess
import sys
import time

out, cmd = sys.argv[1], sys.argv[2:]
t0 = time.perf_counter()
proc = subprocess.Popen(cmd)
_, status, usage = os.wait4(proc.pid, 0)
wall = time.perf_counter() - t0
proc.returncode = os.waitstatus_to_exitcode(status)
with open(out, "w") as f:
    json.dump({"maxrss_mb": usage.ru_maxrss / 1024.0, "wall_s": wall, "returncode": proc.returncode}, f)
sys.exit(proc.returncode)
