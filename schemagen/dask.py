"""``import schemagen.dask``: datasets written and read by Dask distributed (extra ``dask``).

See :mod:`schemagen.adapters.dask`."""

from .adapters.dask import read, read_dataframe, write

__all__ = ["read", "read_dataframe", "write"]
