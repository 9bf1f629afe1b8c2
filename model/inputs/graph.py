"""The commodity / technology graph, checked before any model is built.

Edges run from a commodity to each technology consuming it, from a technology
to what it makes (main output, by-products, captured CO2), and from a heat
band to every cooler band of its sector, which it may serve. Errors: a demand
or a consumption nothing can supply, and a demand whose producers can never
run because their inputs trace back to nothing that can be bought. Warnings:
commodities nothing uses, technologies whose output nobody needs.
"""
from __future__ import annotations

from collections.abc import Iterable

import networkx as nx
import pandas as pd

from decarb.errors import Problem
from decarb.inputs.schema import TABLE_BY_NAME

COMMODITY, TECHNOLOGY = "commodity", "technology"
Node = tuple[str, str]   # (COMMODITY or TECHNOLOGY, name): a name may be both
_FILE = {name: table.file for name, table in TABLE_BY_NAME.items()}


def build_graph(commodities: pd.DataFrame, technologies: pd.DataFrame,
                flows: pd.DataFrame) -> nx.DiGraph:
    """Nodes (kind, name); each edge's `via` is input, output or cascade (heat band)."""
    graph = nx.DiGraph()
    graph.add_nodes_from(_nodes(COMMODITY, commodities["commodity"]))
    graph.add_nodes_from(_nodes(TECHNOLOGY, technologies["technology"]))
    inputs = flows[flows["direction"].eq("in")]
    byproducts = flows[flows["direction"].eq("out")]
    graph.add_edges_from(zip(_nodes(COMMODITY, inputs["commodity"]),
                             _nodes(TECHNOLOGY, inputs["technology"])), via="input")
    graph.add_edges_from(zip(_nodes(TECHNOLOGY, byproducts["technology"]),
                             _nodes(COMMODITY, byproducts["commodity"])), via="output")
    graph.add_edges_from(zip(_nodes(TECHNOLOGY, technologies["technology"]),
                             _nodes(COMMODITY, technologies["output"])), via="output")
    co2 = commodities.loc[commodities["kind"].eq("co2"), "commodity"]
    capturing = technologies.loc[technologies["capture_rate"].gt(0), "technology"]
    graph.add_edges_from((((TECHNOLOGY, t), (COMMODITY, c)) for t in capturing for c in co2),
                         via="output")
    heat = commodities[commodities["kind"].eq("heat")]
    pairs = heat.merge(heat, on="sector", suffixes=("_hot", "_cool"))
    pairs = pairs[pairs["temperature_max_c_hot"] > pairs["temperature_max_c_cool"]]
    graph.add_edges_from(zip(_nodes(COMMODITY, pairs["commodity_hot"]),
                             _nodes(COMMODITY, pairs["commodity_cool"])), via="cascade")
    return graph


def check_graph(commodities: pd.DataFrame, technologies: pd.DataFrame, flows: pd.DataFrame,
                demand: pd.DataFrame, prices: pd.DataFrame
                ) -> tuple[list[Problem], list[Problem]]:
    """(errors, warnings) of the graph; frames are indexed by their 1-based data row."""
    graph = build_graph(commodities, technologies, flows)
    # A graph of the heat cascade alone: traversals of a filtered view of the
    # whole graph cost O(whole graph) each, which made large datasets slow.
    cascade = nx.DiGraph((u, v) for u, v, via in graph.edges(data="via") if via == "cascade")
    bought = set(_nodes(COMMODITY, prices["commodity"]))
    buyable = _served(cascade, bought)
    available = _available(graph, cascade, buyable)
    errors = []
    for name, row in _first_rows(demand).items():
        node, makers = (COMMODITY, name), _makers(graph, cascade, (COMMODITY, name))
        if not makers and node not in buyable:
            errors.append(Problem(_FILE["demand"], int(row), "commodity", name,
                                  "a commodity a technology makes (technologies.csv output or a "
                                  "technology_flows.csv by-product) or one that can be bought "
                                  "(commodity_prices.csv); this one is neither"))
        elif node not in available:
            errors.append(Problem(_FILE["demand"], int(row), "commodity", name,
                                  "a producer that can run; " + _blocked(graph, makers,
                                                                         available)))
    inputs = flows[flows["direction"].eq("in")]
    for name, row in _first_rows(inputs).items():
        node = (COMMODITY, name)
        if not _makers(graph, cascade, node) and node not in buyable:
            users = ", ".join(inputs.loc[inputs["commodity"].eq(name), "technology"])
            errors.append(Problem(_FILE["technology_flows"], int(row), "commodity", name,
                                  "an input that can be bought (rows in commodity_prices.csv) "
                                  f"or that a technology makes; consumed by {users}"))
    demanded = set(_nodes(COMMODITY, demand["commodity"]))
    return errors, (_orphans(graph, commodities, demanded | bought)
                    + _unneeded(graph, cascade, technologies, demanded))


