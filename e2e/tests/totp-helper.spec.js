// The test helper that plays the authenticator app, against RFC 6238 appendix B (SHA1).
import { test, expect } from '@playwright/test';
import { base32Decode, hotp, totp } from '../lib/totp.js';

test('TOTP helper matches the RFC 6238 test vectors', () => {
  const key = Buffer.from('12345678901234567890');
  const vectors = [
    [59, '94287082'],
    [1111111109, '07081804'],
    [1111111111, '14050471'],
    [1234567890, '89005924'],
    [2000000000, '69279037'],
    [20000000000, '65353130'],
  ];
  for (const [seconds, expected] of vectors) {
    expect(hotp(key, Math.floor(seconds / 30), { digits: 8 })).toBe(expected);
  }
  // base32 of the same key, as an authenticator app would receive it.
  const secret = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
  expect(base32Decode(secret).equals(key)).toBe(true);
  expect(totp(secret, 59_000)).toBe('287082');
  expect(totp('gezd gnbv gy3t qojq gezd gnbv gy3t qojq', 59_000)).toBe('287082');
});
