"""The semantic layer over the syntax tree: x/mod's modfile.File / WorkFile, their checks,
formatting and edits."""
