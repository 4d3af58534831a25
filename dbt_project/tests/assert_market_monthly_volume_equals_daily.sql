-- Monthly volumes add up to the daily rows, per exchange and product (nothing lost or doubled).
with d as (select exchange_code, product_code, sum(volume_t) v from {{ ref('fct_market_daily') }} group by all),
     m as (select exchange_code, product_code, sum(volume_t) v from {{ ref('fct_market_monthly') }} group by all)
select d.exchange_code, d.product_code, d.v, m.v
from d full join m using (exchange_code, product_code)
where abs(coalesce(d.v, 0) - coalesce(m.v, 0)) > 1e-6 * greatest(1, abs(coalesce(d.v, 0)))
