#!/usr/bin/env python3
"""Dump a cache built by mkcache.py into the trees/<preset>.tsv format.

usage: dump_tree.py CACHE_DIR NOW_EPOCH > preset.tsv
Files with allocated blocks keep their content (base64); others are sparse.
"""
import base64, os, sys

root, now = sys.argv[1], float(sys.argv[2])
print("# kind\tpath\tsize\tsymlink_target\tatime_seconds_ago\tmtime_seconds_ago\tcontent_base64")
rows = []
for dirpath, dirnames, filenames in os.walk(root):
    for name in dirnames + filenames:
        p = os.path.join(dirpath, name)
        rel = os.path.relpath(p, root)
        st = os.lstat(p)
        if os.path.islink(p):
            rows.append(("l", rel, 0, os.readlink(p), "", "", ""))
            continue
        at, mt = "%.3f" % (now - st.st_atime), "%.3f" % (now - st.st_mtime)
        if os.path.isdir(p):
            rows.append(("d", rel, 0, "", at, mt, ""))
        else:
            content = ""
            if st.st_blocks > 0:
                with open(p, "rb") as f:
                    content = base64.b64encode(f.read()).decode()
            rows.append(("f", rel, st.st_size, "", at, mt, content))
rows.sort(key=lambda r: r[1])
for r in rows:
    print("\t".join(str(x) for x in r))
