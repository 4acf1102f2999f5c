#!/usr/bin/env python3
"""Write N messages: the given files' lines, repeated, with their numbers changed each round.

Usage: vary_numbers.py N FILE...

Round 0 is the files' lines as they are. In round r > 0 every number written as a token of its
own (a run of digits with no letter, digit or `:` on either side: `blk_-1608`, `10.0.0.77`,
`size 6710`, not the digits of `0x7f3a`, `a3f9`, `20:28:17` or `host:8080`) is changed, so that
it stays what it was:
  - above 255: plus r;
  - 32 to 255: plus r, wrapping within 32..255 (an address stays an address);
  - 0 to 31 (days of a month, small counts): unchanged.
A message repeats verbatim only when it has no changed number, as in real logs, where ids,
sizes and addresses change and fixed texts repeat.
Output goes to stdout; deterministic; stdlib only.
"""

import re
import sys

NUMBER = re.compile(r"(?<![A-Za-z0-9:])\d+(?![A-Za-z0-9:])")


def main() -> None:
    if len(sys.argv) < 3:
        sys.exit("usage: vary_numbers.py N FILE...")
    n = int(sys.argv[1])
    lines = []
    for path in sys.argv[2:]:
        with open(path, encoding="utf-8", errors="surrogateescape") as f:
            lines += [line[:-1] if line.endswith("\n") else line for line in f]
    if not lines:
        sys.exit("vary_numbers.py: the input files are empty")
    out = sys.stdout
    written, r = 0, 0
    while written < n:

        def bump(m: "re.Match[str]", r: int = r) -> str:
            v = int(m.group(0))
            if v < 32:
                return m.group(0)
            return str(32 + (v - 32 + r) % 224 if v <= 255 else v + r)

        for line in lines[: n - written]:
            out.write((NUMBER.sub(bump, line) if r else line) + "\n")
        written += min(len(lines), n - written)
        r += 1


if __name__ == "__main__":
    sys.stdout.reconfigure(encoding="utf-8", errors="surrogateescape")
    main()
