"""The plant list and the technology transition graph (plant mode), checked with networkx.

Nodes are technologies; an edge of `transitions.csv` lets a plant switch from
one to the other. Errors: in plant mode a missing or empty table, a plant whose
technology belongs to another sector, an edge between sectors, and a cycle (a
plant could leave a technology and come back, collecting support twice).
Also an error: a technology reached from another both by retrofits alone and
through a rebuild (a retrofit keeps the host's relining cycle, a rebuild starts
its own). Warnings: a plant whose technology emits CO2 itself (a process or a
fuel with a combustion factor) and has no path to a low-carbon technology: only
closing it ends its emissions. One that emits nothing itself (a paper machine,
whose CO2 is in the steam it buys) needs no such path.
"""
from __future__ import annotations

import networkx as nx
import pandas as pd

from decarb.errors import Problem
from decarb.inputs.schema import TABLE_BY_NAME
from decarb.inputs.settings import SETTINGS_FILE

# Pathways whose technologies count as a low-carbon end state of a plant.
LOW_CARBON_PATHWAYS = ("electrification", "hydrogen", "ccus", "recycling", "fuel_switch")
_PLANTS, _EDGES = TABLE_BY_NAME["plants"].file, TABLE_BY_NAME["transitions"].file


def transition_graph(transitions: pd.DataFrame) -> nx.DiGraph:
    """Technologies as nodes, allowed switches as edges; `row` is the edge's data row."""
    graph = nx.DiGraph()
    graph.add_edges_from((a, b, {"row": int(row)}) for row, a, b in transitions[
        ["from_technology", "to_technology"]].itertuples())
    return graph


def check_plants(plants: pd.DataFrame, edges: pd.DataFrame, technologies: pd.DataFrame,
                 flows: pd.DataFrame, commodities: pd.DataFrame, mode: str,
                 broken: frozenset[str]) -> tuple[list[Problem], list[Problem]]:
    """(errors, warnings) of plants.csv and transitions.csv; frames indexed by data row
    (`flows` and `commodities` those of technology_flows.csv and commodities.csv, which
    tell which technologies emit), `broken` the tables already found unreadable."""
    errors: list[Problem] = []
    if mode == "plant":
        errors += [Problem(file, None, None, "", f"this file with at least one row: "
                           f"{SETTINGS_FILE} sets mode = 'plant'")
                   for frame, name, file in ((plants, "plants", _PLANTS),
                                             (edges, "transitions", _EDGES))
                   if name not in broken and frame.empty]
    if broken & {"plants", "transitions", "technologies"}:
        return errors, []
    sector = technologies.drop_duplicates("technology").set_index("technology")["sector"]
    own = plants["technology"].map(sector)
    foreign = own.notna() & own.ne(plants["sector"])
    errors += [Problem(_PLANTS, int(row), "technology", plants.at[row, "technology"],
                       f"a technology of the plant's sector '{plants.at[row, 'sector']}'; "
                       f"this one belongs to '{own[row]}'") for row in plants.index[foreign]]
    a, b = edges["from_technology"].map(sector), edges["to_technology"].map(sector)
    across = a.notna() & b.notna() & a.ne(b)
    errors += [Problem(_EDGES, int(row), "to_technology", edges.at[row, "to_technology"],
                       f"a technology of the sector of '{edges.at[row, 'from_technology']}' "
                       f"('{a[row]}'); this one belongs to '{b[row]}'")
               for row in edges.index[across]]
    graph = transition_graph(edges)
    cycles = _cycles(graph)
    errors += cycles or _two_clocks(edges)
    if broken & {"technology_flows", "commodities"}:
        return errors, []
    return errors, _dead_ends(graph, plants, technologies, _emitting(technologies, flows,
                                                                      commodities))


def _cycles(graph: nx.DiGraph) -> list[Problem]:
    """One problem per cycle, named from its edge first in the file to the edge
    that closes it (the order networkx finds cycles in is not stable)."""
    problems = []
    for cycle in nx.simple_cycles(graph):
        rows = [graph.edges[a, b]["row"] for a, b in zip(cycle, cycle[1:] + cycle[:1])]
        first = rows.index(min(rows))
        cycle = cycle[first:] + cycle[:first]
        path = cycle + [cycle[0]]
        last = graph.edges[path[-2], path[-1]]["row"]
        problems.append(Problem(_EDGES, last, "to_technology", path[-1],
                                "no cycle of switches (a plant could return and collect "
                                "support twice): " + " -> ".join(path)))
    return problems


def retrofit_families(edges: pd.DataFrame) -> dict[str, set[str]]:
    """Per technology, itself and what retrofits alone reach from it: the technologies
    a unit runs while it keeps its host, and so its relining cycle."""
    retrofits = transition_graph(edges.loc[edges["kind"] == "retrofit"])
    nodes = set(edges["from_technology"]) | set(edges["to_technology"])
    return {t: {t} | (nx.descendants(retrofits, t) if t in retrofits else set())
            for t in nodes}


def _two_clocks(edges: pd.DataFrame) -> list[Problem]:
    """A technology reached from another both by retrofits alone and through a rebuild
    would leave a plant running it with two possible relining cycles."""
    family = retrofit_families(edges)
    rebuilds = edges.loc[edges["kind"] == "rebuild"]
    graph = transition_graph(edges)
    problems = []
    for start in sorted(family):
        rebuilt = set()
        for row in rebuilds.loc[rebuilds["from_technology"].isin(family[start])].itertuples():
            rebuilt |= {row.to_technology} | nx.descendants(graph, row.to_technology)
        for tech in sorted(family[start] & rebuilt):
            row = int(edges.index[(edges["to_technology"] == tech)
                                  & (edges["kind"] == "retrofit")].min())
            problems.append(Problem(_EDGES, row, "kind", "retrofit", (
                f"no technology reached from '{start}' both by retrofits alone and through "
                f"a rebuild (its relining cycle would be ambiguous): '{tech}'")))
    return problems


def _emitting(technologies: pd.DataFrame, flows: pd.DataFrame, commodities: pd.DataFrame
              ) -> set[str]:
    """Technologies with direct CO2: a process factor, or an input burnt with a
    combustion factor."""
    process = technologies.loc[technologies["process_ef_tco2_per_unit"].fillna(0) > 0,
                               "technology"]
    burnt = set(commodities.loc[commodities["combustion_ef_tco2_per_unit"].fillna(0) > 0,
                                "commodity"])
    fuels = flows.loc[(flows["direction"] == "in") & flows["commodity"].isin(burnt)
                      & (flows["amount_per_unit"] > 0), "technology"]
    return set(process) | set(fuels)


def _dead_ends(graph: nx.DiGraph, plants: pd.DataFrame, technologies: pd.DataFrame,
               emitting: set[str]) -> list[Problem]:
    pathway = technologies.drop_duplicates("technology").set_index("technology")["pathway"]
    low = set(pathway.index[pathway.isin(LOW_CARBON_PATHWAYS)])
    warnings, seen = [], set()
    for row, tech in plants["technology"].items():
        if tech in seen or tech in low or tech not in emitting:
            continue
        seen.add(tech)
        reach = nx.descendants(graph, tech) if tech in graph else set()
        if not reach & low:
            warnings.append(Problem(_PLANTS, int(row), "technology", tech,
                                    "a technology with a path in transitions.csv to a "
                                    "low-carbon one (pathway " + ", ".join(LOW_CARBON_PATHWAYS)
                                    + "); it emits CO2 itself, and only closing its "
                                    "plants ends that"))
    return warnings
