-- Blocking: no published additive relation among enterprise-derived cells may have exactly one
-- suppressed member, or that member could be computed from the others. A row here means
-- complementary suppression did not converge within var('disclosure_max_rounds') rounds.
select
    relations.relation_id,
    count(*) filter (where cells.suppressed)    as suppressed_members,
    count(*)                                    as members
from {{ ref('int_disclosure_relations') }} as relations
inner join {{ ref('int_disclosure_suppression') }} as cells on cells.cell_key = relations.cell_key
group by relations.relation_id
having count(*) filter (where cells.suppressed) = 1
