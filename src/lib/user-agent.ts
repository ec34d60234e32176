import { UAParser } from 'ua-parser-js';

export interface ClientInfo {
  clientName: string | null;
  osName: string | null;
  deviceName: string | null;
}

/** Client, OS and device from a User-Agent header, for the session list and the "who asked" line. */
export function parseUserAgent(userAgent: string): ClientInfo {
  const ua = new UAParser(userAgent.slice(0, 512)).getResult();
  const device = [ua.device.vendor, ua.device.model].filter(Boolean).join(' ');
  return {
    clientName: ua.browser.name ?? null,
    osName: ua.os.name ? [ua.os.name, ua.os.version].filter(Boolean).join(' ') : null,
    deviceName: device || ua.device.type || (ua.os.name ? 'desktop' : null),
  };
}
