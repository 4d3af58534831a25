-- fct_mrv_funnel for the public warehouse: counts of enterprises per step, no enterprise row.
-- The allow-list is the enforced contract in pub_fct_mrv_funnel.yml.
select * from {{ ref('fct_mrv_funnel') }}
