"""decarb: the command line. It parses and prints; the library does the work.

Exit codes: 0 solved, 1 a file that cannot be written, 2 bad input, 3 infeasible
(with the caps that cannot be met), 4 solver failure or time limit without a
solution. A sweep with failed points exits 3, else 4, else 2 (see `sweep.exit_code`).
"""
from __future__ import annotations

import functools
import shlex
import sys
from pathlib import Path

import click

from decarb import shipped_dataset
from decarb.errors import DecarbError, printable

DEFAULT_DATA = shipped_dataset("japan")
DEFAULT_RESULTS = Path("results")          # under the folder the command runs in

data_option = click.option("--data", "data_dir", type=click.Path(path_type=Path),
                           default=DEFAULT_DATA, show_default="data/japan",
                           help="Dataset folder (CSV tables + settings.toml).")


def echo(text: object = "", **kwargs) -> None:
    """click.echo of text made safe for a terminal (text from data files and names)."""
    click.echo(printable(str(text)), **kwargs)


def secho(text: object = "", **kwargs) -> None:
    click.secho(printable(str(text)), **kwargs)


def command_line() -> str:
    """The command as typed, for run.json."""
    return shlex.join(["decarb", *sys.argv[1:]])


def recover(store: Path) -> None:
    """Put right what a killed writer left in the run store (see `atomic.recover`)."""
    from decarb.outputs.atomic import recover as put_right

    for folder in put_right(store):
        secho(f"put back {folder}: a replacement of it was killed half-way", err=True)


def reports_errors(command):
    """Turn the library's known errors into a message and its exit code."""
    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except DecarbError as error:
            secho(str(error), fg="red", err=True)
            sys.exit(error.exit_code)
        except OSError as error:      # e.g. a run folder that cannot be written
            secho(f"{error.strerror or error}: {error.filename or ''}", fg="red",
                        err=True)
            sys.exit(1)
    return wrapper


@click.group()
@click.version_option(package_name="decarb", prog_name="decarb")
def main() -> None:
    """Plan industrial decarbonisation investment under caps, carbon prices,
    subsidies and tax incentives."""


@main.command()
@data_option
@reports_errors
def validate(data_dir: Path) -> None:
    """Check a dataset without solving it."""
    from decarb.inputs.loading import read_dataset

    ds = read_dataset(data_dir)
    for warning in ds.warnings:
        secho(f"warning: {warning}", fg="yellow")
    echo(f"{data_dir}: valid ({len(ds.technologies)} technologies, "
               f"{len(ds.sectors)} sectors, years {ds.years[0]}-{ds.years[-1]})")


results_option = click.option("--results", "results_dir", type=click.Path(path_type=Path),
                              default=DEFAULT_RESULTS, show_default="results",
                              help="Run store: the folder holding run folders.")
case_option = click.option("--case", "case_spec", default=None, metavar="NAME|FILE",
                           help="Policy case: a name in <data>/cases/ or a case file (TOML).")
verbose_option = click.option("--verbose", is_flag=True, help="Show the solver's log.")


@main.command()
@data_option
@case_option
@results_option
@click.option("--name", default=None, help="Run name: its folder under the run store "
              "(default: <case or dataset>-<date>-<time>).")
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=None,
              help="Write the run folder here instead (overrides --name and --results).")
@click.option("--replace", is_flag=True, help="Replace an earlier run of the same name "
              "(only a run folder; anything else is never replaced).")
@click.option("--foresight", default=None, type=click.IntRange(min=1), metavar="YEARS",
              help="Plan myopically: each window sees this many years ahead.")
@click.option("--step", default=None, type=click.IntRange(min=1), metavar="YEARS",
              help="With --foresight: years each window decides before the next "
              "(default: the foresight).")
