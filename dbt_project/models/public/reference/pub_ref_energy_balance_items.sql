-- ref_energy_balance_items for the public warehouse: project reference data with its sources, nothing from an
-- input file. The allow-list is the enforced contract in pub_ref_energy_balance_items.yml.
select * from {{ ref('ref_energy_balance_items') }}
