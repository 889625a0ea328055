"""Print the msgids missing from a catalog as JSON to paste into resources/translations/<lang>/<area>.json.

    .venv/bin/python tests/i18n_missing.py id companion/gui/pages/counter.py
"""

from __future__ import annotations

import json
import sys

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from test_translations import source_msgids

from companion.i18n import catalog

lang = sys.argv[1]
only = sys.argv[2:] if len(sys.argv) > 2 else None
todo = {m: "" for m, where in source_msgids().items()
        if m not in catalog(lang) and (only is None or any(where.startswith(o) for o in only))}
print(json.dumps(todo, ensure_ascii=False, indent=1))
