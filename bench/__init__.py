"""Speed measures of Seller Companion against plain baselines on the same machine (`python -m bench`)."""
