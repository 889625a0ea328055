"""A fourth channel that exists only in the tests ("Warungku", a made-up marketplace): one package with its
credentials, connector, practice routes and spec, registered with `registry.register(SPEC)`. It proves that adding a
channel touches no shared file: nothing under companion/ or resources/ names it."""
