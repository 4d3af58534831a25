-- fct_compliance_month_load for the public warehouse: enterprises per compliance month and their
-- share; the month's verified emissions stay in the full warehouse (a month's sector may have only
-- a few enterprises). The allow-list is the enforced contract in pub_fct_compliance_month_load.yml.
select scheme_code, compliance_year, compliance_month, enterprises_count, enterprises_share
from {{ ref('fct_compliance_month_load') }}
