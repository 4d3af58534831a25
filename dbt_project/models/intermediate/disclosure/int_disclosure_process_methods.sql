-- The method each region's inventory counts a process with, as the disclosure cells name it: the
-- breakdown code 'method_bottom_up' or 'method_top_down' of the process line's CO2 at a region.
-- One home for the rule, read by int_disclosure_contributions (which cell a line adds to) and
-- int_disclosure_relations (which cells add up to a method part): an enterprise line of a
-- process the region's inventory takes top-down goes to 'method_top_down'; every other line —
-- including a process int_process_emissions_by_method has no row for — to 'method_bottom_up'
-- (the enterprises' reported figure is what such a region's inventory counts). Grain: region ×
-- year × process (process_code prefixed 'process_', as the disclosure breakdown codes are).
select
    region_code,
    year,
    'process_' || process_code                                          as process_code,
    case when used_in_inventory then 'method_bottom_up' else 'method_top_down' end
                                                                        as method_breakdown_code
from {{ ref('int_process_emissions_by_method') }}
where method = 'bottom_up' and gas = 'CO2'
