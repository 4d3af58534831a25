-- Nothing is counted twice: for every region × year × process of marts.fct_process_emissions at
-- most one method (top-down statistics or bottom-up enterprise lines) is used in the inventory.
select region_code, year, process_code, count(distinct method) as methods_used
from {{ ref('fct_process_emissions') }}
where used_in_inventory
group by region_code, year, process_code
having count(distinct method) > 1
