"""The language server: a thin pygls layer over the syntax, model and analysis packages."""
