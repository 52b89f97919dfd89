"""Reports: context builders (plain data) and renderers (Markdown/HTML via Jinja, Excel via
openpyxl)."""
