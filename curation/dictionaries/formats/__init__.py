"""The readers of dictionary files, one module per layout (``kind``), each ``read(data, spec,
where) -> Dictionary``; ``cells`` holds what they share (rows of a file, the header, cell
texts) and ``inline`` the options written inside one cell."""
