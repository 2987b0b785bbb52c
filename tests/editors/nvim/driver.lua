-- Drives headless Neovim (0.7 ... 0.11+) through the scenario in $GOMODLS_SCENARIO, with the user's
-- own configuration (the documented one, as init.lua) already loaded and the file already open:
--
--   nvim --headless -n -i NONE go.mod -S driver.lua      (cwd: the workspace; XDG_CONFIG_HOME: the config)
--
-- Writes $RESULT_FILE (JSON: checks, timings, what the server sent) and exits 0 when every
-- check passed, 1 when one failed, 2 on a setup error, 3 when the watchdog fired.
local uv = vim.loop or vim.uv
local T0 = uv.hrtime()
local v = vim.version()
local result = { editor = 'nvim', version = v.major .. '.' .. v.minor .. '.' .. v.patch, checks = {} }
local failed = false

local function ms()
  return math.floor((uv.hrtime() - T0) / 1e6)
end
local function log(msg)
  io.stderr:write(string.format('[nvim %s %5dms] %s\n', result.version, ms(), msg))
end

local function finish(code)
  result.exit_code = code
  result.elapsed_ms = ms()
  local ok, json = pcall(vim.fn.json_encode, result)
  if not ok then
    json = vim.fn.json_encode({ json_error = tostring(json), exit_code = code })
  end
  vim.fn.writefile({ json }, os.getenv('RESULT_FILE') or 'result.json')
  pcall(function()
    local clients = vim.lsp.get_clients and vim.lsp.get_clients() or vim.lsp.get_active_clients()
    for _, c in ipairs(clients) do
      c.stop(true)
    end
  end)
  if code == 0 then
    vim.cmd('qall!')
  else
    vim.cmd('cquit ' .. code)
  end
end

