import { z } from 'zod';

// NUL and other C0/C1 control characters have no place in an id, an email or a code; they are how
// log injection and truncation bugs start. Tab, LF and CR are refused too: none of the arguments spans lines.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
// Line and paragraph separators break lines as LF does (in logs, JSON-in-JS, mail headers); bidi
// embeddings, overrides and isolates reorder what is shown, so "moc.elpmaxe" in a name reads as
// "example.com" (Trojan Source). None has a place in a name, an id, an email or a code.
const INVISIBLE_FORMAT = /[\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
// A lone surrogate cannot be encoded as UTF-8: Postgres would refuse it with an unexpected error.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** A string with no control characters, separators or bidi controls, in valid UTF-16: the base of every string argument. */
export const safeString = (max: number) =>
  z
    .string()
    .max(max, `must be at most ${max} characters`)
    .refine((v) => !CONTROL.test(v), 'must not contain control characters')
    .refine((v) => !INVISIBLE_FORMAT.test(v), 'must not contain line or paragraph separators or bidirectional controls')
    .refine((v) => !LONE_SURROGATE.test(v), 'must be valid Unicode text');
