import { Account, AppwriteException, Client } from 'appwrite';
import type { TestApp } from '../helpers/test-app.js';

/** The project id the tests' apps send (X-Appwrite-Project): it names the cookie, `a_session_<project>`. */
export const PROJECT = 'otpql-demo';

/** The SDK's endpoint for a test app: the only line an Appwrite app changes. */
export const endpointOf = (t: TestApp) => t.url.replace(/\/graphql$/, '/v1');

/** A fresh SDK client and Account for the test app, as an app builds them. */
export function sdk(t: TestApp, session?: string) {
  const client = new Client().setEndpoint(endpointOf(t)).setProject(PROJECT);
  if (session) client.setSession(session);
  return { client, account: new Account(client) };
}

/** The AppwriteException a call rejects with; anything else (a success, another error) fails the test. */
export async function failure(call: Promise<unknown>): Promise<AppwriteException> {
  try {
    await call;
  } catch (error) {
    if (error instanceof AppwriteException) return error;
    throw error;
  }
  throw new Error('expected an AppwriteException, the call succeeded');
}

export interface V1Response {
  status: number;
  headers: Headers;
  text: string;
  // biome-ignore lint: the JSON of an answer, read by the tests
  json: any;
}

/** A raw HTTP call of /v1, with the SDK's project header unless `headers` says otherwise. */
export async function v1(
  t: TestApp,
  method: string,
  path: string,
  options: { body?: BodyInit; json?: unknown; headers?: Record<string, string> } = {},
): Promise<V1Response> {
  const res = await fetch(`${endpointOf(t)}${path}`, {
    method,
    headers: {
      'x-appwrite-project': PROJECT,
      ...(options.json !== undefined ? { 'content-type': 'application/json' } : {}),
      ...options.headers,
    },
    body: options.json !== undefined ? JSON.stringify(options.json) : options.body,
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}
