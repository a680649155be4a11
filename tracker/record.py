"""``Record``: value equality and a readable repr for plain classes of named fields.

The records the hot commands build (views, board lines, rules, the context) are plain classes
rather than dataclasses: importing ``dataclasses`` (and ``inspect`` with it) and generating
their methods cost some 20 ms of every command's 70-90 ms (issue 15). A record's fields are its
``__slots__`` when it has them, else its attributes, in the order ``__init__`` set them.
"""

from __future__ import annotations


class Record:
    """Equal to another record of the same class with equal fields; shown with its fields.

    Defining ``__eq__`` leaves a record unhashable, as a dataclass is unless frozen.
    """

    __slots__ = ()

    def _fields(self) -> tuple[tuple[str, object], ...]:
        names = type(self).__slots__
        if names:
            return tuple((n, getattr(self, n)) for n in names)
        return tuple(vars(self).items())

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, Record)
        return self._fields() == other._fields()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(f'{n}={v!r}' for n, v in self._fields())})"
