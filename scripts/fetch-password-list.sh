#!/usr/bin/env bash
# Reproduces resources/passwords/common-passwords.txt and LICENSE-zxcvbn-ts from the MIT-licensed
# npm package @zxcvbn-ts/language-common (the "passwords-common" dictionary of zxcvbn-ts).
#
# The list is read from the package's dist file (dist/passwords.json.cjs), which holds it
# prefix-compressed: an upper-case letter L starts an entry that keeps the first (L - 'A')
# characters of the previous entry. The decoder below is the package's own algorithm
# (@zxcvbn-ts/dictionary-compression, MIT); the result is cross-checked against the package's
# src/passwords.json. Entries are lower-cased and deduplicated, keeping the first (most common)
# occurrence, one per line, most common first.
#
# Usage: scripts/fetch-password-list.sh [version]   (default 4.1.3). Needs npm and node.
set -euo pipefail

version="${1:-4.1.3}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$root/resources/passwords"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

cd "$tmp"
npm pack --silent "@zxcvbn-ts/language-common@${version}" >/dev/null
tar xzf zxcvbn-ts-language-common-"${version}".tgz

node - "$tmp/package" "$out/common-passwords.txt" <<'JS'
const fs = require('fs');
const path = require('path');
const [pkg, target] = process.argv.slice(2);

function decompress(encoded) {
    const parts = encoded.split(/([A-Z])/g);
    const out = [];
    let last = '';
    for (let i = 1; i < parts.length; i += 2) {
        last = last.slice(0, parts[i].charCodeAt(0) - 65) + parts[i + 1];
        out.push(last);
    }
    return out;
}

// Evaluate the CommonJS dist module with our decoder standing in for its one dependency.
const code = fs.readFileSync(path.join(pkg, 'dist/passwords.json.cjs'), 'utf8');
const module = { exports: {} };
const requireStub = (name) => {
    if (name !== '@zxcvbn-ts/dictionary-compression/decompress')
        throw new Error('unexpected require: ' + name);
    return { __esModule: true, default: decompress };
};
new Function('require', 'module', 'exports', code)(requireStub, module, module.exports);
const fromDist = module.exports;

const fromSrc = JSON.parse(fs.readFileSync(path.join(pkg, 'src/passwords.json'), 'utf8'));
if (!Array.isArray(fromDist) || JSON.stringify(fromDist) !== JSON.stringify(fromSrc))
    throw new Error('dist and src password lists differ');

const seen = new Set();
const lines = [];
for (const entry of fromDist) {
    const word = String(entry).toLowerCase();
    if (word.length === 0 || /[\r\n]/.test(word) || seen.has(word))
        continue;
    seen.add(word);
    lines.push(word);
}
if (lines.length < 10000)
    throw new Error('list too short: ' + lines.length);
fs.writeFileSync(target, lines.join('\n') + '\n');
console.log(`wrote ${lines.length} passwords to ${target}`);
JS

cp package/LICENSE.txt "$out/LICENSE-zxcvbn-ts"
echo "licence: $(node -p "require('./package/package.json').license") ($out/LICENSE-zxcvbn-ts)"
