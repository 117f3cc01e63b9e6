with source as (

    select * from {{ ref('raw_table_metadata') }}

),

parsed as (

    select
        collection_id,
        table_name,
        table_description,
        idc_version_table_added,
        table_added_datetime,
        post_process_src,
        post_process_src_added_md5,
        idc_version_table_prior,
        post_process_src_prior_md5,
        idc_version_table_updated,
        table_updated_datetime,
        post_process_src_updated_md5,
        number_batches,
        {{ json_array('source_info', {
            'srcs': ['string'],
            'md5': 'string',
            'table_last_modified': 'string',
            'table_size': 'int64'
        }) }} as source_info
    from source

)

select * from parsed