@verbose_option
@reports_errors
def run(data_dir: Path, case_spec: str | None, results_dir: Path, name: str | None,
        out_dir: Path | None, replace: bool, foresight: int | None, step: int | None,
        verbose: bool) -> None:
    """Solve a dataset, or a policy case of it, and write its run folder."""
    from decarb.outputs.report import format_summary, sector_summary
    from decarb.outputs.runstore import default_run_name, plain_name
    from decarb.workflow.commands import load, run_loaded, run_myopic_and_store

    if name is not None:
        plain_name(name)                 # a bad name is told before anything is read
    recover(out_dir.parent if out_dir else results_dir)
    loaded = load(data_dir, case_spec)
    for warning in loaded.ds.warnings:
        secho(f"warning: {warning}", fg="yellow", err=True)
    destination = out_dir or results_dir / plain_name(name or default_run_name(loaded.label))
    if foresight is not None:
        folder, result = run_myopic_and_store(loaded, destination, foresight,
                                              step or foresight, replace, command_line())
        echo(result.tables["foresight"].to_string(
            index=False, float_format=lambda v: f"{v:,.2f}"))
        echo(f"\nMyopic plan ({foresight}-year foresight, {step or foresight}-year "
             f"steps) against perfect foresight. Run folder: {folder}")
        return
    folder, result = run_loaded(loaded, destination, verbose, replace, command_line())
    echo(format_summary(sector_summary(result.tables, loaded.ds.years)))
    if "plant_investments" in result.tables:   # plant mode
        from decarb.outputs.plants import format_next_switches
        echo(format_next_switches(result.tables))
    from decarb.outputs.carbon import format_carbon
    from decarb.outputs.report import report_years
    from decarb.outputs.support import format_public_costs
    echo(format_carbon(result.tables, loaded.ds.years))
    echo(format_public_costs(result.tables, report_years(loaded.ds.years)))
    solver = result.meta["solver"]
    costs = result.tables["costs"].set_index(["kind", "component"])
    note = (f" (MIP within {solver['mip_gap']:.2%} of the optimum, stopping at "
            f"{solver['mip_gap_limit']:.2%}; MACs from the LP with integer decisions fixed)"
            if solver["mip"] else "")
    echo(f"\nSolved: {solver['status']}{note}. Present-value cost "
               f"{costs.loc[('cost', 'total'), 'private_npv_bjpy']:,.0f} BJPY (private), "
               f"public cost {costs.loc[('public', 'total'), 'public_cost_bjpy']:,.0f} BJPY."
               f"\nRun folder: {folder}")


@main.command()
@data_option
@case_option
@click.option("--year", "years", multiple=True, type=int, metavar="YEAR",
              help="Year to show (repeat for several; default 2030).")
@click.option("--out", "out_file", type=click.Path(path_type=Path), default=None,
              help="Also write every year's table as CSV (as levelised_costs.csv of a run).")
@reports_errors
def costs(data_dir: Path, case_spec: str | None, years: tuple[int, ...],
          out_file: Path | None) -> None:
    """Levelised cost of output of every technology, split into capital, O&M, each input
    and carbon, with its intensities and the break-even carbon and hydrogen prices
    against the technology it replaces. Computed from the inputs, without solving."""
    from decarb.errors import InputError, Problem
    from decarb.outputs.levelised import format_levelised, levelised_costs
    from decarb.outputs.runstore import check_writable, staged
    from decarb.workflow.commands import load

    if out_file:
        check_writable(out_file)
    loaded = load(data_dir, case_spec)
    shown = list(years) or [2030]
    outside = [y for y in shown if y not in loaded.ds.years]
    if outside:
        raise InputError([Problem("--year", None, None, str(y), "a model year "
                                  f"({loaded.ds.years[0]}-{loaded.ds.years[-1]})")
                          for y in outside])
    table = levelised_costs(loaded.ds)
    click.echo(format_levelised(table, shown))
    if out_file:
        with staged(out_file) as path:
            table.to_csv(path, index=False, float_format="%.10g")
        click.echo(f"\nLevelised costs: {out_file}")


@main.command()
@data_option
def cases(data_dir: Path) -> None:
    """List the policy cases shipped beside a dataset, with their purpose."""
    from decarb.inputs.cases import list_cases

    found = list_cases(data_dir)
    if not found:
        echo(f"No cases in {data_dir / 'cases'}.")
    width = max(map(len, found), default=0)
    for name, purpose in found.items():
        echo(f"{name:<{width}}  {purpose}")


@main.command()
@data_option
@case_option
@click.option("--lever", "lever_specs", multiple=True, required=True, metavar="NAME=VALUES",
              help="A lever and its values: v1,v2,... or start:stop:count. Repeat for a "
              "grid. Levers: carbon_price, carbon_price_scale, cap_scale, budget_scale, "
              "subsidy_rate[:PROGRAMME], budget:PROGRAMME, incentive_last_year[:SCHEME], "
              "ccus_first_year, or any run setting.")
@results_option
@click.option("--name", default=None, help="Sweep name: its folder under the run store "
              "(default: <case>-sweep-<date>-<time>).")
