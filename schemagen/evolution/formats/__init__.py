"""Per-format evolution rules: ``check(old, new) -> list[Finding]`` for each source format."""
