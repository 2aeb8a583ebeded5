"""Input formats, one module each, behind the protocol of ``base`` (``Source``)."""
