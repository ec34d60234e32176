import { describe, it, expect } from 'vitest';
import { pickLocale } from '../../src/mail/locale.js';

const available = ['de', 'en', 'es', 'fr'];

describe('pickLocale', () => {
  it('uses the locale the client asked for explicitly, whatever the browser says', () => {
    expect(pickLocale('fr', 'de-DE,de;q=0.9', available)).toBe('fr');
  });

  it('matches the explicit locale case-insensitively and falls back from a region to its language', () => {
    expect(pickLocale('DE', null, available)).toBe('de');
    expect(pickLocale('de-AT', null, available)).toBe('de');
    expect(pickLocale('es_MX', null, available)).toBe('es');
  });

  it('turns to Accept-Language when the explicit locale is one we do not have', () => {
    expect(pickLocale('ja', 'es-ES,es;q=0.9', available)).toBe('es');
  });

  it('takes the Accept-Language entry of the highest quality, not the first one', () => {
    expect(pickLocale(null, 'fr;q=0.4, de;q=0.8, en;q=0.5', available)).toBe('de');
    expect(pickLocale(null, 'ja, fr-CA;q=0.9, en;q=0.8', available)).toBe('fr');
  });

  it('keeps the header order between entries of equal quality', () => {
    expect(pickLocale(null, 'es;q=0.7, fr;q=0.7', available)).toBe('es');
  });

  it('never picks a language marked q=0', () => {
    expect(pickLocale(null, 'de;q=0, fr;q=0.1', available)).toBe('fr');
    expect(pickLocale(null, 'fr;q=0.5, de-CH, de;q=0', available)).toBe('fr');
  });

  it('reads * as English, or another language when English is refused', () => {
    expect(pickLocale(null, 'ja, *;q=0.5', available)).toBe('en');
    expect(pickLocale(null, 'en;q=0, *', available)).toBe('de');
  });

  it('falls back to English when nothing matches', () => {
    expect(pickLocale(null, 'ja, zh-CN;q=0.9', available)).toBe('en');
    expect(pickLocale('pt', null, available)).toBe('en');
    expect(pickLocale(null, null, available)).toBe('en');
    expect(pickLocale(null, 'de;q=0', available)).toBe('en');
    expect(pickLocale(null, 'en;q=0, *;q=0', available)).toBe('en');
  });

  it('skips malformed entries instead of failing', () => {
    expect(pickLocale(null, ';;, de;q=2, fr;q=abc, es;q=0.3', available)).toBe('es');
    expect(pickLocale(null, '', available)).toBe('en');
  });
});
