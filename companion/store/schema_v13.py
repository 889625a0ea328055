"""Schema version 13: speed (issue 21). Two parts, each in its own file so each can be read alone:
- schema_v13_sales.py: what makes recording a counter sale cheaper (see its docstring);
- schema_v13_inbox.py: the inbox list's ordering kept in an index (see its docstring).
"""

from companion.store.schema_v13_inbox import INBOX
from companion.store.schema_v13_sales import SALES

V13 = SALES + INBOX
