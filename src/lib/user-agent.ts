import { UAParser } from 'ua-parser-js';

export interface ClientInfo {
  clientName: string | null;
  osName: string | null;
  deviceName: string | null;
}

/**
 * The names we print, each as ua-parser-js 1.x spells it. ua-parser takes many names and versions
 * from the User-Agent text itself, which the requester writes: "iOS 17.0.evil.example.com" would
 * otherwise land inside a genuine login mail in the victim's inbox. So a name is printed only when it
 * is one of these, a version only when it is digits and dots; anything else is "unknown".
 */
const KNOWN_BROWSERS = names(
  'Android Browser, Arc, Avast Secure Browser, Baidu, Brave, Chrome, Chrome Headless, Chrome WebView, Chromium,',
  'Coc Coc, DuckDuckGo, Edge, Electron, Epiphany, Facebook, Falkon, Firefox, Firefox Focus, GSA, Huawei Browser,',
  'IE, IEMobile, Instagram, Konqueror, Line, MIUI Browser, Maxthon, Midori, Mobile Chrome, Mobile Firefox,',
  'Mobile Safari, Oculus Browser, Opera, Opera GX, Opera Mini, Opera Mobi, Opera Touch, Pale Moon, Puffin,',
  'QQBrowser, Quark, Safari, Samsung Internet, SeaMonkey, Silk, Snapchat, Sogou Explorer, TikTok, UCBrowser,',
  'Vivaldi, Waterfox, WeChat, Whale, Yandex',
);
const KNOWN_SYSTEMS = names(
  'Android, Arch, BlackBerry, CentOS, Chrome OS, Chromium OS, Debian, Fedora, Firefox OS, FreeBSD, Fuchsia,',
  'Gentoo, HarmonyOS, KaiOS, Kubuntu, Linux, Mac OS, macOS, Manjaro, Mint, NetBSD, Nintendo, OpenBSD, openSUSE,',
  'PlayStation, Red Hat, RIM Tablet OS, Sailfish, Slackware, Solaris, SUSE, Symbian, Tizen, tvOS, Ubuntu,',
  'watchOS, webOS, Windows, Windows Mobile, Windows Phone, Xbox, iOS',
);
const KNOWN_VENDORS = names(
  'Acer, Alcatel, Amazon, Apple, Asus, BlackBerry, Fairphone, Google, HTC, Honor, Huawei, Lenovo, LG, Meizu,',
  'Microsoft, Motorola, Nokia, Nothing, OnePlus, Oppo, Realme, Samsung, Sharp, Sony, Tecno, Vivo, Xiaomi, ZTE',
);
const VERSION = /^[0-9]{1,6}(\.[0-9]{1,6}){0,3}$/;
// A model number, never a host name: no dots, no slashes, short.
const MODEL = /^[A-Za-z0-9][A-Za-z0-9 _-]{0,31}$/;
const DEVICE_TYPES = new Set(['console', 'mobile', 'tablet', 'smarttv', 'wearable', 'embedded']);

function names(...lines: string[]): Map<string, string> {
  const list = lines.join(' ').split(',').map((n) => n.trim()).filter(Boolean);
  return new Map(list.map((name) => [name.toLowerCase(), name]));
}

const known = (list: Map<string, string>, name: string | undefined) => (name ? (list.get(name.toLowerCase()) ?? null) : null);

/**
 * Recently seen User-Agents: parsing runs a few hundred regular expressions (2 % of a login's CPU in
 * `npm run bench --profile`), and most requests come from a handful of clients. Bounded, oldest out.
 */
const recent = new Map<string, ClientInfo>();
const RECENT_MAX = 256;

/** Client, OS and device from a User-Agent header, for the session list and the "who asked" line. */
export function parseUserAgent(userAgent: string): ClientInfo {
  const key = userAgent.slice(0, 512);
  const cached = recent.get(key);
  if (cached) return { ...cached };
  const info = parse(key);
  if (recent.size >= RECENT_MAX) recent.delete(recent.keys().next().value!);
  recent.set(key, info);
  return { ...info };
}

function parse(userAgent: string): ClientInfo {
  const ua = new UAParser(userAgent).getResult();
  const os = known(KNOWN_SYSTEMS, ua.os.name);
  const osVersion = ua.os.version && VERSION.test(ua.os.version) ? ua.os.version : null;
  const vendor = known(KNOWN_VENDORS, ua.device.vendor);
  const model = ua.device.model && MODEL.test(ua.device.model) ? ua.device.model : null;
  const type = ua.device.type && DEVICE_TYPES.has(ua.device.type) ? ua.device.type : null;
  return {
    clientName: known(KNOWN_BROWSERS, ua.browser.name),
    osName: os ? [os, osVersion].filter(Boolean).join(' ') : null,
    deviceName: (vendor && [vendor, model].filter(Boolean).join(' ')) || type || (os ? 'desktop' : null),
  };
}
