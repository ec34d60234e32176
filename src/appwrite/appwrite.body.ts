import { declaresTooMuch, readAtMost } from '../http/body-limit.js';
import { AppwriteError } from './appwrite.errors.js';

const JSON_TYPE = /^application\/json\s*(;|$)/i;

/**
 * The parameters of a /v1 call: its body's JSON object, `{}` without a body. 413 past `limit` bytes
 * (declared or read), 400 for anything but a JSON object sent as application/json: a form or
 * text/plain body is what a cross-site page can send without a CORS preflight.
 */
export async function jsonBodyOf(request: Request, limit: number): Promise<unknown> {
  const tooLarge = () => new AppwriteError(413, 'general_argument_invalid', `Request body too large: at most ${limit} bytes.`);
  const invalid = (why: string) => new AppwriteError(400, 'general_argument_invalid', `Invalid request body: ${why}.`);
  if (declaresTooMuch(request, limit)) throw tooLarge();
  if (request.method === 'GET' || !request.body) return {};
  const bytes = await readAtMost(request, limit);
  if (!bytes) throw tooLarge();
  if (bytes.byteLength === 0) return {};
  if (!JSON_TYPE.test(request.headers.get('content-type') ?? '')) throw invalid('send JSON with content-type: application/json');
  let body: unknown;
  try {
    body = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw invalid('not valid JSON');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalid('must be a JSON object of parameters');
  return body;
}
