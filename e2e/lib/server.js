// Starts and stops a real Passerelle server for the browser tests.
//
// Each server gets a fresh temporary data directory and a random port:
//   passerelle serve --addr 127.0.0.1:0 --data-dir TMP --demo [--database postgres://…]
// and is ready when it prints `Passerelle listening on http://127.0.0.1:PORT` on stdout.
// On PostgreSQL each server also gets its own fresh database, created next to the one named by
// PASSERELLE_E2E_DATABASE_URL (the connection used to create and drop it) and dropped afterwards.
import { spawn, execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';

const READY_LINE = /^Passerelle listening on (http:\/\/\S+?)\/?$/;
const START_TIMEOUT_MS = Number(process.env.PASSERELLE_E2E_START_TIMEOUT_MS || 120_000);

export function binaryPath() {
  if (process.env.PASSERELLE_BIN) return process.env.PASSERELLE_BIN;
  const target = process.env.CARGO_TARGET_DIR || '/var/tmp/passerelle-target';
  return path.join(target, 'debug', 'passerelle');
}

function tail(file, lines = 40) {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

function psql(url, sql) {
  try {
    execFileSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', url, '-c', sql], {
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 60_000,
    });
  } catch (e) {
    const why = e.code === 'ENOENT' ? 'psql not found (apt-get install postgresql-client)' : String(e.stderr || e.message);
    throw new Error(`psql failed for: ${sql}\n${why}`);
  }
}

function createDatabase() {
  const adminUrl = process.env.PASSERELLE_E2E_DATABASE_URL;
  if (!adminUrl) throw new Error('the postgres backend needs PASSERELLE_E2E_DATABASE_URL (scripts/test sets it)');
  const base = new URL(adminUrl);
  const baseName = decodeURIComponent(base.pathname.replace(/^\//, '')) || 'postgres';
  const prefix = baseName.startsWith('passerelle_e2e') ? baseName.slice(0, 50) : 'passerelle_e2e';
  const name = `${prefix}_${crypto.randomBytes(4).toString('hex')}`.toLowerCase();
  psql(adminUrl, `CREATE DATABASE "${name}"`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: () => psql(adminUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
  };
}

/**
 * Starts a server. `backend` is 'sqlite' or 'postgres'; `name` names its log file in `logDir`.
 * Resolves to { url, logPath, stop() } once the server printed its address.
 */
export async function startServer({ backend = 'sqlite', name = 'server', logDir }) {
  const bin = binaryPath();
  if (!fs.existsSync(bin)) {
    throw new Error(`Passerelle binary not found at ${bin}: run "cargo build -p passerelle" (scripts/test does) or set PASSERELLE_BIN`);
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'passerelle-e2e-'));
  const args = ['serve', '--addr', '127.0.0.1:0', '--data-dir', dataDir, '--demo'];
  const database = backend === 'postgres' ? createDatabase() : null;
  if (database) args.push('--database', database.url);

  // The flags above are the whole configuration: drop settings a developer may have exported.
  const env = { ...process.env, RUST_BACKTRACE: '1' };
  for (const k of ['PASSERELLE_ADDR', 'PASSERELLE_DATA_DIR', 'PASSERELLE_DATABASE', 'PASSERELLE_CONFIG']) delete env[k];

  fs.mkdirSync(logDir, { recursive: true });
  const logPath = path.join(logDir, `${name.replace(/[^\w.-]+/g, '_')}.log`);
  const log = fs.createWriteStream(logPath);
  log.write(`$ ${bin} ${args.join(' ')}\n`);

  const child = spawn(bin, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stderr.on('data', (chunk) => log.write(chunk));
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  let stopping = false;

  const cleanup = () => {
    if (database) {
      try {
        database.drop();
      } catch (e) {
        console.error(String(e.message || e));
      }
    }
    if (!process.env.PASSERELLE_E2E_KEEP_DATA) fs.rmSync(dataDir, { recursive: true, force: true });
  };

  let url;
  try {
    url = await new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`server "${name}" printed no "Passerelle listening on …" line within ${START_TIMEOUT_MS / 1000} s; log ${logPath}:\n${tail(logPath)}`)),
        START_TIMEOUT_MS,
      );
      const lines = readline.createInterface({ input: child.stdout });
      lines.on('line', (line) => {
        log.write(`${line}\n`);
        const m = READY_LINE.exec(line.trim());
        if (m) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      });
      child.once('error', (e) => {
        clearTimeout(timer);
        reject(new Error(`could not start ${bin}: ${e.message}`));
      });
      exited.then(({ code, signal }) => {
        clearTimeout(timer);
        // Give the log stream a moment to receive the last stderr bytes.
        setTimeout(() => reject(new Error(`server "${name}" exited (${signal || code}) before it was ready; log ${logPath}:\n${tail(logPath)}`)), 100);
      });
    });
  } catch (e) {
    child.kill('SIGKILL');
    await exited;
    cleanup();
    throw e;
  }

  return {
    url,
    logPath,
    dataDir,
    database: database?.url ?? null,
    /** True when the process died on its own (a crash) rather than through stop(). */
    crashed: () => child.exitCode !== null && !stopping,
    async stop() {
      const died = child.exitCode !== null || child.signalCode !== null;
      stopping = true;
      if (!died) {
        child.kill('SIGTERM');
        const timeout = new Promise((resolve) => setTimeout(() => resolve('timeout'), 10_000));
        if ((await Promise.race([exited, timeout])) === 'timeout') {
          child.kill('SIGKILL');
          await exited;
        }
      }
      log.end();
      cleanup();
      if (died) throw new Error(`server "${name}" died during the tests (exit ${child.exitCode ?? child.signalCode}); log ${logPath}:\n${tail(logPath)}`);
    },
  };
}
