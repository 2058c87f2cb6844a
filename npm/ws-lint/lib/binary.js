'use strict';
// Where the native ws-lint binary is: the WS_LINT_BINARY override, else the platform package that
// npm installed from optionalDependencies (@ws-lint/cli-<platform>-<arch>). No postinstall, no
// download: when the platform package is missing, the error says which one and how to get it.
const path = require('path');

const PLATFORMS = {
  'linux-x64': '@ws-lint/cli-linux-x64',
  'linux-arm64': '@ws-lint/cli-linux-arm64',
  'darwin-x64': '@ws-lint/cli-darwin-x64',
  'darwin-arm64': '@ws-lint/cli-darwin-arm64',
  'win32-x64': '@ws-lint/cli-win32-x64',
  'win32-arm64': '@ws-lint/cli-win32-arm64',
};

function platformPackage(platform = process.platform, arch = process.arch) {
  return PLATFORMS[`${platform}-${arch}`];
}

function binaryName(platform = process.platform) {
  return platform === 'win32' ? 'ws-lint.exe' : 'ws-lint';
}

function binaryPath({ env = process.env, platform = process.platform, arch = process.arch } = {}) {
  if (env.WS_LINT_BINARY) return path.resolve(env.WS_LINT_BINARY);
  const pkg = platformPackage(platform, arch);
  if (!pkg) {
    throw new Error(
      `ws-lint has no prebuilt binary for ${platform}-${arch}. ` +
        'Build it from source (cargo install ws-lint) and set WS_LINT_BINARY to its path.'
    );
  }
  try {
    return require.resolve(`${pkg}/bin/${binaryName(platform)}`);
  } catch {
    throw new Error(
      `ws-lint: the package ${pkg} (the binary for ${platform}-${arch}) is not installed.\n` +
        'npm installs it as an optional dependency of ws-lint; it is skipped by --no-optional ' +
        '(or --omit=optional), and a lockfile made on another platform may not list it.\n' +
        `Fix: npm install --include=optional ws-lint (or add ${pkg} to your devDependencies), ` +
        'or set WS_LINT_BINARY to a ws-lint binary.'
    );
  }
}

module.exports = { binaryPath, platformPackage, binaryName, PLATFORMS };
