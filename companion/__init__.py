"""Seller Companion: the shop's own offline record of sales and stock."""

__version__ = "0.1.0"


def version_text() -> str:
    """The version, with the commit and build date a packaged app carries (written by build_scripts/companion.spec),
    so support can tell which build a shop runs."""
    try:
        from companion_build_info import BUILD_DATE, COMMIT  # only inside a built app
    except ImportError:
        return f"{__version__} (from source)"
    return f"{__version__} (commit {COMMIT}, built {BUILD_DATE})"
