"""Where each row of a list sits in the sector and region trees, stored for counting.

A ``TreeMembership`` row says that a case, organisation or policy (``member``) is under a node
(``node``) of the sector or region tree through one of its links (``relation``, a code of
``catalog.tree_index.RELATIONS``): the node it links to and every node above it, each pair once.
A tree facet or the /sectors/ page then counts a node's rows with one ``GROUP BY node`` over an
index, instead of joining the tree once per level and removing the duplicates.

The table is derived from the link tables and the trees and kept current by
``catalog.tree_index`` (signals for saves in the admin and in code; the catalogue load and the
generator rebuild it after their bulk inserts; ``manage.py rebuild_tree_index`` rebuilds it).
It is not catalogue data: its default manager reads no rows, so that ``dumpdata`` (and the
exports built on it) leave it out; ``TreeMembership.rows`` reads them.
"""

from django.db import models


class NoRows(models.Manager):
    def get_queryset(self):
        return super().get_queryset().none()


class TreeMembership(models.Model):
    # The pair is the key (and the index the counts read): a row the same in every database
    # the catalogue moves to, whatever order the pairs were written in.
    pk = models.CompositePrimaryKey("relation", "node", "member")
    relation = models.PositiveSmallIntegerField()
    node = models.IntegerField()
    member = models.IntegerField()

    rows = models.Manager()
    objects = NoRows()

    class Meta:
        default_manager_name = "objects"
        default_permissions = ()
        indexes = [
            # Upkeep (one row's memberships) and counting a few rows; the counts read the key.
            models.Index(fields=["relation", "member", "node"], name="catalog_tree_member_node"),
        ]

    def __str__(self):
        return f"{self.relation}: {self.member} under {self.node}"
