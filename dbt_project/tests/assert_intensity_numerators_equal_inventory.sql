{{ config(meta={'dagster': {'ref': {'name': 'int_intensity_numerator_rows'}}}) }}
-- Blocking: the per-fuel rows whose uncertainty fct_target_uncertainty propagates add up to the
-- numerators the KPIs divide: CO2 intensity's rows to co2_for_intensity_t, energy intensity's to
-- energy_consumption_tce (int_region_year_inventory), for every region-year that has the KPI's
-- numerator. A row lost or counted twice would give a half-width for a quantity the KPI does not
-- use. (Rows of a region-year without the numerator, e.g. no electricity data, get no half-width:
-- the KPI is null there.)
with

rows_summed as (
    select region_code, year, level_indicator_code, sum(numerator_value) as rows_value
    from {{ ref('int_intensity_numerator_rows') }}
    where level_indicator_code in ('co2_intensity', 'energy_intensity')
    group by region_code, year, level_indicator_code
),

inventory as (
    select region_code, year, 'co2_intensity' as level_indicator_code, co2_for_intensity_t as inventory_value
    from {{ ref('int_region_year_inventory') }}
    where co2_for_intensity_t is not null
    union all
    select region_code, year, 'energy_intensity', energy_consumption_tce
    from {{ ref('int_region_year_inventory') }}
    where energy_consumption_tce is not null
)

select
    inventory.region_code,
    inventory.year,
    inventory.level_indicator_code,
    rows_summed.rows_value,
    inventory.inventory_value
from inventory
left join rows_summed
    on  inventory.region_code = rows_summed.region_code
    and inventory.year = rows_summed.year
    and inventory.level_indicator_code = rows_summed.level_indicator_code
where {{ figures_differ('coalesce(rows_summed.rows_value, 0)', 'inventory.inventory_value') }}
