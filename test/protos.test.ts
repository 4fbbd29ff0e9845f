import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');

function filesUnder(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else out.set(path.relative(dir, full), fs.readFileSync(full, 'utf8'));
    }
  };
  walk(dir);
  return out;
}

describe('generated proto types', function () {
  this.timeout(60_000);
  it('are what `npm run generate` makes from the protos today', () => {
    const script = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts.generate as string;
    const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'taskplane-gen-'));
    try {
      const args = script.replace(/^proto-loader-gen-types /, '').replace('--outDir=protos/generated', `--outDir=${outDir}`).split(' ');
      execFileSync(path.join(ROOT, 'node_modules', '.bin', 'proto-loader-gen-types'), args, { cwd: ROOT, stdio: 'pipe' });
      const fresh = filesUnder(outDir);
      const committed = filesUnder(path.join(ROOT, 'protos', 'generated'));
      assert.deepEqual([...committed.keys()].sort(), [...fresh.keys()].sort());
      for (const [file, text] of fresh) assert.equal(committed.get(file), text, `${file} is stale: run npm run generate`);
    } finally {
      fs.rmSync(outDir, { recursive: true, force: true });
    }
  });
});
