-- Energy balance cells with the role of their item and the properties of their fuel, on
-- today's region codes. Grain: region × year × item × fuel (one published cell each).
with

balance_cells as (
    select * from {{ ref('stg_raw__energy_balance') }}
),

region_code_changes as (
    select old_code, new_code from {{ ref('stg_reference__region_code_changes') }}
),

balance_items as (
    select item_code, item_role, combustion_co2_counted from {{ ref('stg_reference__energy_balance_items') }}
),

fuels as (
    select fuel_code, fuel_group, is_fossil, canonical_unit, tce_per_unit from {{ ref('stg_reference__fuels') }}
),

-- A table published under a retired code (华亭县 620824) belongs to today's unit (华亭市 620881).
cells_on_current_codes as (
    select
        coalesce(region_code_changes.new_code, balance_cells.region_code)  as region_code,
        balance_cells.region_code                                           as published_region_code,
        balance_cells.year,
        balance_cells.item_code,
        balance_cells.fuel_code,
        balance_cells.value,
        balance_cells.unit
    from balance_cells
    left join region_code_changes
        on region_code_changes.old_code = balance_cells.region_code
    -- a blank cell means "no flow": it is not a row of the balance
    where balance_cells.value is not null
),

-- Left joins keep a cell whose item or fuel is unknown, so the not_null tests on its role and
-- coefficient name it instead of it vanishing from the totals.
flows as (
    select
        cells.region_code,
        cells.published_region_code,
        cells.year,
        cells.item_code,
        balance_items.item_role,
        balance_items.combustion_co2_counted,
        cells.fuel_code,
        fuels.fuel_group,
        fuels.is_fossil,
        cells.value,
        cells.unit,
        fuels.canonical_unit,
        fuels.tce_per_unit
    from cells_on_current_codes as cells
    left join balance_items
        on balance_items.item_code = cells.item_code
    left join fuels
        on fuels.fuel_code = cells.fuel_code
)

select * from flows
