-- ref_enterprise_sectors for the public warehouse: project reference data with its sources, nothing from an
-- input file. The allow-list is the enforced contract in pub_ref_enterprise_sectors.yml.
select * from {{ ref('ref_enterprise_sectors') }}
