#!/usr/bin/env python3
"""Creates a source bucket directory: COUNT files of SIZE bytes under nested folders.

Files are spread FANOUT per folder over two folder levels, as object keys usually are.
SIZE may be MIN:MAX: the sizes then step evenly from MIN to MAX (their mean is (MIN + MAX) / 2).
Contents are random (incompressible) but written from one reused block, so even a million
files or gigabytes take little more than the file system's own time.
"""
import os, sys

def main():
    root, count = sys.argv[1], int(sys.argv[2])
    low, _, high = sys.argv[3].partition(":")
    low, high = int(low), int(high or low)
    fanout = int(sys.argv[4]) if len(sys.argv) > 4 else 1000
    block = os.urandom(min(high, 1 << 20)) if high else b""
    made_dirs = set()
    for i in range(count):
        d = os.path.join(root, "d%03d" % (i // (fanout * fanout) % 1000), "e%03d" % (i // fanout % fanout))
        if d not in made_dirs:
            os.makedirs(d, exist_ok=True)
            made_dirs.add(d)
        fd = os.open(os.path.join(d, "obj%07d" % i), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        size = low + (high - low) * i // max(count - 1, 1)
        try:
            left = size
            while left > 0:
                # Vary each file's first bytes so no two files are the same object.
                chunk = block[: min(left, len(block))]
                if left == size and len(chunk) >= 8:
                    chunk = i.to_bytes(8, "little") + chunk[8:]
                os.write(fd, chunk)
                left -= len(chunk)
        finally:
            os.close(fd)

if __name__ == "__main__":
    main()
