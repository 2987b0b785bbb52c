"""The lark grammars of gomodls; installed as the package gomodls.grammar."""
