-- Headless Neovim test of editors/neovim against `ws-lint lsp`, driven by tests/neovim.rs.
--
--   nvim --headless --clean -u tests/editors/nvim_lsp_test.lua
--
-- Environment: WS_LINT_PLUGIN (editors/neovim), WS_LINT_BIN (the ws-lint binary),
-- WS_LINT_FIXTURES (tests/editors/fixtures, copied to a temp dir by the caller),
-- WS_LINT_RESULT (where to write the JSON result). Every step records what it saw; the Rust
-- test makes the assertions, so one failing step does not hide the others.
local env = vim.env
vim.opt.rtp:prepend(env.WS_LINT_PLUGIN)
vim.opt.swapfile = false
vim.opt.shadafile = 'NONE'

local result = { steps = {}, log = {} }
local function log(msg)
  table.insert(result.log, msg)
end

local function finish(code)
  local f = assert(io.open(env.WS_LINT_RESULT, 'w'))
  f:write(vim.json.encode(result))
  f:close()
  for _, client in ipairs(vim.lsp.get_clients()) do
    client:stop(true)
  end
  vim.cmd((code == 0) and 'qa!' or ('cquit ' .. code))
end

-- A hard timeout for the whole run: the result so far is still written.
vim.defer_fn(function()
  result.timed_out = true
  finish(2)
end, tonumber(env.WS_LINT_TIMEOUT_MS or '30000'))

local attached = {}
local function on_attach(client, bufnr)
  attached[bufnr] = client.id
end
result.mode = env.WS_LINT_NVIM_MODE or 'plugin'
if result.mode == 'plugin' then
  -- The plugin, as docs/editors.md shows it.
  require('ws_lint').setup({
    cmd = { env.WS_LINT_BIN, 'lsp' },
    settings = { rules = { WS405 = 'warning' } },
    on_attach = on_attach,
  })
else
  -- Neovim 0.11's own vim.lsp.config with editors/neovim/lsp/ws_lint.lua.
  vim.lsp.config('ws_lint', { cmd = { env.WS_LINT_BIN, 'lsp' }, on_attach = on_attach })
  vim.lsp.enable('ws_lint')
end
local client_name = result.mode == 'plugin' and 'ws-lint' or 'ws_lint'

--- Diagnostics of the buffer once the server published for it (nil after timeout_ms).
local function wait_diagnostics(bufnr, since, timeout_ms)
  local ok = vim.wait(timeout_ms, function()
    return (vim.b[bufnr].ws_lint_published or 0) > since
  end, 20)
  if not ok then
    return nil
  end
  return vim.diagnostic.get(bufnr)
end

-- Count diagnostic reports per buffer, pushed or pulled (an empty list counts too). Neovim
-- 0.11 can pull, so the server answers its textDocument/diagnostic requests and pushes nothing.
local orig = vim.lsp.handlers['textDocument/publishDiagnostics']
vim.lsp.handlers['textDocument/publishDiagnostics'] = function(err, params, ctx, config)
  orig(err, params, ctx, config)
  local bufnr = vim.uri_to_bufnr(params.uri)
  vim.b[bufnr].ws_lint_published = (vim.b[bufnr].ws_lint_published or 0) + 1
end
local orig_pull = vim.lsp.handlers['textDocument/diagnostic']
vim.lsp.handlers['textDocument/diagnostic'] = function(err, report, ctx, config)
  orig_pull(err, report, ctx, config)
  local bufnr = ctx.bufnr or vim.uri_to_bufnr(ctx.params.textDocument.uri)
  vim.b[bufnr].ws_lint_published = (vim.b[bufnr].ws_lint_published or 0) + 1
end

local function summarize(diags)
  local out = {}
  for _, d in ipairs(diags or {}) do
    table.insert(out, {
      code = d.code,
      source = d.source,
      line = d.lnum + 1,
      col = d.col + 1,
      severity = d.severity,
      message = d.message,
      -- Push (publishDiagnostics) and pull (textDocument/diagnostic) land in different namespaces.
      namespace = (vim.diagnostic.get_namespace(d.namespace) or {}).name,
    })
  end
  table.sort(out, function(a, b)
    return a.line < b.line or (a.line == b.line and tostring(a.code) < tostring(b.code))
  end)
  return out
end

local function open(path)
  vim.cmd.edit(vim.fn.fnameescape(path))
  return vim.api.nvim_get_current_buf()
end

--- 0-based (line, col) of the first match of a Lua pattern in the buffer.
local function find(bufnr, pattern)
  for i, line in ipairs(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)) do
    local s = line:find(pattern)
    if s then
      return i - 1, s - 1
    end
  end
  error('not found: ' .. pattern)
end

local function step(name, f)
  local ok, err = pcall(f)
  if not ok then
    result.steps[name] = { error = tostring(err) }
  end
end

