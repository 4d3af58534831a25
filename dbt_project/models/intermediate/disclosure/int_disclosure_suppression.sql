-- Primary and complementary suppression of the enterprise-derived cells (docs/methodology.md,
-- "The public warehouse and confidentiality").
-- Round 0 hides the cells that break the rule themselves (int_disclosure_cells.primary_reason).
-- A relation of int_disclosure_relations leaks when exactly one of its members is hidden: that
-- member is then the total minus the visible parts (or the sum of the parts). Each round hides,
-- in every leaking relation, one more published member: a part before the total (a region's
-- total is what leaders read), the smallest first (the least information lost), then by key so
-- that every run hides the same cells. Hidden cells only grow, so the rounds converge; every
-- published relation is a tree (a region's children, or a province's split by sector, process or
-- market scope), where two hidden members per relation leave each hidden cell free to fall to
-- zero (its hidden partner absorbs it), so no value can be narrowed down.
-- The blocking test assert_disclosure_relations_protected fails the build if a relation still
-- leaks after var('disclosure_max_rounds') rounds: nothing is published then.
{%- set rounds = var('disclosure_max_rounds') | int %}
with

cells as (
    select * from {{ ref('int_disclosure_cells') }}
),

members as (
    select
        relations.relation_id,
        relations.cell_key,
        relations.is_total,
        cells.is_published,
        abs(coalesce(cells.co2_t, 0))                                  as size
    from {{ ref('int_disclosure_relations') }} as relations
    inner join cells on cells.cell_key = relations.cell_key
),

hidden_0 as materialized (
    select cell_key, 0 as round from cells where primary_reason is not null
),

{% for round in range(1, rounds + 1) %}
leaking_{{ round }} as materialized (
    select members.relation_id
    from members
    left join hidden_{{ round - 1 }} as hidden on hidden.cell_key = members.cell_key
    group by members.relation_id
    having count(hidden.cell_key) = 1
),

hidden_{{ round }} as materialized (
    select cell_key, round from hidden_{{ round - 1 }}
    union all
    select distinct cell_key, {{ round }} as round
    from (
        select
            members.cell_key,
            row_number() over (
                partition by members.relation_id
                order by members.is_total, members.size, members.cell_key
            ) as preference
        from members
        inner join leaking_{{ round }} as leaking on leaking.relation_id = members.relation_id
        left join hidden_{{ round - 1 }} as hidden on hidden.cell_key = members.cell_key
        where hidden.cell_key is null and members.is_published
    ) as candidates
    where preference = 1
      and cell_key not in (select cell_key from hidden_{{ round - 1 }})
),
{% endfor %}

hidden as (
    select cell_key, min(round) as round from hidden_{{ rounds }} group by cell_key
)

select
    cells.*,
    hidden.cell_key is not null                                         as suppressed,
    case
        when cells.primary_reason is not null then cells.primary_reason
        when hidden.cell_key is not null then 'complementary'
    end                                                                 as suppression_reason,
    hidden.round                                                        as suppression_round
from cells
left join hidden on hidden.cell_key = cells.cell_key
