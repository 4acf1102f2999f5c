#!/usr/bin/env python3
"""Drain3 throughput on a content-mode corpus (one message per line).

Usage: drain3_run.py CORPUS

Reads every line (the trailing newline stripped, nothing else), then times
`TemplateMiner.add_log_message(line)` over all of them with drain3's default configuration
(`TemplateMinerConfig()`: similarity threshold 0.4, depth 4, max 100 children, no masking, no
persistence). Reading the file is not timed. Prints one line:

    drain3 messages=N seconds=S msgs_per_s=R clusters=C
"""

import sys
import time

from drain3 import TemplateMiner
from drain3.template_miner_config import TemplateMinerConfig


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit("usage: drain3_run.py CORPUS")
    with open(sys.argv[1], encoding="utf-8", errors="surrogateescape") as f:
        lines = [line[:-1] if line.endswith("\n") else line for line in f]
    # An explicit default config: TemplateMiner() would also read ./drain3.ini if present.
    miner = TemplateMiner(config=TemplateMinerConfig())
    add = miner.add_log_message
    t0 = time.perf_counter()
    for line in lines:
        add(line)
    dt = time.perf_counter() - t0
    n = len(lines)
    print(
        f"drain3 messages={n} seconds={dt:.3f} msgs_per_s={n / dt:.0f} "
        f"clusters={len(miner.drain.clusters)}"
    )


if __name__ == "__main__":
    main()
