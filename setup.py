"""Build of the optional C accelerator (everything else is in pyproject.toml).

``optional=True``: where the extension cannot be built (no C compiler, ``CC=false``),
setuptools prints a warning and the install goes on; schemagen then uses its
pure-Python column builders (``schemagen --version`` says which are active)."""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "schemagen.runtime.native._columns",
            ["schemagen/runtime/native/_columns.c", "schemagen/runtime/native/_read.c"],
            depends=["schemagen/runtime/native/_columns.h"],
            optional=True,
            extra_compile_args=["-O2", "-std=c11", "-Wall", "-Wextra", "-Wno-unused-parameter",
                                "-Wno-missing-field-initializers"],
        )
    ]
)
