"""Builds `vngov_speedups.walk`, the C twin of crawler.generic.lines' walk (see walk.pyx).

Optional by design: where there is no C compiler or no Python headers, the build is skipped with
a warning and the package installs without the extension; crawler.generic.lines then runs its
Python walk, which gives the same answers, slower. Built against the headers in lxml's wheel
(the same lxml version as the runtime's: pyproject.toml pins both).
"""
from __future__ import annotations

import hashlib
import sys
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "vngov_speedups" / "walk.pyx"


class OptionalBuildExt(build_ext):
    """build_ext that warns instead of failing: the project runs without the extension."""

    def run(self) -> None:
        try:
            super().run()
        except Exception as error:  # noqa: BLE001 - any build failure means: no extension
            self._skip(error)

    def build_extension(self, ext: Extension) -> None:
        try:
            super().build_extension(ext)
        except Exception as error:  # noqa: BLE001
            # A failed build must not leave an earlier one (speedups/build/ of a previous install)
            # to be packaged as if it were this one.
            Path(self.get_ext_fullpath(ext.name)).unlink(missing_ok=True)
            self._skip(error)

    @staticmethod
    def _skip(error: Exception) -> None:
        print(f"vngov-speedups: the C walk was not built ({error}); the Python walk will be used "
              "(same answers, slower)", file=sys.stderr)


def extensions() -> list[Extension]:
    try:
        import lxml
        from Cython.Build import cythonize
    except ImportError as error:
        print(f"vngov-speedups: cannot build the C walk ({error})", file=sys.stderr)
        return []
    digest = hashlib.sha256(SOURCE.read_bytes()).hexdigest()
    (SOURCE.parent / "source_hash.pxi").write_text(f'SOURCE_HASH = "{digest}"\n')
    return cythonize([Extension("vngov_speedups.walk", [str(SOURCE.relative_to(HERE))],
                                include_dirs=lxml.get_include())],
                     compiler_directives={"language_level": 3}, quiet=True)


setup(ext_modules=extensions(), cmdclass={"build_ext": OptionalBuildExt})
