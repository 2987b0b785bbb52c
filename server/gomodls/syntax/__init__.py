"""The lossless syntax layer: lexer, lark grammar driver, tree, printer, incremental re-parse
and the cursor query (what is at a position). Knows nothing about verbs."""
