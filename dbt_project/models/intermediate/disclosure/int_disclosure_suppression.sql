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
{#- Every round reads the one before three times. DuckDB computes each step once as a MATERIALIZED
    CTE. Spark expands a CTE, and a (cached) temporary view too, at every reference: 3^rounds copies,
    out of memory (both tried). On Spark each step is therefore first written to a scratch table
    (Parquet) beside this model, whose plan is a scan; the query reads the last one and a post-hook
    drops them. One list of steps serves both engines. -#}
{#- A unit test's inputs are CTEs (`__dbt__cte__…`) that scratch tables cannot read: there the steps
    stay CTEs on Spark too, and the test keeps the rounds few (its overrides). -#}
{%- set scratch_tables = target.type == 'spark' and not (ref('int_disclosure_cells') | string).startswith('__dbt__cte__') %}
{%- set prefix = this.schema ~ '.' ~ this.identifier ~ '__' if scratch_tables else '' %}
{%- set steps = [] %}

{%- set body %}select * from {{ ref('int_disclosure_cells') }}{% endset %}
{%- do steps.append(('cells', body, false)) %}

{%- set body %}select
        relations.relation_id,
        relations.cell_key,
        relations.is_total,
        cells.is_published,
        abs(coalesce(cells.co2_t, 0))                                  as size
    from {{ ref('int_disclosure_relations') }} as relations
    inner join {{ prefix }}cells as cells on cells.cell_key = relations.cell_key{% endset %}
{%- do steps.append(('members', body, false)) %}

{%- set body %}select cell_key, 0 as round from {{ prefix }}cells where primary_reason is not null{% endset %}
{%- do steps.append(('hidden_0', body, true)) %}

{%- for round in range(1, rounds + 1) %}
{%- set body %}select members.relation_id
    from {{ prefix }}members as members
    left join {{ prefix }}hidden_{{ round - 1 }} as hidden on hidden.cell_key = members.cell_key
    group by members.relation_id
    having count(hidden.cell_key) = 1{% endset %}
{%- do steps.append(('leaking_' ~ round, body, true)) %}

{%- set body %}select cell_key, round from {{ prefix }}hidden_{{ round - 1 }}
    union all
    select distinct cell_key, {{ round }} as round
    from (
        select
            members.cell_key,
            row_number() over (
                partition by members.relation_id
                order by members.is_total, members.size, members.cell_key
            ) as preference
        from {{ prefix }}members as members
        inner join {{ prefix }}leaking_{{ round }} as leaking on leaking.relation_id = members.relation_id
        left join {{ prefix }}hidden_{{ round - 1 }} as hidden on hidden.cell_key = members.cell_key
        where hidden.cell_key is null and members.is_published
    ) as candidates
    where preference = 1
      and cell_key not in (select cell_key from {{ prefix }}hidden_{{ round - 1 }}){% endset %}
{%- do steps.append(('hidden_' ~ round, body, true)) %}
{%- endfor %}

{%- if scratch_tables %}
    {%- set drops = [] %}
    {#- rendered when the hook runs: at parse time `this` does not know the custom schema yet #}
    {%- for name, body, _ in steps %}{% do drops.append('drop table if exists {{ this.schema }}.{{ this.identifier }}__' ~ name) %}{% endfor %}
    {{ config(post_hook=drops) }}
    {%- if execute %}
        {%- for name, body, _ in steps %}
            {%- do run_query('drop table if exists ' ~ prefix ~ name) %}
            {%- do run_query('create table ' ~ prefix ~ name ~ ' using parquet as ' ~ body) %}
        {%- endfor %}
    {%- endif %}
{%- endif %}
with
{% if not scratch_tables %}
{%- for name, body, materialized in steps %}
{{ name }} as {{ 'materialized ' if materialized and target.type != 'spark' }}(
    {{ body }}
),
{% endfor %}
{%- endif %}
hidden as (
    select cell_key, min(round) as round from {{ prefix }}hidden_{{ rounds }} group by cell_key
)

select
    cells.*,
    hidden.cell_key is not null                                         as suppressed,
    case
        when cells.primary_reason is not null then cells.primary_reason
        when hidden.cell_key is not null then 'complementary'
    end                                                                 as suppression_reason,
    hidden.round                                                        as suppression_round
from {{ prefix }}cells as cells
left join hidden on hidden.cell_key = cells.cell_key
