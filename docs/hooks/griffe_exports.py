"""Griffe extension: a package name that is both a submodule and the function it exports.

``seqlab/models/__init__.py`` does ``from seqlab.models.build import build``: at run time
``seqlab.models.build`` is the function, but a static reading sees the submodule and the
API reference would lose ``build``, ``summary``, ``save``, ``load``, ``repeat`` … This
extension points each such exported name at the object, as Python does.
"""

from __future__ import annotations

from typing import Any

import griffe


class ExportedShadows(griffe.Extension):
    """Replace a package member that is a submodule by the same-named object it exports."""

    def on_package(self, *, pkg: griffe.Module, **kwargs: Any) -> None:
        self._fix(pkg)

    def _fix(self, module: griffe.Module) -> None:
        for name, member in list(module.members.items()):
            if member.is_alias or not member.is_module:
                continue
            exported = name in (module.exports or ())
            if exported and name in member.members:
                module.set_member(name, griffe.Alias(name, member.members[name], parent=module))
            else:
                self._fix(member)
