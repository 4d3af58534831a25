-- Energy balance cells with the role of their item and the properties of their fuel. Region codes
-- are today's: the readers map a retired code (华亭县 620824 → 华亭市 620881) when they read a file,
-- as they normalise units (sources/README.md). Grain: region × year × item × fuel.
with

balance_cells as (
    select * from {{ ref('stg_raw__energy_balance') }}
),

balance_items as (
    select item_code, item_role, combustion_co2_counted from {{ ref('stg_reference__energy_balance_items') }}
),

fuels as (
    select fuel_code, fuel_group, is_fossil, combustion_rule, canonical_unit, tce_per_unit from {{ ref('stg_reference__fuels') }}
),

cells as (
    select region_code, year, item_code, fuel_code, value, unit
    from balance_cells
    -- a blank cell means "no flow": it is not a row of the balance
    where value is not null
),

-- Left joins keep a cell whose item or fuel is unknown, so the not_null tests on its role and
-- coefficient name it instead of it vanishing from the totals.
flows as (
    select
        cells.region_code,
        cells.year,
        cells.item_code,
        balance_items.item_role,
        balance_items.combustion_co2_counted,
        cells.fuel_code,
        fuels.fuel_group,
        fuels.is_fossil,
        fuels.combustion_rule,
        cells.value,
        cells.unit,
        fuels.canonical_unit,
        fuels.tce_per_unit
    from cells
    left join balance_items
        on balance_items.item_code = cells.item_code
    left join fuels
        on fuels.fuel_code = cells.fuel_code
)

select * from flows
