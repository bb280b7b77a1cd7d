import { z } from 'zod';

/** A six-digit TOTP code (RFC 6238) or a recovery code such as `abcd-efgh-ijkl-mnop`. */
export const MfaCode = z
  .string()
  .trim()
  .min(6)
  .max(32)
  .regex(/^[0-9A-Za-z-]+$/, 'digits, letters and dashes');

export const MfaVerifyRequest = z.strictObject({
  mfaToken: z.string().min(1).max(512),
  code: MfaCode,
});
export type MfaVerifyRequest = z.infer<typeof MfaVerifyRequest>;

export const TotpSetupResponse = z.object({
  secret: z.string(),
  otpauthUrl: z.string(),
});
export type TotpSetupResponse = z.infer<typeof TotpSetupResponse>;

export const TotpCodeRequest = z.strictObject({ code: MfaCode });
export type TotpCodeRequest = z.infer<typeof TotpCodeRequest>;

export const RecoveryCodesResponse = z.object({
  recoveryCodes: z.array(z.string()).length(10),
});
export type RecoveryCodesResponse = z.infer<typeof RecoveryCodesResponse>;
