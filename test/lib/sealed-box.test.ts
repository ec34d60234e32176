import { describe, expect, it } from 'vitest';
import { createSealedBox } from '../../src/lib/sealed-box.js';

describe('sealed box', () => {
  it('round-trips, and cannot be opened with another secret or after tampering', () => {
    const box = createSealedBox('secret-one-secret-one-secret-one', 'outbox');
    const sealed = box.seal({ code: '123456' });
    expect(sealed).not.toContain('123456');
    expect(box.open(sealed)).toEqual({ code: '123456' });
    expect(() => createSealedBox('secret-two-secret-two-secret-two', 'outbox').open(sealed)).toThrow();
    const tampered = Buffer.from(sealed, 'base64url');
    tampered[tampered.length - 1]! ^= 1;
    expect(() => box.open(tampered.toString('base64url'))).toThrow();
  });
});
