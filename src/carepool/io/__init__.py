"""Reading and writing plans: the JSON exchange format (Excel and CSV live beside it)."""
