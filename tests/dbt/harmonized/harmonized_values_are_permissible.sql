-- Every harmonized value is a permissible value of its variable's CDE (code lists, with the
-- NCIt code of data/harmonization/), an ICD-O-3 morphology code, or a number / range with a
-- bound and a unit. One row per offending (variable, value, ncit_code).
with harmonized_values as (

    select * from {{ ref('harmonized_values') }}

),

variables as (

    select * from {{ ref('harmonization_variables') }}

),

permissible as (

    select * from {{ ref('harmonization_permissible_values') }}

),

checked as (

    select
        harmonized_values.variable,
        harmonized_values.value,
        harmonized_values.ncit_code,
        variables.kind,
        case
            when variables.kind = 'code list'
                then
                    permissible.permissible_value is not null
                    and coalesce(harmonized_values.ncit_code, '') = coalesce(permissible.ncit_code, '')
            when variables.kind = 'number'
                then
                    harmonized_values.unit is not null
                    and (harmonized_values.value_low is not null or harmonized_values.value_high is not null)
            when variables.kind = 'morphology'
                then {{ regex_matches('harmonized_values.value', '^[89][0-9]{3}/[0-9]$') }}
            else false
        end as is_permissible
    from harmonized_values
    left join variables
        on harmonized_values.variable = variables.variable
    left join permissible
        on
            harmonized_values.variable = permissible.variable
            and harmonized_values.value = permissible.permissible_value

)

select
    variable,
    value,
    ncit_code,
    kind,
    count(*) as n_rows
from checked
where not is_permissible
group by 1, 2, 3, 4
