---@brief
---
--- https://github.com/ws-lint/ws-lint
---
--- Linter and language server for the WebSocket parts of Serverless Framework configuration
--- (`serverless.yml`, `serverless.yaml`, `serverless.json`).
---
--- Install the prebuilt binary with npm (`npm i -g ws-lint`, or `npm i -D ws-lint` in the
--- project and `cmd = { 'npx', 'ws-lint', 'lsp' }`), with mason (`:MasonInstall ws-lint`), or
--- build it with `cargo install ws-lint`.
-- ws-lint as a Neovim 0.11 LSP config: with editors/neovim on the runtimepath,
--   vim.lsp.enable('ws_lint')
-- starts `ws-lint lsp` for serverless.{yml,yaml,json}; override any field with
--   vim.lsp.config('ws_lint', { cmd = { '/path/to/ws-lint', 'lsp' }, settings = { wsLint = { rules = { WS405 = 'off' } } } })
local serverless_files = { 'serverless.yml', 'serverless.yaml', 'serverless.json' }

---@type vim.lsp.Config
return {
  cmd = { 'ws-lint', 'lsp' },
  filetypes = { 'yaml', 'json' },
  -- Only serverless files: root_dir calls on_dir for them alone, so other YAML/JSON buffers
  -- get no client. The root is the folder holding serverless.yml, else the git root.
  root_dir = function(bufnr, on_dir)
    local name = vim.api.nvim_buf_get_name(bufnr)
    if name:match('[/\\]serverless%.ya?ml$') or name:match('[/\\]serverless%.json$') then
      on_dir(vim.fs.root(bufnr, serverless_files) or vim.fs.root(bufnr, { '.git' }) or vim.fs.dirname(name))
    end
  end,
  init_options = { rules = vim.empty_dict() },
  settings = { wsLint = { rules = vim.empty_dict() } },
}
