"""Print the path of IDC's series index shipped by the PyPI package idc-index-data."""

from idc_index_data import IDC_INDEX_PARQUET_FILEPATH

if __name__ == "__main__":
    print(IDC_INDEX_PARQUET_FILEPATH)