def _available(graph: nx.DiGraph, cascade: nx.DiGraph, buyable: set[Node]) -> set[Node]:
    """Commodities obtainable: bought, or made by a technology whose inputs all are (iterated)."""
    available = set(buyable)
    pending = {n for n in graph if n[0] == TECHNOLOGY}
    while ready := {t for t in pending if all(c in available for c in graph.predecessors(t))}:
        pending -= ready
        available |= _served(cascade, {c for t in ready for c in graph.successors(t)})
    return available


def _makers(graph: nx.DiGraph, cascade: nx.DiGraph, node: Node) -> list[str]:
    """Technologies making the commodity, or a hotter heat band that can serve it."""
    sources = {node} | _hotter(cascade, node)
    return sorted({p[1] for s in sources for p in graph.predecessors(s) if p[0] == TECHNOLOGY})


def _blocked(graph: nx.DiGraph, makers: list[str], available: set[Node]) -> str:
    needs = [f"{t} needs " + ", ".join(sorted(c[1] for c in graph.predecessors((TECHNOLOGY, t))
                                              if c not in available))
             for t in makers]
    return "; ".join(needs) + ", which nothing bought can lead to"


def _orphans(graph: nx.DiGraph, commodities: pd.DataFrame, wanted: set[Node]
             ) -> list[Problem]:
    touched = {n for e in graph.edges if graph.edges[e]["via"] != "cascade" for n in e}
    used = {name for kind, name in touched | wanted if kind == COMMODITY}
    orphans = commodities.loc[~commodities["commodity"].isin(used), "commodity"]
    return [Problem(_FILE["commodities"], int(row), "commodity", name,
                    "a commodity that something makes, consumes, demands or buys; "
                    "nothing does (unused)")
            for row, name in orphans.items()]


def _unneeded(graph: nx.DiGraph, cascade: nx.DiGraph, technologies: pd.DataFrame,
              demanded: set[Node]) -> list[Problem]:
    consumed = {c for c in graph if c[0] == COMMODITY
                and any(s[0] == TECHNOLOGY for s in graph.successors(c))}
    needed = demanded | consumed
    needed |= set().union(*(_hotter(cascade, c) for c in needed))   # hotter bands serve
    unneeded = technologies[~technologies["output"].isin({c[1] for c in needed})]
    return [Problem(_FILE["technologies"], int(row), "output", output,
                    f"an output demanded or consumed; nothing needs what {tech} makes")
            for row, tech, output in unneeded[["technology", "output"]].itertuples()]


def _served(cascade: nx.DiGraph, nodes: set[Node]) -> set[Node]:
    """The commodities and every cooler heat band they can serve."""
    return set(nodes).union(*(nx.descendants(cascade, n) for n in nodes if n in cascade))


def _hotter(cascade: nx.DiGraph, node: Node) -> set[Node]:
    """Hotter heat bands that can serve `node`."""
    return nx.ancestors(cascade, node) if node in cascade else set()


def _first_rows(frame: pd.DataFrame) -> pd.Series:
    """First data row of each commodity in `frame`."""
    return frame.index.to_series().groupby(frame["commodity"]).min()


def _nodes(kind: str, names: Iterable[str]) -> Iterable[Node]:
    return ((kind, name) for name in names)
