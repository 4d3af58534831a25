{{ config(meta={'dagster': {'ref': {'name': 'stg_raw__production_statistics'}}}) }}
-- A product in the production statistics without a factor under var('factor_set') would add
-- nothing to the top-down emissions, silently: every produced product needs at least one factor.
select production.region_code, production.year, production.product_code
from {{ ref('stg_raw__production_statistics') }} as production
left join {{ ref('ref_process_emission_factors') }} as factors
    on  factors.product_code = production.product_code
    and factors.factor_set = '{{ var("factor_set") }}'
where production.amount_t is not null and factors.product_code is null
