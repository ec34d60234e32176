import type { SessionFieldsFragment } from '../gql/graphql.js';

/** "Chrome on Linux (desktop)": what the User-Agent told the server, or "Unknown client". */
export function sessionLabel(session: Pick<SessionFieldsFragment, 'clientName' | 'osName' | 'deviceName'>): string {
  const client = session.clientName ?? 'Unknown client';
  const os = session.osName ? ` on ${session.osName}` : '';
  const device = session.deviceName ? ` (${session.deviceName})` : '';
  return `${client}${os}${device}`;
}

/** The `path` of a validation issue as the user knows it: "email: must be a valid email address". */
export function issueText(issue: { path: readonly string[]; message: string }): string {
  return issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message;
}
