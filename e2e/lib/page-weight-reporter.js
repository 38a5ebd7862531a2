// Collects the page weights recorded by audit() (annotation "page-weight") and prints one table
// at the end of the run; also writes test-results/page-weight.json.
import fs from 'node:fs';
import path from 'node:path';

export default class PageWeightReporter {
  constructor() {
    this.rows = new Map();
  }

  printsToStdio() {
    return false;
  }

  onTestEnd(test, result) {
    const annotations = result.annotations && result.annotations.length ? result.annotations : test.annotations;
    for (const a of annotations) {
      if (a.type !== 'page-weight' || !a.description) continue;
      const row = JSON.parse(a.description);
      const key = `${row.project} ${row.path.split('?')[0]}`;
      if (!this.rows.has(key)) this.rows.set(key, row);
    }
  }

  onEnd() {
    if (this.rows.size === 0) return;
    const rows = [...this.rows.values()].sort((a, b) => a.path.localeCompare(b.path));
    const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
    const lines = [
      '',
      'Page weight (cold cache; bytes over the wire, compressed bodies + headers):',
      `  ${'page'.padEnd(28)} ${'transferred'.padStart(12)} ${'bodies'.padStart(10)} ${'HTML'.padStart(10)} ${'requests'.padStart(8)}  encoding`,
      ...rows.map(
        (r) =>
          `  ${r.path.padEnd(28)} ${kb(r.transferredBytes).padStart(12)} ${kb(r.bodyBytes).padStart(10)} ${kb(r.documentBytes).padStart(10)} ${String(r.requests).padStart(8)}  ${r.encoding}`,
      ),
      '',
    ];
    process.stdout.write(lines.join('\n') + '\n');
    try {
      fs.mkdirSync('test-results', { recursive: true });
      fs.writeFileSync(path.join('test-results', 'page-weight.json'), JSON.stringify(rows, null, 2) + '\n');
    } catch {
      // the table above is what matters
    }
  }
}
