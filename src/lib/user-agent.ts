import { UAParser } from 'ua-parser-js';

export interface ClientInfo {
  clientName: string | null;
  osName: string | null;
  deviceName: string | null;
}

/**
 * Recently seen User-Agents: parsing runs a few hundred regular expressions (2 % of a login's CPU in
 * `npm run bench --profile`), and most requests come from a handful of clients. Bounded, oldest out.
 */
const recent = new Map<string, ClientInfo>();
const RECENT_MAX = 256;

/** Client, OS and device from a User-Agent header, for the session list and the "who asked" line. */
export function parseUserAgent(userAgent: string): ClientInfo {
  const key = userAgent.slice(0, 512);
  const known = recent.get(key);
  if (known) return { ...known };
  const info = parse(key);
  if (recent.size >= RECENT_MAX) recent.delete(recent.keys().next().value!);
  recent.set(key, info);
  return { ...info };
}

function parse(userAgent: string): ClientInfo {
  const ua = new UAParser(userAgent).getResult();
  const device = [ua.device.vendor, ua.device.model].filter(Boolean).join(' ');
  return {
    clientName: ua.browser.name ?? null,
    osName: ua.os.name ? [ua.os.name, ua.os.version].filter(Boolean).join(' ') : null,
    deviceName: device || ua.device.type || (ua.os.name ? 'desktop' : null),
  };
}
