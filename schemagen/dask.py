"""``import schemagen.dask``: datasets read by Dask distributed (extra ``dask``).

See :mod:`schemagen.adapters.dask`."""

from .adapters.dask import read, read_dataframe

__all__ = ["read", "read_dataframe"]
