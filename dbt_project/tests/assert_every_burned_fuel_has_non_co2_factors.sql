-- Every fuel whose combustion rows the inventory keeps (combustion_rule counted or
-- carbon_in_parent_fuel) has CH4 and N2O factors for both sector scopes through its fuel_group;
-- otherwise int_energy_emissions_detail would leave its CH4 and N2O null, and CO2e short.
with

burned as (
    select fuel_code, fuel_group
    from {{ ref('stg_reference__fuels') }}
    where combustion_rule in ('counted', 'carbon_in_parent_fuel')
),

scopes as (
    select * from (values ('energy_industries'), ('other')) as scopes(sector_scope)
)

select burned.fuel_code, burned.fuel_group, scopes.sector_scope
from burned
cross join scopes
left join {{ ref('ref_non_co2_combustion_factors') }} as factors
    on factors.fuel_group = burned.fuel_group and factors.sector_scope = scopes.sector_scope
where factors.fuel_group is null