local function check(name, ok, detail)
  result.checks[#result.checks + 1] = { name = name, ok = ok and true or false, detail = detail }
  local shown = detail ~= nil and (': ' .. vim.inspect(detail):gsub('\n%s*', ' ')) or ''
  log((ok and 'PASS ' or 'FAIL ') .. name .. shown)
  if not ok then
    failed = true
  end
  return ok
end

-- The hover text as a person reads it: markdown emphasis and code marks removed, spaces collapsed.
local function plain(s)
  return (s:gsub('[*`\\]', ''):gsub('%s+', ' '))
end

local watchdog = uv.new_timer()
watchdog:start(60000, 0, vim.schedule_wrap(function()
  result.error = 'watchdog: no result after 60 s'
  log(result.error)
  finish(3)
end))

local function buf_clients(buf)
  if vim.lsp.get_clients then
    return vim.lsp.get_clients({ bufnr = buf, name = 'gomodls' })
  end
  local out = {}
  for _, c in pairs(vim.lsp.buf_get_clients(buf)) do
    if c.name == 'gomodls' then
      out[#out + 1] = c
    end
  end
  return out
end

local function request(buf, method, params, timeout)
  local resp, err = vim.lsp.buf_request_sync(buf, method, params, timeout or 5000)
  for _, r in pairs(resp or {}) do
    if r.error then
      return nil, r.error
    end
    return r.result
  end
  return nil, err or 'no response'
end

local function run()
  local sc = vim.fn.json_decode(table.concat(vim.fn.readfile(assert(os.getenv('GOMODLS_SCENARIO'), 'GOMODLS_SCENARIO not set')), '\n'))
  local buf = vim.api.nvim_get_current_buf()
  local file = vim.api.nvim_buf_get_name(buf)
  local expected_ft = ({ ['go.mod'] = 'gomod', ['go.work'] = 'gowork', ['go.sum'] = 'gosum' })[sc.open]
  check('filetype ' .. expected_ft, vim.bo[buf].filetype == expected_ft, vim.bo[buf].filetype)

  -- 1. the client from the user's configuration attaches
  local client
  local ok = vim.wait(15000, function()
    client = buf_clients(buf)[1]
    return client ~= nil and client.initialized ~= false and client.server_capabilities ~= nil
  end, 20)
  if not check('gomodls client attached', ok and client ~= nil) then
    return finish(2)
  end
  result.attached_ms = ms()
  result.server_info = client.server_info
  result.root_dir = client.config.root_dir
  result.offset_encoding = client.offset_encoding
  local enc = client.offset_encoding or 'utf-16'

  -- 2. diagnostics
  local want = sc.diagnostics
  ok = vim.wait(15000, function()
    return #vim.diagnostic.get(buf) >= #want
  end, 20)
  local diags = vim.diagnostic.get(buf)
  result.diagnostics = vim.tbl_map(function(d)
    return { lnum = d.lnum, col = d.col, message = d.message, source = d.source, code = d.code, severity = d.severity }
  end, diags)
  local severity = { error = 1, warning = 2, information = 3, hint = 4 }
  local match = ok and #diags == #want
  for i, w in ipairs(want) do
    local d = diags[i]
    match = match and d ~= nil and d.lnum == w.line and d.code == w.code and d.source == 'gomodls'
      and d.severity == severity[w.severity] and d.message:find(w.message, 1, true) ~= nil
  end
  check(#want .. ' diagnostic(s) as expected', match, result.diagnostics)

  -- 3. hover: the LSP request, then what K shows (vim.lsp.buf.hover's floating window)
  local h = sc.hover
  vim.api.nvim_win_set_cursor(0, { h.line + 1, h.character })
  local params = vim.lsp.util.make_position_params(0, enc)
  -- The selected version appears once the module graph has loaded in the background: ask again.
  local hover, err, text, has_all
  vim.wait(10000, function()
    hover, err = request(buf, 'textDocument/hover', params)
    text = hover and hover.contents and (hover.contents.value or '') or ''
    has_all = text ~= ''
    for _, piece in ipairs(h.contains) do
      has_all = has_all and plain(text):find(piece, 1, true) ~= nil
    end
    return has_all
  end, 100)
  result.hover = text
  check('hover text', has_all and hover.contents.kind == 'markdown', hover and text or err)

  -- K as a person presses it: mapped by Neovim 0.10+ itself, by the documented on_attach before
  local k_mapped = vim.fn.maparg('K', 'n') ~= ''
  result.k_mapping = k_mapped and vim.fn.maparg('K', 'n') or nil
  if k_mapped then
    vim.api.nvim_feedkeys('K', 'x', false)
  else
    vim.lsp.buf.hover()
  end
  local float
  ok = vim.wait(5000, function()
    for _, w in ipairs(vim.api.nvim_list_wins()) do
      if vim.api.nvim_win_get_config(w).relative ~= '' then
        float = vim.api.nvim_buf_get_lines(vim.api.nvim_win_get_buf(w), 0, -1, false)
        return true
      end
    end
    return false
  end, 20)
  result.hover_float = float
  check(k_mapped and 'hover window (K)' or 'hover window (vim.lsp.buf.hover, K not mapped)', k_mapped and ok and plain(table.concat(float or {}, ' ')):find(h.contains[1], 1, true) ~= nil, float)
  for _, w in ipairs(vim.api.nvim_list_wins()) do
    if vim.api.nvim_win_get_config(w).relative ~= '' then
      pcall(vim.api.nvim_win_close, w, true)
    end
  end

  -- 4. semantic tokens: the raw response, and (0.9+) the highlights Neovim applied from it
  local st = sc.semantic_token
  local legend = client.server_capabilities.semanticTokensProvider and client.server_capabilities.semanticTokensProvider.legend
  local tokens, terr = request(buf, 'textDocument/semanticTokens/full', { textDocument = vim.lsp.util.make_text_document_params(buf) })
  local data = tokens and tokens.data or {}
  result.semantic_tokens_count = #data / 5
  local first = legend and #data >= 5 and { line = data[1], character = data[2], length = data[3], type = legend.tokenTypes[data[4] + 1] }
  result.semantic_token_first = first
  check('semantic tokens arrive', first and first.line == st.line and first.character == st.character
    and first.length == st.length and first.type == st.type, first or terr)
  if vim.lsp.semantic_tokens and vim.lsp.semantic_tokens.get_at_pos then
    local at
    ok = vim.wait(5000, function()
      at = vim.lsp.semantic_tokens.get_at_pos(buf, st.line, st.character)
      return at ~= nil and #at > 0
    end, 20)
    result.semantic_highlight = at and at[1] and at[1].type
    check('semantic highlight applied', ok and at[1].type == st.type, result.semantic_highlight)
  end

  -- 5. code action: the request, then the user's path (vim.lsp.buf.code_action -> vim.ui.select)
  local ca = sc.code_action
  vim.api.nvim_win_set_cursor(0, { ca.line + 1, ca.character })
  local lsp_diags = {}
  for _, d in ipairs(vim.diagnostic.get(buf, { lnum = ca.line })) do
    -- 0.7 keeps only some LSP fields (code, tags, data, ...) in user_data.lsp
    lsp_diags[#lsp_diags + 1] = vim.tbl_extend('keep', {
      range = { start = { line = d.lnum, character = d.col }, ['end'] = { line = d.end_lnum, character = d.end_col } },
      message = d.message, severity = d.severity, source = d.source, code = d.code,
    }, (d.user_data and d.user_data.lsp) or {})
  end
  local rparams = vim.lsp.util.make_range_params(0, enc)
  rparams.context = { diagnostics = lsp_diags, only = { ca.kind } }
  local actions, aerr = request(buf, 'textDocument/codeAction', rparams)
  result.code_actions = vim.tbl_map(function(a)
    return { title = a.title, kind = a.kind }
  end, actions or {})
  local titles = vim.tbl_map(function(a)
    return a.title
  end, actions or {})
  check('code action offered', vim.tbl_contains(titles, ca.title), actions and titles or aerr)

  local offered = {}
  vim.ui.select = function(items, _, on_choice)
    local pick
    for i, it in ipairs(items) do
      local action = it.action or it[2] -- 0.10+: {action=, ctx=}; 0.7-0.9: {client_id, action}
      offered[#offered + 1] = action.title
      if action.title == ca.title then
        pick = i
      end
    end
    on_choice(pick and items[pick], pick)
  end
  if vim.fn.has('nvim-0.8') == 1 then
    vim.lsp.buf.code_action({ context = { only = { ca.kind } } })
  else
    vim.lsp.buf.code_action({ only = { ca.kind } }) -- 0.7: the argument is the context
  end
  ok = vim.wait(5000, function()
    return vim.api.nvim_buf_get_lines(buf, ca.line, ca.line + 1, false)[1] == ca.line_after
  end, 20)
  result.offered_in_ui = offered
  result.line_after = vim.api.nvim_buf_get_lines(buf, ca.line, ca.line + 1, false)[1]
  check('code action applied (vim.lsp.buf.code_action)', ok, result.line_after)

  -- 6. the edit reaches the server (didChange); it publishes again, without the fixed problem
  ok = vim.wait(5000, function()
    return #vim.diagnostic.get(buf) == #want - 1
  end, 20)
  check('diagnostic gone after the fix', ok, #vim.diagnostic.get(buf))

  vim.cmd('silent write')
  local disk = vim.fn.readfile(file)
  check('file saved with the fix', disk[ca.line + 1] == ca.line_after, disk[ca.line + 1])

  finish(failed and 1 or 0)
end

vim.schedule(function()
  local ok, e = xpcall(run, debug.traceback)
  if not ok then
    result.error = e
    log('ERROR ' .. tostring(e))
    finish(2)
  end
end)
