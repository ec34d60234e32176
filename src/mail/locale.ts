/** Lower-case, `_` → `-`: `de_AT` and `DE-at` are the same tag as `de-at`. */
const normalize = (tag: string) => tag.trim().toLowerCase().replace(/_/g, '-');

/** RFC 4647 lookup: the tag itself, then ever shorter prefixes (`de-at` → `de`). */
function lookup(tag: string, available: Map<string, string>, refused: Set<string>): string | undefined {
  for (let candidate = normalize(tag); candidate; candidate = candidate.slice(0, Math.max(0, candidate.lastIndexOf('-')))) {
    const found = available.get(candidate);
    if (found !== undefined) return refused.has(candidate) ? undefined : found;
  }
  return undefined;
}

interface Range {
  tag: string;
  q: number;
}

/** `de-AT,de;q=0.8,*;q=0.1` → ranges by falling quality, header order among equals; malformed entries are skipped. */
function parseAcceptLanguage(header: string): Range[] {
  const ranges: Range[] = [];
  for (const entry of header.split(',')) {
    const [tag = '', ...params] = entry.split(';').map((s) => s.trim());
    if (!/^(\*|[a-z]{1,8}(-[a-z0-9]{1,8})*)$/i.test(tag)) continue;
    let q = 1;
    for (const param of params) {
      const m = /^q\s*=\s*(0(\.\d{0,3})?|1(\.0{0,3})?)$/i.exec(param);
      if (m) q = Number(m[1]);
      else if (/^q\s*=/i.test(param)) q = Number.NaN;
    }
    if (!Number.isNaN(q)) ranges.push({ tag: normalize(tag), q });
  }
  // Array.prototype.sort is stable, so equal qualities keep the order of the header.
  return ranges.sort((a, b) => b.q - a.q);
}

/**
 * The language of a mail: an explicit `requested` locale wins when we have it (or its base language);
 * otherwise the best acceptable entry of `Accept-Language`; otherwise English.
 * `q=0` marks a language as not acceptable; `*` means "anything", which is English unless refused.
 */
export function pickLocale(requested: string | null, acceptLanguage: string | null, available: string[]): string {
  const byTag = new Map(available.map((tag) => [normalize(tag), tag] as const));
  const fromRequest = requested ? lookup(requested, byTag, new Set()) : undefined;
  if (fromRequest) return fromRequest;

  const ranges = acceptLanguage ? parseAcceptLanguage(acceptLanguage) : [];
  const refused = new Set(ranges.filter((r) => r.q === 0).map((r) => r.tag));
  for (const { tag, q } of ranges) {
    if (q === 0) break;
    if (tag === '*') {
      const english = lookup('en', byTag, refused);
      if (english) return english;
      const other = [...byTag].find(([normalized]) => !refused.has(normalized));
      if (other) return other[1];
      continue;
    }
    const found = lookup(tag, byTag, refused);
    if (found) return found;
  }
  return byTag.get('en') ?? 'en';
}
