import type { TokenVerificationSettings } from '#atlas/config';

export const SECURITY_OPTIONS = Symbol('SECURITY_OPTIONS');

export type SecurityOptions = TokenVerificationSettings;
