-- gomodls: the language server for go.mod, go.work and go.sum.
-- Neovim 0.11+: copy this file to ~/.config/nvim/lsp/gomodls.lua (any lsp/ directory on
-- 'runtimepath' works) and add vim.lsp.enable('gomodls') to init.lua.
-- Needs `gomodls` on PATH (`pipx install .` in a gomodls clone), or change cmd, e.g.
-- { '/path/to/venv/bin/python', '-m', 'gomodls', 'serve' }.
return {
  cmd = { 'gomodls', 'serve' },
  filetypes = { 'gomod', 'gowork', 'gosum' },
  root_markers = { 'go.work', 'go.mod' },
  -- Server settings (see the gomodls documentation), for example:
  -- settings = { gomodls = { diagnostics = { disabled = { 'noncanonical-version' } } } },
}
