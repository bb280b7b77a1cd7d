import { generate } from 'otplib';

const PERIOD_S = 30;

export function currentStep(): number {
  return Math.floor(Date.now() / 1000 / PERIOD_S);
}

/** The code an authenticator app shows during `step` (30-second steps since the epoch). */
export function totpCodeFor(secret: string, step: number): Promise<string> {
  return generate({ secret, epoch: step * PERIOD_S });
}
