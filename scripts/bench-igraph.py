"""The yardstick for `blastmap analyze` at scale: python-igraph reading the same native JSON
topology into a graph (one node per component and placement value, one edge per `requires`,
`requires_at_start`, `monitored_by` and placement), then its strongly connected components,
articulation points and dominators. Not part of the tests; igraph is not a dependency.

    python3 -m venv /tmp/igv && /tmp/igv/bin/pip install igraph
    target/release/blastmap generate --edges 1000000 > /tmp/g1m.json
    /usr/bin/time -f '%e s' /tmp/igv/bin/python scripts/bench-igraph.py /tmp/g1m.json
    /usr/bin/time -f '%e s' target/release/blastmap analyze /tmp/g1m.json > /dev/null
"""

import json
import sys
import time

import igraph

PLACEMENT = ("region", "zone", "host", "provider", "power", "network")
EDGES = ("requires", "requires_at_start", "monitored_by")


def main(path):
    start = time.perf_counter()
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    ids = {}

    def node(name):
        return ids.setdefault(name, len(ids))

    edges = []
    for c in doc["components"]:
        v = node(c["id"])
        edges.extend((v, node(u)) for field in EDGES for u in c.get(field, []))
        edges.extend((v, node(f"{a}:{c[a]}")) for a in PLACEMENT if a in c)
    g = igraph.Graph(n=len(ids), edges=edges, directed=True)
    loaded = time.perf_counter()
    g.connected_components(mode="strong")
    sccs = time.perf_counter()
    g.as_undirected().articulation_points()
    aps = time.perf_counter()
    g.dominator(0, mode="out")
    done = time.perf_counter()
    print(
        f"{g.vcount()} nodes, {g.ecount()} edges: load {loaded - start:.2f} s, "
        f"SCC {sccs - loaded:.2f} s, articulation points {aps - sccs:.2f} s, "
        f"dominators {done - aps:.2f} s, {done - start:.2f} s in all"
    )


if __name__ == "__main__":
    main(sys.argv[1])
