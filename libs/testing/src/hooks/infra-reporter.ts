import { findResolvedInfra } from '../resolved-infra.js';
import { formatUsageReport, usesInfrastructure } from '../report/usage-report.js';
import { readUsage } from '../usage/usage-ledger.js';
import type { JestRoot } from './jest-root.js';

/**
 * A jest reporter that prints, at the end of the run, which servers each integration and e2e
 * suite used (real, and how found, or embedded). Runs in jest's main process, before the
 * global teardown removes the usage file.
 */
export default class InfraReporter {
  readonly #rootDir: string;
  #suites: string[] = [];

  constructor(globalConfig: JestRoot) {
    this.#rootDir = globalConfig.rootDir;
  }

  onRunStart(): void {
    this.#suites = [];
  }

  onTestResult(test: { readonly path: string }): void {
    if (usesInfrastructure(test.path)) this.#suites.push(test.path);
  }

  onRunComplete(): void {
    const infra = findResolvedInfra(process.env);
    if (!infra) return;
    process.stderr.write(
      formatUsageReport(this.#suites, readUsage(infra.usageFile), this.#rootDir),
    );
  }
}
