import { z } from 'zod';

// NUL and other C0/C1 control characters have no place in an id, an email or a code; they are how
// log injection and truncation bugs start. Tab, LF and CR are refused too: none of the arguments spans lines.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
// A lone surrogate cannot be encoded as UTF-8: Postgres would refuse it with an unexpected error.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** A string with no control characters and valid UTF-16: the base of every string argument. */
export const safeString = (max: number) =>
  z
    .string()
    .max(max, `must be at most ${max} characters`)
    .refine((v) => !CONTROL.test(v), 'must not contain control characters')
    .refine((v) => !LONE_SURROGATE.test(v), 'must be valid Unicode text');
