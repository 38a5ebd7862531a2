#!/usr/bin/env node
// NOT Passerelle. A tiny stand-in that follows the web contract the browser tests are written
// against (sign-in, lockout, TOTP, language switcher, page skeleton), so the test harness itself
// can be checked without building the Rust binary:
//
//   PASSERELLE_BIN=$PWD/stub/passerelle-stub.js npx playwright test
//
// It keeps everything in memory and ignores --data-dir and --database.
import crypto from 'node:crypto';
import http from 'node:http';
import zlib from 'node:zlib';
import { totp, timeStep } from '../lib/totp.js';

const args = process.argv.slice(2);
const flag = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const [host, port] = flag('--addr', '127.0.0.1:8080').split(':');

const T = {
  fr: { signIn: 'Se connecter', email: 'Adresse e-mail', password: 'Mot de passe', submit: 'Se connecter', bad: 'Adresse e-mail ou mot de passe incorrect.', locked: 'Compte verrouillé pendant 15 minutes.', hello: 'Bonjour', signOut: 'Se déconnecter', skip: 'Aller au contenu', security: 'Sécurité du compte', code: 'Code à 6 chiffres', enable: 'Activer', step2: 'Vérification en deux étapes', verify: 'Vérifier', badCode: 'Code incorrect.', enabled: 'Vérification en deux étapes activée.', users: 'Utilisateurs', agencies: 'Agences', audit: "Journal d'audit", langs: 'Langue', menu: 'Menu principal' },
  en: { signIn: 'Sign in', email: 'Email address', password: 'Password', submit: 'Sign in', bad: 'Wrong email address or password.', locked: 'Account locked for 15 minutes.', hello: 'Hello', signOut: 'Sign out', skip: 'Skip to content', security: 'Account security', code: '6-digit code', enable: 'Enable', step2: 'Two-step verification', verify: 'Verify', badCode: 'Wrong code.', enabled: 'Two-step verification is on.', users: 'Users', agencies: 'Agencies', audit: 'Audit log', langs: 'Language', menu: 'Main menu' },
  es: { signIn: 'Iniciar sesión', email: 'Correo electrónico', password: 'Contraseña', submit: 'Entrar', bad: 'Correo o contraseña incorrectos.', locked: 'Cuenta bloqueada durante 15 minutos.', hello: 'Hola', signOut: 'Cerrar sesión', skip: 'Ir al contenido', security: 'Seguridad de la cuenta', code: 'Código de 6 cifras', enable: 'Activar', step2: 'Verificación en dos pasos', verify: 'Verificar', badCode: 'Código incorrecto.', enabled: 'Verificación en dos pasos activada.', users: 'Usuarios', agencies: 'Agencias', audit: 'Registro de auditoría', langs: 'Idioma', menu: 'Menú principal' },
};
const ENDONYM = { fr: 'Français', en: 'English', es: 'Español' };

const users = new Map();
for (const role of ['caseworker', 'supervisor', 'focalpoint', 'agent', 'trainer', 'quality', 'mne', 'admin']) {
  users.set(`${role}@demo.passerelle.test`, { role, failures: [], lockedUntil: 0, totp: null, lang: null, lastStep: -1 });
}
const sessions = new Map(); // sid -> { email, pending, lang, pendingSecret }

const esc = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const cookies = (req) => Object.fromEntries((req.headers.cookie || '').split(';').map((c) => c.trim().split('=')).filter((p) => p[0]));

function language(req, session) {
  if (session?.lang) return session.lang;
  const user = session?.email && !session.pending ? users.get(session.email) : null;
  if (user?.lang) return user.lang;
  const c = cookies(req).lang;
  if (T[c]) return c;
  for (const part of (req.headers['accept-language'] || '').split(',')) {
    const tag = part.split(';')[0].trim().slice(0, 2).toLowerCase();
    if (T[tag]) return tag;
  }
  return 'fr';
}

