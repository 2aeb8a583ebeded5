"""``import schemagen.dask``: datasets written, read and converted by Dask distributed
(extra ``dask``).

See :mod:`schemagen.adapters.dask`."""

from .adapters.dask import convert, read, read_dataframe, write

__all__ = ["convert", "read", "read_dataframe", "write"]
