-- ref_industry_divisions for the public warehouse: project reference data with its sources, nothing from an
-- input file. The allow-list is the enforced contract in pub_ref_industry_divisions.yml.
select * from {{ ref('ref_industry_divisions') }}
