"""Bad support data stops the run naming file, row, column and what was expected."""
import pytest

from decarb.errors import InputError
from decarb.inputs.loading import dataset_from_frames
from tests.test_hydrogen_contracts import hydrogen_case
from tests.test_policy import subsidy
from tests.tiny import frame, one_year, tiny_frames


def problems(settings, **changes) -> str:
    with pytest.raises(InputError) as error:
        dataset_from_frames(tiny_frames(**changes), settings)
    return str(error.value)


def test_a_rate_for_a_technology_the_programme_does_not_fund_is_an_error():
    text = problems(one_year(), **subsidy(0.5),
                    subsidy_rates=frame([dict(programme="gx", technology="old", rate=0.5)]))
    assert "subsidy_rates.csv" in text and "a technology the programme funds" in text


def test_a_budget_of_an_unknown_programme_is_an_error():
    text = problems(one_year(), subsidy_budgets=frame([dict(programme="nope", year=2025,
                                                            budget_bjpy=1.0)]))
    assert "subsidy_budgets.csv" in text and "a programme of subsidies.csv" in text


def test_an_instrument_switched_on_without_its_data_is_an_error():
    text = problems(one_year(ccs_hubs=True, production_credits=True,
                             investment_incentive="bold"))
    assert "ccs_hubs" in text and "rows in ccs_hubs.csv" in text
    assert "rows in production_credits.csv" in text
    assert "an incentive of investment_incentives.csv" in text


def test_a_contract_referenced_to_a_commodity_of_another_unit_is_an_error():
    case = hydrogen_case()
    case["hydrogen_contracts"] = case["hydrogen_contracts"].assign(
        reference_commodity="steel")
    text = problems(one_year(hydrogen_contracts=True), **case)
    assert "reference_commodity" in text and "commodity_prices.csv" in text
