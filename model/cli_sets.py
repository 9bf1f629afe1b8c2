"""decarb's commands over a set of runs of one case: `uncertainty` (sampled ranges) and
`stochastic` (a plan before the uncertainty resolves), on the group of cli.py."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from decarb.cli_common import data_option, echo, recover, reports_errors, results_option, secho


@click.command()
@data_option
@click.option("--case", "case_spec", default="uncertainty", show_default=True,
              metavar="NAME|FILE", help="A case file with [[uncertain]] ranges.")
@click.option("--samples", default=50, show_default=True, type=click.IntRange(min=2),
              help="Latin hypercube samples.")
@click.option("--seed", default=1, show_default=True, type=int,
              help="Seed of the draw: the same seed draws the same samples.")
@click.option("--tornado/--no-tornado", default=True, show_default=True,
              help="Also run each range at its P10 and P90, the others at their medians.")
@results_option
@click.option("--name", default=None, help="Set name: its folder under the run store "
              "(default: <case>-uncertainty-<date>-<time>).")
@click.option("--workers", default=0, show_default="all cores", type=click.IntRange(min=0),
              help="Worker processes.")
@reports_errors
def uncertainty(data_dir: Path, case_spec: str, samples: int, seed: int, tornado: bool,
                results_dir: Path, name: str | None, workers: int) -> None:
    """Sample a case's [[uncertain]] ranges: one stored run per sample, P10/P50/P90 of
    the key figures, and a tornado of what moves the cost most.

    `decarb compare`, `report` and `export` take the set folder it writes.
    """
    from decarb.inputs.cases import find_case
    from decarb.outputs.percentiles import format_percentiles, kpi_percentiles, read_set
    from decarb.outputs.runstore import default_run_name, plain_name
    from decarb.workflow.ranges import read_ranges
    from decarb.workflow.sweep import exit_code
    from decarb.workflow.uncertainty import run_uncertainty

    if name is not None:
        plain_name(name)
    recover(results_dir)
    case_file = find_case(case_spec, data_dir)
    points = samples + (1 + 2 * len(read_ranges(case_file)) if tornado else 0)
    folder = results_dir / plain_name(name or default_run_name(f"{case_file.stem}-uncertainty"))
    with click.progressbar(length=points, label=f"{points} points", file=sys.stderr) as bar:
        every = run_uncertainty(case_file, folder, samples, seed, workers, tornado,
                                on_point=lambda row: bar.update(1))
    for row in every.loc[every["status"] != "optimal"].itertuples():   # samples and tornado
        secho(f"point {row.point} ({row.levers}) failed: {row.reason}", fg="red",
                    err=True)
    if (every.loc[every["levers"] == "sample", "status"] == "optimal").any():
        summary = read_set(folder)
        echo(format_percentiles(summary, kpi_percentiles(summary)))
    else:
        secho("No sample solved: there are no percentiles.", fg="red", err=True)
    echo(f"\nSet folder: {folder} (samples.csv, tornado.csv; `decarb report {folder}`)")
    if exit_code(every):   # as a sweep: 3 if a point is infeasible, else 4, else 2
        sys.exit(exit_code(every))


@click.command()
@data_option
@click.option("--case", "case_spec", required=True, metavar="NAME|FILE",
              help="The base case (its [[scenario]] tables, or [[uncertain]] ranges to sample).")
@click.option("--scenarios", "scenarios_file", type=click.Path(path_type=Path), default=None,
              help="A TOML file of [[scenario]] tables on top of the case.")
@click.option("--samples", default=None, type=click.IntRange(min=1),
              help="Draw this many equally likely scenarios from the case's [[uncertain]].")
@click.option("--seed", default=1, show_default=True, type=int, help="Seed of the draw.")
@click.option("--decision-year", default=2030, show_default=True, type=int,
              help="Investments up to this year are decided before the uncertainty resolves.")
@click.option("--risk-weight", default=0.0, show_default=True, type=click.FloatRange(min=0),
              help="Weight lambda of the CVaR of cost in the objective.")
@click.option("--cvar-alpha", default=0.95, show_default=True,
              type=click.FloatRange(min=0, max=1, max_open=True), help="CVaR level alpha.")
@click.option("--recourse/--no-recourse", default=True, show_default=True,
              help="Let a scenario fall short of its caps, demand and support limits at "
              "the case's penalties (settings slack_penalty_jpy_per_tco2, "
              "unserved_penalty_jpy_per_unit), so every plan has a finite cost.")
@click.option("--ph", is_flag=True, help="Progressive hedging with mpi-sppy over the MPI "
              "processes it runs in (`mpiexec -n K decarb stochastic ... --ph`; "
              "pip install 'decarb[mpi]') instead of one extensive form.")
@click.option("--ph-tolerance", default=1e-4, show_default=True,
              type=click.FloatRange(min=0, min_open=True),
              help="With --ph: stop when the mean |x - x-bar| of the decisions is below.")
@results_option
@click.option("--name", default=None, help="Set name: its folder under the run store "
              "(default: <case>-stochastic-<date>-<time>).")
@reports_errors
def stochastic(data_dir: Path, case_spec: str, scenarios_file: Path | None,
               samples: int | None, seed: int, decision_year: int, risk_weight: float,
               cvar_alpha: float, recourse: bool, ph: bool, ph_tolerance: float,
               results_dir: Path, name: str | None) -> None:
    """Plan investments up to the decision year before the uncertainty resolves.

    Prints RP, WS, EEV, VSS, EVPI and each scenario's regret, and stores the set
    (stochastic.csv, plan.csv, report.html, a run folder per scenario).
    """
    from decarb.inputs.cases import find_case, load_case
    from decarb.inputs.loading import Reader
    from decarb.formulation.extensive import Risk, Scenario
    from decarb.outputs.runstore import check_writable, default_run_name
    from decarb.workflow import scenarios as found
    from decarb.workflow.stochastic import run_stochastic
    from decarb.workflow.stochastic_set import format_summary, write_set

    case_file = find_case(case_spec, data_dir)
    base = load_case(case_file)
    folder = results_dir / (name or default_run_name(f"{case_file.stem}-stochastic"))
    check_writable(folder, folder=True)
    reader = Reader()
    if samples is not None:
        cases = found.sampled(base, case_file, samples, seed, reader)
    else:
        cases = found.from_tables(base, scenarios_file or case_file)
    if ph:
        from decarb.workflow.hedging import run_and_store
        if not run_and_store(cases, reader, folder, base.resolved(), decision_year, recourse,
                             risk_weight, ph_tolerance, click.echo):
            return   # not the first process: it reports
    else:
        scenarios = [Scenario(c.name, c.probability, reader.read(c.case.dataset, c.case))
                     for c in cases]
        result = run_stochastic(scenarios, decision_year, Risk(risk_weight, cvar_alpha),
                                recourse)
        write_set(folder, result, base.resolved())
        click.echo(format_summary(result))
    click.echo(f"\nSet folder: {folder} (stochastic.csv, plan.csv, report.html)")
