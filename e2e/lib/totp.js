// RFC 6238 TOTP (HMAC-SHA1, 6 digits, 30 s period) and RFC 4648 base32, to sign in like an
// authenticator app would. Checked against the RFC's test vectors in tests/totp-helper.spec.js.
import crypto from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export function base32Decode(text) {
  const clean = text.toUpperCase().replace(/[\s=-]/g, '');
  let bits = 0;
  let value = 0;
  const out = [];
  for (const ch of clean) {
    const index = ALPHABET.indexOf(ch);
    if (index < 0) throw new Error(`not base32: ${JSON.stringify(ch)} in ${JSON.stringify(text)}`);
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** RFC 4226 HOTP of `key` (a Buffer) at `counter`. */
export function hotp(key, counter, { digits = 6, algorithm = 'sha1' } = {}) {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = crypto.createHmac(algorithm, key).update(message).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** digits).padStart(digits, '0');
}

export const PERIOD_SECONDS = 30;

export function timeStep(ms = Date.now()) {
  return Math.floor(ms / 1000 / PERIOD_SECONDS);
}

/** The TOTP code for a base32 secret at time `ms`. */
export function totp(secretBase32, ms = Date.now(), options = {}) {
  return hotp(base32Decode(secretBase32), timeStep(ms), options);
}

/**
 * A code that stays valid for at least `marginSeconds` more, from a time step other than
 * `notStep` (a server may refuse a code it has already accepted). Waits up to ~35 s for one.
 */
export async function freshCode(secretBase32, { notStep = null, marginSeconds = 4 } = {}) {
  for (;;) {
    const now = Date.now();
    const step = timeStep(now);
    const left = PERIOD_SECONDS - ((now / 1000) % PERIOD_SECONDS);
    if (step !== notStep && left >= marginSeconds) return { code: totp(secretBase32, now), step };
    await new Promise((resolve) => setTimeout(resolve, Math.ceil(left * 1000) + 50));
  }
}
