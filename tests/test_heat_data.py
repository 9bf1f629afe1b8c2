"""The Japan heat technologies against their own ratings (data/japan)."""
import pandas as pd

from decarb.inputs.loading import read_dataset
from decarb import shipped_dataset

DS = read_dataset(shipped_dataset("japan"))
TECH = DS.technologies.set_index("technology")
BAND_MAX = DS.commodities.set_index("commodity")["temperature_max_c"]


def cop(technology: str) -> float:
    """Heat out per unit of electricity in."""
    f = DS.technology_flows
    return 1.0 / float(f.loc[(f["technology"] == technology)
                             & (f["commodity"] == "electricity"), "amount_per_unit"].iloc[0])


def test_no_heat_pump_serves_a_band_above_its_rating():
    # the high-temperature pumps are rated to 150 C ([PTD]): their band must end there
    pumps = TECH.loc[TECH["name"].str.contains("<=150 degC", regex=False)]
    assert len(pumps) == 3
    assert (pumps["output"].map(BAND_MAX) <= 150).all()


def test_the_low_temperature_pump_has_the_higher_cop():
    # a cooler sink is a smaller lift: <100 C heat costs less power than 150 C heat
    assert cop("other_heat_pump_lt100") > cop("other_heat_pump")


def test_furnace_heat_reaches_steam_only_through_a_lossy_step():
    cascade = DS.heat_cascade.set_index("hotter")["efficiency"]
    assert cascade["heat_gt500_other"] < 1.0
    assert pd.notna(BAND_MAX["heat_150_200_other"]) and BAND_MAX["heat_100_150_other"] == 150
