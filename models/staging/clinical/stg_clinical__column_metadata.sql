with source as (

    select * from {{ ref('raw_column_metadata') }}

),

parsed as (

    select
        collection_id,
        case_col,
        table_name,
        {{ adapter.quote('column') }},
        column_label,
        data_type,
        {{ json_array('original_column_headers', 'string') }} as original_column_headers,
        {{ json_array(adapter.quote('values'), {
            'option_code': 'string',
            'option_description': 'string'
        }) }} as {{ adapter.quote('values') }},
        values_source,
        {{ json_array('files', 'string') }} as files,
        {{ json_array('sheet_names', 'string') }} as sheet_names,
        {{ json_array('batch', 'int64') }} as batch,
        {{ json_array('column_numbers', 'int64') }} as column_numbers
    from source

)

select * from parsed