@click.option("--workers", default=0, show_default="all cores", type=click.IntRange(min=0),
              help="Worker processes.")
@click.option("--scheduler", default=None, metavar="ADDRESS",
              help="Run on a Dask cluster (e.g. tcp://host:8786) instead of local processes; "
              "its workers must see the run store's folder. Needs `pip install decarb[dask]`.")
@verbose_option
@reports_errors
def sweep(data_dir: Path, case_spec: str | None, lever_specs: tuple[str, ...],
          results_dir: Path, name: str | None, workers: int, scheduler: str | None,
          verbose: bool) -> None:
    """Vary levers over values from a base case: one stored run per point, and a summary.

    Points that differ from the base case only in carbon price, caps, budgets,
    subsidy and tax rates, open years, discount rates or a later first year re-solve
    the base's model from its solved state; others are built (docs/cases.md).
    """
    from decarb.workflow.levers import grid, parse_lever
    from decarb.outputs.runstore import default_run_name, plain_name
    from decarb.workflow.sweep import SUMMARY_FILE, exit_code, run_sweep
    from decarb.workflow.commands import base_case

    if name is not None:
        plain_name(name)
    recover(results_dir)
    base = base_case(data_dir, case_spec)
    points = grid([parse_lever(spec) for spec in lever_specs])
    folder = results_dir / plain_name(name or default_run_name(f"{base.name}-sweep"))
    with click.progressbar(length=len(points), label=f"{len(points)} points",
                           file=sys.stderr) as bar:
        summary = run_sweep(base, points, folder, workers, scheduler,
                            on_point=lambda row: bar.update(1), solver_log=verbose)
    shown = [c for c in summary.columns
             if c not in ("run", "point", "reason", "shortfalls", "model")]
    echo(summary[shown].to_string(index=False, float_format=lambda v: f"{v:,.1f}"))
    failed = summary.loc[summary["status"] != "optimal"]
    for row in failed.itertuples():
        secho(f"point {row.point} ({row.levers}) failed: {row.reason}", fg="red", err=True)
    echo(f"\nSweep folder: {folder} (summary: {SUMMARY_FILE})")
    if exit_code(summary):   # scripts can tell a sweep with failed points
        sys.exit(exit_code(summary))


@main.command()
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


@main.command()
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


@main.command()
@click.argument("specs", nargs=-1, required=True, metavar="RUN|CASE...")
@data_option
@results_option
@click.option("--out", "out_file", type=click.Path(path_type=Path), default=None,
              help="Also write the comparison as CSV.")
@verbose_option
@reports_errors
def compare(specs: tuple[str, ...], data_dir: Path, results_dir: Path,
            out_file: Path | None, verbose: bool) -> None:
    """Compare runs side by side, deltas against the first (the reference).

    Each RUN|CASE is a run folder, a run name in the store, or a policy case; a
    case without a stored run of the same inputs is run first. One uncertainty set
    gives its percentiles; one stochastic set compares its scenarios under the
    hedged plan.
    """
    from decarb.outputs.compare import compare_runs, format_comparison
    from decarb.outputs.percentiles import find_set, format_percentiles, kpi_percentiles, read_set
    from decarb.outputs.atomic import check_writable, staged
    from decarb.workflow.commands import stored_or_run
    from decarb.workflow.stochastic_set import find_stochastic, scenario_runs

    if out_file:
        check_writable(out_file)
    recover(results_dir)
    sample_set = find_set(specs[0], results_dir) if len(specs) == 1 else None
    if sample_set is not None:       # an uncertainty set: percentiles over its samples
        found = read_set(sample_set)
        table = kpi_percentiles(found)
        echo(format_percentiles(found, table))
        if out_file:
            with staged(out_file, replace=True) as path:
                table.to_csv(path, index=False, float_format="%.10g")
            echo(f"\nPercentiles: {out_file}")
        return
    two_stage = find_stochastic(specs[0], results_dir) if len(specs) == 1 else None
    if two_stage is not None:        # a stochastic set: its scenarios under the hedged plan
        folders = scenario_runs(two_stage)
    else:
        answers = stored_or_run(list(specs), data_dir, results_dir, solver_log=verbose)
        for spec, (folder, ran) in zip(specs, answers):
            echo(f"{spec}: {'ran into' if ran else 'stored run'} {folder}", err=True)
        folders = [folder for folder, _ in answers]
    table = compare_runs(folders)
    echo(format_comparison(table))
    if out_file:
        with staged(out_file, replace=True) as path:
            table.to_csv(path, index=False, float_format="%.10g")
        echo(f"\nComparison: {out_file}")


