import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Parser as AsyncApiParser } from '@asyncapi/parser';
import { createConfig, lintFromString } from '@redocly/openapi-core';
import { Ruleset, Spectral } from '@stoplight/spectral-core';
import { oas } from '@stoplight/spectral-rulesets';
import { startService, type RunningService } from '#atlas/bootstrap';
import { gatewayApp } from '../../apps/gateway/src/gateway.app.js';
import { DOCUMENTS_GATEWAY_ENV } from './documents-gateway.js';

/** One finding of a linter, as `severity rule at where`. */
type Finding = `${'error' | 'warning'} ${string}`;

/**
 * Spectral's and the AsyncAPI parser's DiagnosticSeverity: 0 an error, 1 a warning; 2 and 3
 * are information and hints (that a newer AsyncAPI version exists, say), left out here.
 */
function errorOrWarning(severity: number): 'error' | 'warning' | undefined {
  if (severity === 0) return 'error';
  if (severity === 1) return 'warning';
  return undefined;
}

/**
 * What the linters may still say: `GET /v1/ws` succeeds with 101 Switching Protocols, the
 * WebSocket upgrade, which OpenAPI has no way to describe as a success. Anything else they find
 * fails this test.
 */
const ACCEPTED_WARNINGS: Readonly<Record<'spectral' | 'redocly', readonly Finding[]>> = {
  spectral: ['warning operation-success-response at paths./v1/ws.get.responses'],
  redocly: ['warning operation-2xx-response at #/paths/~1v1~1ws/get/responses'],
};

/**
 * The documents the gateway serves pass the linters people run on an API they are handed:
 * Spectral's `spectral:oas` ruleset, Redocly's `recommended` rules, and the AsyncAPI parser.
 */
describe('the gateway’s API documents, linted', () => {
  let gateway: RunningService;
  let openApi: string;
  let asyncApi: string;

  beforeAll(async () => {
    gateway = await startService(gatewayApp, { env: DOCUMENTS_GATEWAY_ENV });
    const served = async (path: string) => {
      const response = await fetch(`${gateway.url}${path}`);
      if (!response.ok) throw new Error(`GET ${path} answered ${response.status}`);
      return response.text();
    };
    openApi = await served('/docs/openapi.json');
    asyncApi = await served('/docs/asyncapi.json');
  });

  afterAll(async () => {
    await gateway?.close();
  });

  it('passes Spectral’s spectral:oas ruleset with no error', async () => {
    const spectral = new Spectral();
    // Through the constructor, which checks the definition when it runs: the ruleset's declared
    // type does not quite match what `setRuleset` asks for.
    spectral.setRuleset(new Ruleset({ extends: [[oas, 'recommended']] }));
    const results = await spectral.run(openApi);
    const findings = results.flatMap((result): Finding[] => {
      const severity = errorOrWarning(result.severity);
      return severity ? [`${severity} ${String(result.code)} at ${result.path.join('.')}`] : [];
    });
    expect(findings.sort()).toEqual([...ACCEPTED_WARNINGS.spectral].sort());
  });

  it('passes Redocly’s recommended rules with no error', async () => {
    const config = await createConfig({ extends: ['recommended'] });
    const problems = await lintFromString({
      source: openApi,
      absoluteRef: `${gateway.url}/docs/openapi.json`,
      config,
    });
    const findings = problems
      .filter((problem) => problem.severity === 'error' || problem.severity === 'warn')
      .map((problem): Finding => {
        const severity = problem.severity === 'error' ? 'error' : 'warning';
        return `${severity} ${problem.ruleId} at ${problem.location[0]?.pointer ?? '?'}`;
      });
    expect(findings.sort()).toEqual([...ACCEPTED_WARNINGS.redocly].sort());
  });

  it('serves an AsyncAPI document the AsyncAPI parser accepts with no error or warning', async () => {
    const { document, diagnostics } = await new AsyncApiParser().parse(asyncApi);
    const findings = diagnostics.flatMap((diagnostic): Finding[] => {
      const severity = errorOrWarning(diagnostic.severity);
      return severity
        ? [`${severity} ${String(diagnostic.code)} at ${diagnostic.path.join('.')}`]
        : [];
    });
    expect(findings).toEqual([]);
    expect(document?.channels().length).toBeGreaterThan(10);
  });
});