function page(lang, title, body, { user } = {}) {
  const t = T[lang];
  const nav = user
    ? `<nav aria-label="${esc(t.menu)}"><ul><li><a href="/dashboard">${esc(t.hello)}</a></li><li><a href="/account/security">${esc(t.security)}</a></li>${user.role === 'admin' ? `<li><a href="/admin/users">${esc(t.users)}</a></li><li><a href="/admin/agencies">${esc(t.agencies)}</a></li><li><a href="/admin/audit">${esc(t.audit)}</a></li>` : ''}</ul></nav>
      <form method="post" action="/logout"><button type="submit">${esc(t.signOut)}</button></form>`
    : '';
  const buttons = Object.keys(T).map((l) => `<button type="submit" name="lang" value="${l}" lang="${l}">${ENDONYM[l]}</button>`).join(' ');
  return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} – Passerelle</title><link rel="stylesheet" href="/static/app.css"></head><body>
<a class="skip" href="#main">${esc(t.skip)}</a>
<header><p>Passerelle</p>${nav}</header>
<main id="main">${body}</main>
<footer><form method="post" action="/language"><fieldset><legend>${esc(t.langs)}</legend>${buttons}</fieldset></form></footer>
</body></html>`;
}

function loginPage(lang, error) {
  const t = T[lang];
  return page(lang, t.signIn, `<h1>${esc(t.signIn)}</h1>
${error ? `<div class="error-summary" role="alert"><p>${esc(error)}</p></div>` : ''}
<form method="post" action="/login">
<p><label for="email">${esc(t.email)}</label><input id="email" name="email" type="email" autocomplete="username" required></p>
<p><label for="password">${esc(t.password)}</label><input id="password" name="password" type="password" autocomplete="current-password" required></p>
<button type="submit">${esc(t.submit)}</button></form>`);
}

function codeForm(lang, action, label, button, error) {
  return `${error ? `<div class="error-summary" role="alert"><p>${esc(error)}</p></div>` : ''}
<form method="post" action="${action}"><p><label for="code">${esc(label)}</label>
<input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" required></p><button type="submit">${esc(button)}</button></form>`;
}

function send(req, res, status, body, headers = {}) {
  const type = headers['content-type'] || 'text/html; charset=utf-8';
  let data = Buffer.from(body);
  const h = { ...headers, 'content-type': type, 'cache-control': 'no-store' };
  if (/\bgzip\b/.test(req.headers['accept-encoding'] || '') && data.length > 200) {
    data = zlib.gzipSync(data);
    h['content-encoding'] = 'gzip';
  }
  res.writeHead(status, h);
  res.end(data);
}
const redirect = (res, to, headers = {}) => {
  res.writeHead(303, { location: to, ...headers });
  res.end();
};

const validCode = (user, code) => {
  const now = Date.now();
  for (const drift of [-1, 0, 1]) {
    const at = now + drift * 30_000;
    if (totp(user.totp, at) === code && timeStep(at) > user.lastStep) {
      user.lastStep = timeStep(at);
      return true;
    }
  }
  return false;
};