@main.command()
@click.argument("run_dir", metavar="RUN", type=click.Path(path_type=Path))
@click.option("--format", "fmt", required=True, metavar="csv|xlsx|iamc",
              help="csv: a folder of tables; xlsx: one sheet per table with units in the "
              "headers; iamc: long format (Model, Scenario, Region, Variable, Unit, Year, "
              "Value) for pyam (.xlsx out path: a workbook with sheet 'data').")
@click.option("--out", type=click.Path(path_type=Path), default=None,
              help="Where to write (default: inside the run folder).")
@click.option("--region", default="Japan", show_default=True, help="IAMC region name.")
@reports_errors
def export(run_dir: Path, fmt: str, out: Path | None, region: str) -> None:
    """Export a run's investment schedule and result tables."""
    from decarb.outputs.export import export_run

    echo(f"Wrote {export_run(run_dir, fmt, out, region=region)}")


@main.command()
@click.argument("specs", nargs=-1, required=True, metavar="RUN|CASE...")
@data_option
@results_option
@click.option("--html", "html_path", type=click.Path(path_type=Path),
              default=None, help="HTML file to write (default: <first run>/report.html); "
              "the charts also go to <name>_charts/ as PNG.")
@verbose_option
@reports_errors
def report(specs: tuple[str, ...], data_dir: Path, results_dir: Path,
           html_path: Path | None, verbose: bool) -> None:
    """Write a self-contained HTML report of runs (charts, KPI tables; comparison
    charts for several runs). RUN|CASE as for compare."""
    from decarb.outputs.html_report import write_report as write_run_report, write_set_report
    from decarb.outputs.percentiles import find_set
    from decarb.workflow.stochastic_set import find_stochastic, write_report
    from decarb.outputs.atomic import check_writable
    from decarb.workflow.commands import stored_or_run

    if html_path:
        check_writable(html_path)
    recover(results_dir)
    sample_set = find_set(specs[0], results_dir) if len(specs) == 1 else None
    if sample_set is not None:       # an uncertainty set: fans, tornado, percentiles
        out = write_set_report(sample_set, html_path or sample_set / "report.html")
        echo(f"Report: {out}\nCharts: {out.with_name(out.stem + '_charts')}")
        return
    two_stage = find_stochastic(specs[0], results_dir) if len(specs) == 1 else None
    if two_stage is not None:        # a stochastic set: figures, scenarios, plan
        click.echo(f"Report: {write_report(two_stage, html_path or two_stage / 'report.html')}")
        return
    folders = [folder for folder, _ in stored_or_run(list(specs), data_dir, results_dir,
                                                     solver_log=verbose)]
    out = write_run_report(folders, html_path or folders[0] / "report.html")
    echo(f"Report: {out}\nCharts: {out.with_name(out.stem + '_charts')}")


@main.command()
@results_option
@reports_errors
def runs(results_dir: Path) -> None:
    """List the runs in the run store: name, case, status, time and headline results."""
    from decarb.outputs.runlist import format_runs, list_runs

    recover(results_dir)
    echo(format_runs(list_runs(results_dir)))


@main.command()
@data_option
@case_option
@results_option
@click.option("--port", default=8050, show_default=True, type=click.IntRange(0, 65535),
              help="Port on 127.0.0.1 (the page binds to this machine only).")
@click.option("--no-browser", is_flag=True, help="Do not open the page in a browser.")
@reports_errors
def serve(data_dir: Path, case_spec: str | None, results_dir: Path, port: int,
          no_browser: bool) -> None:
    """A local page of one case with levers and charts; each change re-solves the
    kept model (the LP relaxation) in place where it can."""
    import webbrowser

    from decarb.serve.app import Page, server
    from decarb.workflow.commands import base_case

    recover(results_dir)
    echo("Solving the case for the page...", err=True)
    httpd = server(Page(base_case(data_dir, case_spec), results_dir), port)
    url = httpd.url           # carries this start's token, as the page does
    echo(f"decarb serve: {url} (Ctrl-C stops)")
    if not no_browser:
        webbrowser.open(url)
    try:
        httpd.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        httpd.server_close()


if __name__ == "__main__":
    main()
