"""The lossless syntax layer: lexer, lark grammar driver, tree, printer, incremental re-parse
and position encodings. Knows nothing about verbs."""
