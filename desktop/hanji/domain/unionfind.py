"""Disjoint sets over ``0..n-1`` (union by smaller root, path halving): the grouping under
connected text components, reading-order lines and duplicate-image groups."""

from __future__ import annotations


class UnionFind:
    def __init__(self, n: int):
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        parent = self.parent
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def join(self, a: int, b: int) -> None:
        """Put ``a`` and ``b`` in one set, whose root is the smaller of the two roots."""
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)
