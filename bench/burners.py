"""CPU burners for the benches that run something under load.

Each burner is a busy loop in a process group of its own. It burns for as long as the bench runs,
however long that is: a fixed lifetime (a `timeout 600` here once) ran out after the first of ten
loaded runs, and the other nine then ran on an idle machine while the bench reported them as
loaded. The loop checks that the bench's process is still alive (`kill -0`, a shell builtin, so
no fork), so a bench that is killed outright leaves no burner behind; the context manager kills
them all on any other exit. `alive()` tells the bench whether they all still burn.
"""

import os
import subprocess


class Burners:
    def __init__(self, count):
        self.count = count
        self.procs = []

    def __enter__(self):
        loop = f"while kill -0 {os.getpid()} 2>/dev/null; do :; done"
        self.procs = [subprocess.Popen(["sh", "-c", loop], start_new_session=True)
                      for _ in range(self.count)]
        return self

    def alive(self):
        """How many burners still burn (all of them, unless something killed one)."""
        return sum(p.poll() is None for p in self.procs)

    def __exit__(self, *_):
        for p in self.procs:
            try:
                os.killpg(p.pid, 9)
            except ProcessLookupError:
                pass
            p.wait()
        return False