const server = http.createServer((req, res) => {
  let raw = '';
  req.on('data', (c) => (raw += c));
  req.on('end', () => {
    const url = new URL(req.url, 'http://x');
    const form = Object.fromEntries(new URLSearchParams(raw));
    const sid = cookies(req).sid;
    const session = sid ? sessions.get(sid) : null;
    const signedIn = session && !session.pending ? users.get(session.email) : null;
    const lang = language(req, session);
    const t = T[lang];
    const key = `${req.method} ${url.pathname}`;

    if (key === 'GET /static/app.css') {
      return send(req, res, 200, 'body{font-family:sans-serif;color:#1a1a1a;background:#fff;max-width:40rem;margin:auto}.skip{position:absolute;left:-999px}.skip:focus{left:0}.error-summary{border:3px solid #b00020;padding:.5rem}'.repeat(3), { 'content-type': 'text/css' });
    }
    if (key === 'GET /healthz') return send(req, res, 200, 'ok', { 'content-type': 'text/plain' });
    if (key === 'GET /readyz') return send(req, res, 200, 'ready', { 'content-type': 'text/plain' });
    if (key === 'GET /api/v1/openapi.json') {
      return send(req, res, 200, JSON.stringify({ openapi: '3.1.0', info: { title: 'Passerelle', version: '0' }, paths: { '/api/v1/me': { get: { responses: { 200: { description: 'ok' } } } } } }), { 'content-type': 'application/json' });
    }
    if (key === 'GET /api/docs') return send(req, res, 200, page(lang, 'API', '<h1>API</h1><p><a href="/api/v1/openapi.json">OpenAPI</a></p>'));
    if (key === 'GET /') return redirect(res, signedIn ? '/dashboard' : '/login');
    if (key === 'GET /login') return send(req, res, 200, loginPage(lang));
    if (key === 'POST /login') {
      const user = users.get(String(form.email || '').toLowerCase());
      const now = Date.now();
      if (user && user.lockedUntil > now) return send(req, res, 200, loginPage(lang, t.locked));
      if (!user || form.password !== 'passerelle-demo') {
        if (user) {
          user.failures = user.failures.filter((at) => at > now - 15 * 60_000).concat(now);
          if (user.failures.length >= 5) user.lockedUntil = now + 15 * 60_000;
        }
        return send(req, res, 200, loginPage(lang, user && user.lockedUntil > now ? t.locked : t.bad));
      }
      user.failures = [];
      const newSid = crypto.randomBytes(16).toString('hex');
      sessions.set(newSid, { email: String(form.email).toLowerCase(), pending: !!user.totp, lang: session?.lang ?? null });
      return redirect(res, user.totp ? '/login/totp' : '/dashboard', { 'set-cookie': `sid=${newSid}; Path=/; HttpOnly; SameSite=Lax` });
    }
    if (url.pathname === '/login/totp') {
      if (!session?.pending) return redirect(res, '/login');
      const user = users.get(session.email);
      if (req.method === 'POST') {
        if (validCode(user, String(form.code || ''))) {
          session.pending = false;
          return redirect(res, '/dashboard');
        }
        return send(req, res, 200, page(lang, t.step2, `<h1>${esc(t.step2)}</h1>${codeForm(lang, '/login/totp', t.code, t.verify, t.badCode)}`));
      }
      return send(req, res, 200, page(lang, t.step2, `<h1>${esc(t.step2)}</h1>${codeForm(lang, '/login/totp', t.code, t.verify)}`));
    }
    if (key === 'POST /language') {
      const chosen = T[form.lang] ? form.lang : 'fr';
      if (session) session.lang = chosen;
      if (signedIn) signedIn.lang = chosen;
      const back = new URL(req.headers.referer || 'http://x/login').pathname;
      return redirect(res, back, { 'set-cookie': `lang=${chosen}; Path=/; SameSite=Lax` });
    }
    if (!signedIn) return redirect(res, '/login');
    if (key === 'POST /logout') {
      sessions.delete(sid);
      return redirect(res, '/login', { 'set-cookie': 'sid=; Path=/; Max-Age=0' });
    }
    if (key === 'GET /dashboard') {
      return send(req, res, 200, page(lang, t.hello, `<h1>${esc(t.hello)}, ${esc(signedIn.role)}</h1>`, { user: signedIn }));
    }
    if (url.pathname === '/account/security') {
      let note = '';
      let error = null;
      if (req.method === 'POST') {
        const trial = { ...signedIn, totp: session.pendingSecret };
        if (session.pendingSecret && validCode(trial, String(form.code || ''))) {
          signedIn.totp = session.pendingSecret;
          signedIn.lastStep = trial.lastStep;
          note = `<p role="status">${esc(t.enabled)}</p>`;
        } else error = t.badCode;
      }
      if (signedIn.totp) return send(req, res, 200, page(lang, t.security, `<h1>${esc(t.security)}</h1>${note}`, { user: signedIn }));
      if (!session.pendingSecret || req.method === 'GET') {
        const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
        session.pendingSecret = [...crypto.randomBytes(32)].map((b) => alphabet[b % 32]).join('');
      }
      return send(req, res, 200, page(lang, t.security, `<h1>${esc(t.security)}</h1><h2>${esc(t.step2)}</h2>
<p><code id="totp-secret">${session.pendingSecret}</code></p>${codeForm(lang, '/account/security', t.code, t.enable, error)}`, { user: signedIn }));
    }
    return send(req, res, 404, page(lang, '404', '<h1>404</h1>'));
  });
});

server.listen(Number(port), host, () => {
  console.log(`Passerelle listening on http://${host}:${server.address().port}`);
});
process.on('SIGTERM', () => process.exit(0));
