import type { Account } from '../account/account.model.js';
import type { IssuedCode } from '../login/login.service.js';
import type { SessionView } from '../sessions/session.model.js';

/**
 * Appwrite's models (the SDK's `types/models.d.ts`) built from ours. Fields this service has no
 * notion of are there with Appwrite's empty values ("", false, [], {}), so code written against the
 * SDK's types finds every field it reads.
 */

/** Token: the code itself is only in the mail, so `secret` is "" (as Appwrite answers clients). */
export function tokenModel(code: IssuedCode) {
  return {
    $id: code.id,
    $createdAt: code.createdAt.toISOString(),
    userId: code.userId,
    secret: '',
    expire: code.expire.toISOString(),
    phrase: code.phrase ?? '',
  };
}

/** Session: `secret` is the credential in the answer that creates it, "" everywhere else. */
export function sessionModel(session: SessionView) {
  return {
    $id: session.id,
    $createdAt: session.createdAt.toISOString(),
    $updatedAt: session.updatedAt.toISOString(),
    userId: session.userId,
    expire: session.expire.toISOString(),
    provider: session.provider,
    providerUid: session.providerUid,
    providerAccessToken: '',
    providerAccessTokenExpiry: '',
    providerRefreshToken: '',
    ip: session.ip ?? '',
    osCode: '',
    osName: session.osName ?? '',
    osVersion: '',
    clientType: '',
    clientCode: '',
    clientName: session.clientName ?? '',
    clientVersion: '',
    clientEngine: '',
    clientEngineVersion: '',
    deviceName: session.deviceName ?? '',
    deviceBrand: '',
    deviceModel: '',
    countryCode: '',
    countryName: '',
    current: session.current,
    factors: session.factors,
    secret: session.secret ?? '',
    mfaUpdatedAt: '',
  };
}

export function sessionListModel(list: { total: number; sessions: SessionView[] }) {
  return { total: list.total, sessions: list.sessions.map(sessionModel) };
}

/** User: no password, phone, labels, preferences or MFA here. */
export function userModel(account: Account) {
  return {
    $id: account.id,
    $createdAt: account.createdAt.toISOString(),
    $updatedAt: account.updatedAt.toISOString(),
    name: account.name,
    registration: account.createdAt.toISOString(),
    status: account.status === 'active',
    labels: [],
    passwordUpdate: '',
    email: account.email,
    phone: '',
    emailVerification: account.emailVerification,
    phoneVerification: false,
    mfa: false,
    prefs: {},
    targets: [],
    accessedAt: account.accessedAt.toISOString(),
  };
}
