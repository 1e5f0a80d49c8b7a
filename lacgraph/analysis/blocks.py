"""Cut points of a graph, weighed: what falls apart when one node goes (block-cut tree).

For a node ``v`` in a connected graph, removing ``v`` leaves one piece per biconnected
component (block) holding ``v``; ``v`` is a cut point (articulation point) when that is
two or more. The size of each piece comes from the *block-cut tree* (a tree of blocks and
cut points): every block holds the weight of its nodes that are not cut points, every cut
point its own, and the pieces of ``v`` are the subtrees of its child blocks plus the rest of
its component. Subtree sums run level by level (deepest first), vectorised.
"""

from __future__ import annotations

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import breadth_first_order, connected_components, shortest_path


def cut_off_by_node(n: int, blocks: list[list[int]], weight: np.ndarray
                    ) -> tuple[np.ndarray, np.ndarray]:
    """Return, per node, the pieces its component falls into without it, and the weight
    outside the largest piece.

    Parameters
    ----------
    n : int
        Number of nodes.
    blocks : list of lists of int
        The biconnected components (igraph's ``biconnected_components``), as node lists.
    weight : numpy.ndarray
        What is counted per node (1 for a person, 0 for a group).

    Returns
    -------
    (pieces, cut_off) : two int64 arrays of length ``n``
        ``pieces`` is the number of blocks holding the node (the pieces left without it;
        0 for a node with no tie); ``cut_off`` the weight outside the largest piece (0 for
        a node that is not a cut point).

    Examples
    --------
    A star: the hub (0) holds three blocks; without it, two of three leaves are cut off.

    >>> pieces, cut_off = cut_off_by_node(4, [[0, 1], [0, 2], [0, 3]], np.ones(4, int))
    >>> pieces.tolist(), cut_off.tolist()
    ([3, 1, 1, 1], [2, 0, 0, 0])
    """
    n_blocks = len(blocks)
    sizes = np.fromiter((len(b) for b in blocks), dtype=np.int64, count=n_blocks)
    member = np.fromiter((v for b in blocks for v in b), dtype=np.int64, count=int(sizes.sum()))
    block_of = np.repeat(np.arange(n_blocks), sizes)
    pieces = np.bincount(member, minlength=n)  # blocks per node = pieces left without it
    cut = pieces >= 2
    # tree nodes: blocks 0..b-1, then every node b..b+n-1 (non-cut ones stay unattached)
    own = weight.copy()
    own[cut] = 0
    block_weight = np.bincount(block_of, weights=own[member], minlength=n_blocks)
    tree_weight = np.concatenate([block_weight, np.where(cut, weight, 0).astype(float), [0.0]])
    link = cut[member]
    root = n_blocks + n
    # join every tree (one per component) to one super root
    tree = coo_matrix((np.ones(int(link.sum())), (block_of[link], n_blocks + member[link])),
                      shape=(root + 1, root + 1)).tocsr()
    _, comp = connected_components(tree, directed=False)
    first_block = np.unique(comp[:n_blocks], return_index=True)[1]  # one block per tree
    extra = coo_matrix((np.ones(len(first_block)), (np.full(len(first_block), root),
                                                    first_block)), shape=tree.shape)
    tree = (tree + extra).tocsr()
    order, parent = breadth_first_order(tree, root, directed=False, return_predecessors=True)
    depth = shortest_path(tree, indices=root, directed=False, unweighted=True)
    reached = order[1:]
    reached = reached[np.argsort(-depth[reached], kind="stable")]  # deepest first
    levels = np.flatnonzero(np.diff(depth[reached])) + 1
    subtree = tree_weight.copy()
    for at_level in np.split(reached, levels):
        np.add.at(subtree, parent[at_level], subtree[at_level])
    # a cut node's pieces: each child block's subtree, and the rest of its component
    labels = np.unique(comp[:n_blocks])
    comp_total = np.zeros(comp.max() + 1)
    comp_total[labels] = subtree[first_block]
    cuts = np.flatnonzero(cut)
    tnode = n_blocks + cuts
    total = comp_total[comp[tnode]]
    parent_side = total - subtree[tnode]
    blocks_ids = np.arange(n_blocks)
    child = blocks_ids[(parent[:n_blocks] >= n_blocks) & (parent[:n_blocks] < root)]
    child_max = np.zeros(root + 1)
    np.maximum.at(child_max, parent[child], subtree[child])
    largest = np.maximum(parent_side, child_max[tnode])
    out = np.zeros(n)
    out[cuts] = total - weight[cuts] - largest
    return pieces, np.rint(out).astype(np.int64)
