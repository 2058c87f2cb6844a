-- ws-lint for Neovim (0.10+): starts `ws-lint lsp` with vim.lsp.start for serverless files.
--
--   require('ws_lint').setup({
--     cmd = { 'ws-lint', 'lsp' },          -- the server command
--     filetypes = { 'yaml', 'json' },      -- filetypes to look at
--     patterns = { ... },                  -- Lua patterns on the file name (default: serverless.{yml,yaml,json})
--     settings = { rules = { WS405 = 'off' } },
--     on_attach = function(client, bufnr) end,
--   })
local M = {}

local SERVERLESS_FILES = { 'serverless.yml', 'serverless.yaml', 'serverless.json' }

M.defaults = {
  cmd = { 'ws-lint', 'lsp' },
  filetypes = { 'yaml', 'json' },
  -- Lua patterns matched against the full file name; add your own for files that
  -- serverless.yml includes with ${file(...)}, e.g. '/serverless/[^/]+%.ya?ml$'.
  patterns = { '[/\\]serverless%.ya?ml$', '[/\\]serverless%.json$' },
  settings = {},
  on_attach = nil,
  capabilities = nil,
  -- function(bufnr, fname) -> folder; default: the folder holding serverless.yml, else the git root.
  root_dir = nil,
  name = 'ws-lint',
}

M.config = nil

--- Rule settings in the shape the server reads: `{ wsLint = { rules = {...} } }`.
--- Accepts `{ rules = {...} }` or `{ wsLint = { rules = {...} } }` from the user.
function M.normalize_settings(settings)
  settings = settings or {}
  local section = settings.wsLint or settings['ws-lint'] or settings
  return { wsLint = { rules = vim.deepcopy(section.rules or vim.empty_dict()) } }
end

--- The folder holding serverless.yml (searching upwards), else the git root, else the file's folder.
function M.root_dir(bufnr, fname)
  local root = vim.fs.root(fname, SERVERLESS_FILES)
  if root then
    return root
  end
  root = vim.fs.root(fname, { '.git' })
  if root then
    return root
  end
  return vim.fs.dirname(fname)
end

--- True when the buffer is a file ws-lint should handle.
function M.matches(bufnr)
  local config = M.config or M.defaults
  if vim.bo[bufnr].buftype ~= '' then
    return false
  end
  if not vim.tbl_contains(config.filetypes, vim.bo[bufnr].filetype) then
    return false
  end
  local fname = vim.api.nvim_buf_get_name(bufnr)
  if fname == '' then
    return false
  end
  for _, pattern in ipairs(config.patterns) do
    if fname:match(pattern) then
      return true
    end
  end
  return false
end

--- Starts (or reuses) the server for this buffer. Returns the client id, or nil.
function M.attach(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  if not M.matches(bufnr) then
    return nil
  end
  local config = M.config or M.defaults
  if vim.fn.executable(config.cmd[1]) ~= 1 then
    vim.notify_once(
      ('ws-lint: `%s` is not executable; install ws-lint (cargo install --path .) or set cmd'):format(config.cmd[1]),
      vim.log.levels.WARN
    )
    return nil
  end
  local fname = vim.fs.normalize(vim.api.nvim_buf_get_name(bufnr))
  local root = (config.root_dir or M.root_dir)(bufnr, fname)
  local settings = M.normalize_settings(config.settings)
  return vim.lsp.start({
    name = config.name,
    cmd = config.cmd,
    root_dir = root,
    settings = settings,
    init_options = { rules = settings.wsLint.rules },
    capabilities = config.capabilities,
    on_attach = config.on_attach,
  }, { bufnr = bufnr })
end

function M.setup(opts)
  M.config = vim.tbl_deep_extend('force', vim.deepcopy(M.defaults), opts or {})
  -- Lists replace the defaults rather than merge index by index.
  for _, key in ipairs({ 'cmd', 'filetypes', 'patterns' }) do
    if opts and opts[key] then
      M.config[key] = opts[key]
    end
  end
  local group = vim.api.nvim_create_augroup('ws_lint', { clear = true })
  vim.api.nvim_create_autocmd('FileType', {
    group = group,
    pattern = M.config.filetypes,
    callback = function(args)
      M.attach(args.buf)
    end,
  })
  -- Buffers already open when setup() runs.
  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(bufnr) then
      M.attach(bufnr)
    end
  end
end

return M
