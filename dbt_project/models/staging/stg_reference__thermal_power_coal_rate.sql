-- Yearly national average coal consumption of thermal power supply (kgce/kWh = tce/MWh),
-- used to convert primary electricity by the power-generation coal-consumption method.
with

source as (
    select * from {{ ref('ref_thermal_power_coal_rate') }}
),

renamed as (
    select
        cast(year as integer)           as year,
        cast(kgce_per_kwh as double)    as kgce_per_kwh,
        source,
        note
    from source
)

select * from renamed
