#!/usr/bin/env python3
"""Medians and ratios from bench/results/*.tsv as Markdown tables (stdout)."""
import csv, glob, os, re, statistics, sys

def load(path):
    rows = {}
    with open(path) as f:
        for r in csv.DictReader(f, delimiter="\t"):
            rows.setdefault(r["tool"], []).append(r)
    return rows

def sizes(path):
    out = {}
    if os.path.exists(path):
        for line in open(path):
            k, v = line.split("\t")
            out[k] = int(v)
    return out

def agent_seconds(work, name, tool, runs):
    """The agent's own elapsed time (after pwsh start, import and task creation), from its log."""
    found = []
    for r in runs:
        try:
            m = re.search(r"agent_seconds=([0-9.]+)", open(os.path.join(work, name, f"{tool}-{r['run']}.log")).read())
        except OSError:
            m = None
        if m:
            found.append(float(m.group(1)))
    return f"{statistics.median(found):.2f}" if found else ""

def main(results, work):
    print("| workload | tool | runs | wall s | agent s | cpu s (user+sys) | peak RSS MB | objects/s | MiB/s |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    ratios = []
    for tsv in sorted(glob.glob(os.path.join(results, "*.tsv"))):
        name = os.path.basename(tsv)[:-4]
        rows, size = load(tsv), sizes(tsv[:-4] + ".size")
        med = {}
        for tool, rs in rows.items():
            wall = statistics.median(float(r["wall"]) for r in rs)
            cpu = statistics.median(float(r["user"]) + float(r["sys"]) for r in rs)
            rss = statistics.median(int(r["rss_kb"]) for r in rs) / 1024
            med[tool] = (wall, cpu)
            ops = size.get("objects", 0) / wall if wall else 0
            mib = size.get("bytes", 0) / wall / 2**20 if wall else 0
            agent = agent_seconds(work, name, tool, rs) if tool.startswith("mspmigration") and tool != "mspmigration-warm" else ""
            print(f"| {name} | {tool} | {len(rs)} | {wall:.2f} | {agent} | {cpu:.2f} | {rss:.0f} | {ops:,.0f} | {mib:,.0f} |")
        if "mspmigration" in med and "mspmigration-nofsync" in med:
            (w, c), (wn, cn) = med["mspmigration"], med["mspmigration-nofsync"]
            ratios.append(f"| {name} | mspmigration (fsync on) | mspmigration-nofsync | {wn / w:.2f}x | {c / cn:.2f}x |")
        for ours in ("mspmigration", "mspmigration-warm", "mspmigration-nofsync"):
            if ours not in med:
                continue
            w, c = med[ours]
            for peer in ("rclone", "cp"):
                if peer in med:
                    ratios.append(f"| {name} | {ours} | {peer} | {med[peer][0] / w:.2f}x | {c / med[peer][1]:.2f}x |")
        if "bytes_per_object" in size:
            ratios.append(f"| {name} | mspmigration | control plane | {size['controlplane_bytes']:,} bytes | {size['bytes_per_object']} bytes/object |")
    print()
    print("| workload | ours | vs | speed (peer wall / our wall) | cpu (our cpu / peer cpu) |")
    print("| --- | --- | --- | --- | --- |")
    print("\n".join(ratios))

if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "")