local function run()
  local fixtures = env.WS_LINT_FIXTURES

  -- 1. Diagnostics on a file with mistakes, and the root it attached with.
  local app = open(fixtures .. '/app/serverless.yml')
  local app_diags
  step('diagnostics', function()
    app_diags = wait_diagnostics(app, 0, 10000)
    local client = vim.lsp.get_clients({ bufnr = app, name = client_name })[1]
    result.steps.diagnostics = {
      published = app_diags ~= nil,
      attached = attached[app] ~= nil,
      root_dir = client and client.root_dir or nil,
      offset_encoding = client and client.offset_encoding or nil,
      diagnostics = summarize(app_diags),
    }
  end)
  local client = vim.lsp.get_clients({ bufnr = app, name = client_name })[1]
  if not client then
    finish(0)
    return
  end

  -- 2. Completion at a route value.
  step('completion', function()
    local line, col = find(app, 'route: sendMessage')
    local params = {
      textDocument = { uri = vim.uri_from_bufnr(app) },
      position = { line = line, character = col + #'route: ' },
      context = { triggerKind = 1 },
    }
    local responses, err = vim.lsp.buf_request_sync(app, 'textDocument/completion', params, 5000)
    local labels = {}
    for _, response in pairs(responses or {}) do
      if response.error then
        error(vim.inspect(response.error))
      end
      local items = response.result and (response.result.items or response.result) or {}
      for _, item in ipairs(items) do
        table.insert(labels, item.label)
      end
    end
    result.steps.completion = { labels = labels, error = err }
  end)

  -- 3. Hover on an authorizer key.
  step('hover', function()
    local line, col = find(app, 'authorizer: auth')
    local params = { textDocument = { uri = vim.uri_from_bufnr(app) }, position = { line = line, character = col + 2 } }
    local responses, err = vim.lsp.buf_request_sync(app, 'textDocument/hover', params, 5000)
    local text = ''
    for _, response in pairs(responses or {}) do
      if response.error then
        error(vim.inspect(response.error))
      end
      local contents = response.result and response.result.contents
      if type(contents) == 'table' then
        text = text .. (contents.value or vim.inspect(contents))
      elseif type(contents) == 'string' then
        text = text .. contents
      end
    end
    result.steps.hover = { text = text, error = err }
  end)

  -- 4. The WS901 quick fix through a code action: removes the unused suppression comment.
  step('code_action', function()
    local target
    for _, d in ipairs(vim.diagnostic.get(app)) do
      if d.code == 'WS901' then
        target = d
      end
    end
    if not target then
      error('no WS901 diagnostic to fix')
    end
    local lsp_diag = target.user_data and target.user_data.lsp
    local params = {
      textDocument = { uri = vim.uri_from_bufnr(app) },
      range = {
        start = { line = target.lnum, character = target.col },
        ['end'] = { line = target.end_lnum, character = target.end_col },
      },
      context = { diagnostics = { lsp_diag }, only = { 'quickfix' }, triggerKind = 1 },
    }
    local responses, err = vim.lsp.buf_request_sync(app, 'textDocument/codeAction', params, 5000)
    local titles, chosen = {}, nil
    for _, response in pairs(responses or {}) do
      for _, action in ipairs(response.result or {}) do
        table.insert(titles, action.title)
        if not chosen and action.kind == 'quickfix' and action.title:lower():find('suppression') then
          chosen = action
        end
      end
    end
    local before = table.concat(vim.api.nvim_buf_get_lines(app, 0, -1, false), '\n')
    local published = vim.b[app].ws_lint_published or 0
    if chosen then
      if chosen.edit then
        vim.lsp.util.apply_workspace_edit(chosen.edit, client.offset_encoding)
      end
      if chosen.command then
        client:exec_cmd(chosen.command, { bufnr = app })
      end
    end
    -- The server re-lints the edited buffer: wait until every namespace shows it.
    local function has(code)
      for _, d in ipairs(vim.diagnostic.get(app)) do
        if d.code == code then
          return true
        end
      end
      return false
    end
    local after_diags = nil
    if chosen then
      wait_diagnostics(app, published, 5000)
      vim.wait(5000, function()
        return not has('WS901') and has('WS201')
      end, 20)
      after_diags = vim.diagnostic.get(app)
    end
    result.steps.code_action = {
      titles = titles,
      applied = chosen and chosen.title or nil,
      error = err,
      changed = before ~= table.concat(vim.api.nvim_buf_get_lines(app, 0, -1, false), '\n'),
      line_after = vim.api.nvim_buf_get_lines(app, target.lnum, target.lnum + 1, false)[1],
      diagnostics_after = summarize(after_diags),
    }
  end)

  -- 5. A YAML syntax error in another project: WS001, and a root of its own.
  step('syntax', function()
    local broken = open(fixtures .. '/broken/serverless.yml')
    local diags = wait_diagnostics(broken, 0, 10000)
    local c = vim.lsp.get_clients({ bufnr = broken, name = client_name })[1]
    result.steps.syntax = {
      published = diags ~= nil,
      root_dir = c and c.root_dir or nil,
      diagnostics = summarize(diags),
    }
  end)

  -- 6. A YAML file that is not a serverless file gets no client.
  step('other_file', function()
    local other = open(fixtures .. '/app/other.yml')
    result.steps.other_file = { clients = #vim.lsp.get_clients({ bufnr = other }) }
  end)

  finish(0)
end

vim.schedule(function()
  local ok, err = pcall(run)
  if not ok then
    result.error = tostring(err)
    finish(3)
  end
end)
