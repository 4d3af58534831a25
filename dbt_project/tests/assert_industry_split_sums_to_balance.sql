-- The rows by industrial division and industry_unallocated of a fuel sum to the balance's
-- final_industry combustion row they replace (activity and CO2), so no region total changes.
with

balance as (
    select region_code, year, fuel_code, activity_value, co2_t
    from {{ ref('int_energy_combustion_emissions') }}
    where sector_code = 'final_industry'
),

split as (
    select region_code, year, fuel_code, sum(activity_value) as activity_value, sum(co2_t) as co2_t
    from {{ ref('int_industry_energy_emissions') }}
    group by region_code, year, fuel_code
)

select split.region_code, split.year, split.fuel_code, balance.activity_value, split.activity_value, balance.co2_t, split.co2_t
from split
left join balance
    on balance.region_code = split.region_code and balance.year = split.year and balance.fuel_code = split.fuel_code
where balance.activity_value is null
   or abs(balance.activity_value - split.activity_value) > 1e-6 * greatest(abs(balance.activity_value), 1)
   or abs(balance.co2_t - split.co2_t) > 1e-6 * greatest(abs(balance.co2_t), 1)
