"""decarb: the command line. It parses and prints; the library does the work.

Exit codes: 0 solved, 1 a file that cannot be written, 2 bad input, 3 infeasible
(with the caps that cannot be met), 4 solver failure or time limit without a
solution. A sweep with failed points exits 3, else 4, else 2 (see `sweep.exit_code`).
"""
from __future__ import annotations

from pathlib import Path

import click

from decarb.cli_common import (attribution_option, case_option, command_line, data_option,
                               echo, recover, reports_errors, results_option, secho,
                               verbose_option)
from decarb.cli_sets import COMMANDS as SET_COMMANDS


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
    s = ds.settings
    extended = f", solved to {ds.years[-1]}" if ds.years[-1] > s.end_year else ""
    echo(f"{data_dir}: valid ({len(ds.technologies)} technologies, "
         f"{len(ds.sectors)} sectors, years {s.start_year}-{s.end_year}{extended})")


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
@attribution_option
@verbose_option
@reports_errors
def run(data_dir: Path, case_spec: str | None, results_dir: Path, name: str | None,
        out_dir: Path | None, replace: bool, foresight: int | None, step: int | None,
        attribution: bool, verbose: bool) -> None:
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
    folder, result = run_loaded(loaded, destination, verbose, replace, command_line(),
                                attribution)
    echo(format_summary(sector_summary(result.tables, loaded.ds.settings.reported_years)))
    if "attribution" in result.tables:
        from decarb.workflow.attribution import summary_lines
        echo("\n" + "\n".join(summary_lines(result.tables["attribution"])))
    if "plant_investments" in result.tables:   # plant mode
        from decarb.outputs.plants import format_next_switches
        echo(format_next_switches(result.tables))
    from decarb.outputs.carbon import format_carbon
    from decarb.outputs.report import report_years
    from decarb.outputs.support import format_public_costs
    years = loaded.ds.settings.reported_years
    echo(format_carbon(result.tables, years))
    echo(format_public_costs(result.tables, report_years(years)))
    solver = result.meta["solver"]
    costs = result.tables["costs"].set_index(["kind", "component"])
    note = (f" (MIP within {solver['mip_gap']:.2%} of the optimum, stopping at "
            f"{solver['mip_gap_limit']:.2%}; MACs from the LP with integer decisions fixed; "
            "plans this close in cost can differ in a technology's capex by tens of percent: "
            "this is one of them)" if solver["mip"] else "")
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
@click.argument("specs", nargs=-1, required=True, metavar="RUN|CASE...")
@data_option
@results_option
@click.option("--out", "out_file", type=click.Path(path_type=Path), default=None,
              help="Also write the comparison as CSV.")
@attribution_option
@verbose_option
@reports_errors
def compare(specs: tuple[str, ...], data_dir: Path, results_dir: Path,
            out_file: Path | None, attribution: bool, verbose: bool) -> None:
    """Compare runs side by side, deltas against the first (the reference).

    Each RUN|CASE is a run folder, a run name in the store, or a policy case; a
    case without a stored run of the same inputs (with --attribution: one with its
    attribution) is run first. One uncertainty set gives its percentiles; one
    stochastic set compares its scenarios under the hedged plan. Runs stored with
    attribution also show what each instrument adds.
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
        answers = stored_or_run(list(specs), data_dir, results_dir, solver_log=verbose,
                                attribution=attribution)
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
@attribution_option
@verbose_option
@reports_errors
def report(specs: tuple[str, ...], data_dir: Path, results_dir: Path,
           html_path: Path | None, attribution: bool, verbose: bool) -> None:
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
                                                     solver_log=verbose,
                                                     attribution=attribution)]
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


for command in SET_COMMANDS:
    main.add_command(command)
