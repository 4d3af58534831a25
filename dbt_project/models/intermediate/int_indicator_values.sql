-- The LEVEL of every indicator per region and year, in canonical units: the figures targets
-- are judged on (a reduction target compares two levels; a cap or share target reads one).
-- Grain: region × indicator_code × year, only where a value exists (2005 included).
-- Each indicator is one branch of the union; new indicators (shares, department statistics)
-- are new branches with the same five columns.
with

inventory as (
    select * from {{ ref('int_region_year_inventory') }}
),

energy_intensity as (
    select
        region_code,
        year,
        'energy_intensity'              as indicator_code,
        energy_intensity                as value,
        'tce_per_10k_yuan'              as unit,
        'inventory'                     as source_kind
    from inventory
    where energy_intensity is not null
),

-- CO2 intensity uses the electricity-adjusted CO2 (assessment convention), per 10k yuan at
-- constant prices.
co2_intensity as (
    select
        region_code,
        year,
        'co2_intensity'                 as indicator_code,
        carbon_intensity                as value,
        't_co2_per_10k_yuan'            as unit,
        'inventory'                     as source_kind
    from inventory
    where carbon_intensity is not null
),

total_energy_consumption as (
    select
        region_code,
        year,
        'total_energy_consumption'      as indicator_code,
        energy_consumption_tce          as value,
        'tce'                           as unit,
        'inventory'                     as source_kind
    from inventory
    where energy_consumption_tce is not null
),

indicator_values as (
    select * from energy_intensity
    union all
    select * from co2_intensity
    union all
    select * from total_energy_consumption
)

select * from indicator_values
