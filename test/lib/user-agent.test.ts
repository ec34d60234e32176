import { describe, expect, it } from 'vitest';
import { parseUserAgent } from '../../src/lib/user-agent.js';

describe('parseUserAgent', () => {
  it.each([
    [
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1',
      { clientName: 'Mobile Safari', osName: 'iOS 17.0', deviceName: 'Apple iPhone' },
    ],
    [
      'Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.144 Mobile Safari/537.36',
      { clientName: 'Chrome', osName: 'Android 14', deviceName: 'Samsung SM-S918B' },
    ],
    [
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.2210.91',
      { clientName: 'Edge', osName: 'Windows 10', deviceName: 'desktop' },
    ],
    ['Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0', { clientName: 'Firefox', osName: 'Linux', deviceName: 'desktop' }],
    ['curl/8.4.0', { clientName: null, osName: null, deviceName: null }],
  ])('names well-known clients: %s', (ua, expected) => {
    expect(parseUserAgent(ua)).toEqual(expected);
  });

  // What a requester can make ua-parser read out of their own User-Agent text.
  it.each([
    'Mozilla/5.0 (Linux; Android 14.evil.example.com; K) Chrome/120.0.evil.example.com Safari/537.36',
    'Mozilla/5.0 (compatible; Konqueror/4.evil.example.com; Linux)',
    'Mozilla/5.0 (Linux; U; Android 4.0; en-us; visit-evil.example.com Build/1) AppleWebKit/534.30 Version/4.0 Mobile Safari/534.30',
    'Opera/9.80 (Evil; Opera Mini/evil.example.com/191.283; U; en) Presto/2.12.423 Version/12.16',
    'Mozilla/5.0 (X11; Linux) Epiphany/evil.example.com',
    'Mozilla/5.0 (X11; Linux) (Ubuntu/22.04.evil.example.com)',
    'Mozilla/5.0 (X11; CrOS x86_64 14541.evil.example.com) Chrome/120.0',
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Evil.Example.Com/17.0 Mobile Safari/1',
  ])('prints no text of the requester’s own: %s', (ua) => {
    const info = parseUserAgent(ua);
    expect(JSON.stringify(info)).not.toMatch(/evil|example|visit/i);
    for (const value of Object.values(info)) if (value) expect(value).toMatch(/^[A-Za-z][A-Za-z0-9 ._-]*$/);
  });

  it('keeps a known name when only its version is suspicious', () => {
    const info = parseUserAgent('Mozilla/5.0 (Linux; Android 14.evil.example.com; K) Chrome/120.0 Safari/537.36');
    expect(info.clientName).toBe('Chrome');
    expect(info.osName).toBe('Android');
  });

  it('names client, OS and device, and nothing for an empty header', () => {
    expect(parseUserAgent('Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1')).toEqual({
      clientName: 'Mobile Safari',
      osName: 'iOS 17.4',
      deviceName: 'Apple iPhone',
    });
    expect(parseUserAgent('')).toEqual({ clientName: null, osName: null, deviceName: null });
  });
});
